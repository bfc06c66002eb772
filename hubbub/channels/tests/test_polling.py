"""The poller against toy-network servers: outages, catch-up from cursors, health, credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from hubbub.channels.budget import RateBudget
from hubbub.channels.models import ChannelAccount, Cursor, Health
from hubbub.channels.polling import DOWN_RETRY_SECONDS, Poller
from hubbub.channels.tests.toy_network import (
    TOKEN,
    TOY,
    ToyService,
    connect_toy_account,
    toy_pipeline,
    toy_spec,
)
from hubbub.core.models import Brand, PostRecord
from hubbub.core.posts import Post

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _poller(budget: RateBudget) -> Poller:
    return Poller(toy_pipeline().process, budget=budget, networks={TOY: toy_spec()})


def _texts(channel: ChannelAccount) -> list[str]:
    posts = PostRecord.objects.filter(account_id=channel.account_id).order_by("external_id")
    return list(posts.values_list("text", flat=True))


def test_an_outage_degrades_one_account_the_other_goes_on_and_the_missed_posts_are_caught_up(
    brand_a: Brand, toy: ToyService, other_toy: ToyService, budget: RateBudget
) -> None:
    failing = connect_toy_account(brand_a, "acmecare", toy.server.url)
    working = connect_toy_account(brand_a, "acmehelp", other_toy.server.url)
    toy.publish("dana", "before the outage")
    other_toy.publish("eli", "my bill is wrong")
    poller = _poller(budget)
    with time_machine.travel(START, tick=False):
        poller.poll_due()
        toy.outage = 503
        toy.publish("dana", "during the outage 1")
        toy.publish("dana", "during the outage 2")
        outcomes = poller.poll_due()  # not due yet: nothing is asked
        assert outcomes == []
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        other_toy.publish("eli", "still waiting")
        outcomes = poller.poll_due()

    assert sorted(outcome.status for outcome in outcomes) == [Health.DEGRADED, Health.OK]
    failing.refresh_from_db()
    assert (failing.status, failing.failures, failing.last_error) == (
        Health.DEGRADED,
        1,
        f"GET http://127.0.0.1:{toy.server.url.rsplit(':', 1)[1]}/items?[redacted] answered 503",
    )
    assert failing.next_poll_at == START + timedelta(minutes=2, seconds=4)  # 2 s times 2, no jitter
    assert _texts(working) == ["my bill is wrong", "still waiting"]
    assert _texts(failing) == ["before the outage"]

    toy.outage = None
    recovered_at = START + timedelta(minutes=2, seconds=30)  # the working account is not due yet
    with time_machine.travel(recovered_at, tick=False):
        [outcome] = poller.poll_due()

    failing.refresh_from_db()
    assert (outcome.channel_id, outcome.status, outcome.posts) == (failing.id, Health.OK, 2)
    assert _texts(failing) == ["before the outage", "during the outage 1", "during the outage 2"]
    assert (failing.status, failing.failures, failing.last_success_at) == (
        Health.OK,
        0,
        recovered_at,
    )
    assert [r.query["since"] for r in toy.server.received("GET", "/items")] == ["0", "1", "1"]


def test_the_cursor_moves_only_after_the_posts_are_stored(
    brand_a: Brand, toy: ToyService, budget: RateBudget
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", toy.server.url)
    toy.publish("dana", "first")

    def crashing_pipeline(posts: list[Post]) -> None:
        raise RuntimeError("the database went away")

    with time_machine.travel(START, tick=False):
        [outcome] = Poller(crashing_pipeline, budget=budget, networks={TOY: toy_spec()}).poll_due()
    assert (outcome.status, outcome.error) == (Health.DEGRADED, "RuntimeError: the database went away")
    assert not Cursor.objects.filter(channel=channel).exists()

    with time_machine.travel(START + timedelta(hours=1), tick=False):
        _poller(budget).poll_due()

    assert _texts(channel) == ["first"]
    assert list(Cursor.objects.filter(channel=channel).values_list("name", "value")) == [("since", "1")]


def test_posts_belong_to_the_brand_of_the_account_they_came_through(
    brand_a: Brand, toy: ToyService, budget: RateBudget
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", toy.server.url)
    toy.publish("dana", "hello")

    _poller(budget).poll_due()

    post = PostRecord.objects.get()
    assert (post.brand_id, post.account_id, post.is_inbound, post.network) == (
        brand_a.id,
        channel.account_id,
        True,
        TOY,
    )


def test_a_refused_token_marks_the_account_down_without_showing_the_token(
    brand_a: Brand, toy: ToyService, budget: RateBudget
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", toy.server.url)
    toy.outage = 401

    with time_machine.travel(START, tick=False):
        [outcome] = _poller(budget).poll_due()

    channel.refresh_from_db()
    assert (channel.status, channel.failures) == (Health.DOWN, 1)
    assert channel.next_poll_at == START + timedelta(seconds=DOWN_RETRY_SECONDS)
    assert TOKEN in toy.server.requests[0].query["access_token"]
    assert TOKEN not in channel.last_error
    assert channel.last_error.endswith("/items?[redacted] answered 401")
    assert outcome.error == channel.last_error


def test_credentials_no_key_can_decrypt_mark_the_account_down(
    brand_a: Brand, toy: ToyService, budget: RateBudget
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", toy.server.url)
    ChannelAccount.objects.filter(id=channel.id).update(secrets_encrypted="gAAAAA-not-a-token")

    [outcome] = _poller(budget).poll_due()

    assert (outcome.status, outcome.error) == (
        Health.DOWN,
        "the credentials cannot be decrypted with the configured keys",
    )
    assert toy.server.requests == []


def test_a_broken_connector_degrades_only_its_own_account(
    brand_a: Brand, toy: ToyService, budget: RateBudget
) -> None:
    broken = connect_toy_account(brand_a, "acmecare", toy.server.url)
    ChannelAccount.objects.filter(id=broken.id).update(settings={})  # no base_url: a KeyError inside
    working = connect_toy_account(brand_a, "acmehelp", toy.server.url)
    toy.publish("dana", "hello")

    outcomes = _poller(budget).poll_due()

    assert [(o.channel_id, o.status, o.error) for o in outcomes] == [
        (broken.id, Health.DEGRADED, "KeyError: 'base_url'"),
        (working.id, Health.OK, ""),
    ]
    assert _texts(working) == ["hello"]


def test_accounts_that_are_disabled_not_due_or_without_a_connector_are_not_polled(
    brand_a: Brand, toy: ToyService, budget: RateBudget
) -> None:
    connect_toy_account(brand_a, "off", toy.server.url, enabled=False)
    connect_toy_account(brand_a, "later", toy.server.url, next_poll_at=START + timedelta(seconds=1))
    unknown = connect_toy_account(brand_a, "unknown", toy.server.url)
    unknown.account.network = "mastodon"
    unknown.account.save()

    with time_machine.travel(START, tick=False):
        outcomes = _poller(budget).poll_due()

    assert outcomes == []
    assert toy.server.requests == []


def test_the_rate_budget_read_from_the_headers_is_kept_and_delays_the_next_poll(
    brand_a: Brand, toy: ToyService, budget: RateBudget
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", toy.server.url)
    reset = START + timedelta(minutes=15)
    toy.rate_headers = {"x-rate-limit-remaining": "1", "x-rate-limit-reset": str(int(reset.timestamp()))}

    with time_machine.travel(START, tick=False):
        _poller(budget).poll_due()

    channel.refresh_from_db()
    assert (channel.status, channel.rate_remaining, channel.rate_reset_at, channel.next_poll_at) == (
        Health.OK,
        1,
        reset,
        reset,  # one call left is kept for replies: no polling until the window resets
    )
