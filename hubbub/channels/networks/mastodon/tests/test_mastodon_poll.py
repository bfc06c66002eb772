"""Polling mentions and hashtags with Mastodon.py against a local server answering like Mastodon."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.networks.mastodon.connector import SPEC, MastodonConnector
from hubbub.channels.networks.mastodon.tests.conftest import NOW, fixture, mastodon_account
from hubbub.channels.tests.local_server import LocalServer, Received, Reply
from hubbub.core.posts import Post

RATE = {
    "X-RateLimit-Limit": "300",
    "X-RateLimit-Remaining": "299",
    "X-RateLimit-Reset": "2024-05-02T12:05:00.000Z",
}


def serve_fixtures(server: LocalServer) -> None:
    server.route("GET", "/api/v1/notifications", Reply(200, fixture("notifications_mentions.json"), RATE))
    server.route("GET", "/api/v1/timelines/tag/acme", Reply(200, fixture("hashtag_acme.json"), RATE))


def test_poll_maps_mentions_and_hashtag_statuses_to_posts_oldest_first(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    serve_fixtures(mastodon)

    fetched = connector.poll({})

    assert fetched.posts == [
        Post(
            network="mastodon",
            external_id="112400000000000010",
            author_id="109222333444555666",
            author_handle="jo@fedi.example.org",
            author_name="Jo <script>alert('x')</script>",
            author_followers=312,
            text="@acme my X2 won't charge <b>at all</b> #help",
            created_at=datetime(2024, 5, 2, 9, 15, tzinfo=UTC),
            in_reply_to_id="112399999999999990",
            brand_id=2,
            kind="comment",
            thread_id="112399999999999990",
            account_id=5,
            url="https://fedi.example.org/@jo/112400000000000010",
            source="fedi.example.org",
        ),
        Post(
            network="mastodon",
            external_id="112400000000000020",
            author_id="109777888999000111",
            author_handle="sam",
            author_name="Sam",
            author_followers=45,
            text="@acme my account number is in this message, please call me",
            created_at=datetime(2024, 5, 2, 9, 20, tzinfo=UTC),
            brand_id=2,
            kind="direct",
            thread_id="112400000000000020",
            account_id=5,
            url="https://social.example.net/@sam/112400000000000020",
            source="127.0.0.1",
        ),
        Post(
            network="mastodon",
            external_id="112400000000000030",
            author_id="109777888999000111",
            author_handle="sam",
            author_name="Sam",
            author_followers=45,
            text="CW: phone rant\n\nAnyone else? #acme outage in Leeds",
            created_at=datetime(2024, 5, 2, 10, 0, tzinfo=UTC),
            brand_id=2,
            kind="post",
            thread_id="112400000000000030",
            account_id=None,
            url="https://social.example.net/@sam/112400000000000030",
            source="127.0.0.1",
        ),
        Post(
            network="mastodon",
            external_id="112400000000000040",
            author_id="109000000000000001",
            author_handle="acme",
            author_name="Acme Mobile",
            author_followers=5400,
            text="We are looking into charging reports. #acme",
            created_at=datetime(2024, 5, 2, 10, 5, tzinfo=UTC),
            is_inbound=False,
            brand_id=2,
            kind="post",
            thread_id="112400000000000040",
            account_id=None,
            url="https://social.example.net/@acme/112400000000000040",
            source="127.0.0.1",
        ),
    ]
    assert dict(fetched.cursor) == {"mentions": "34975", "tag:acme": "112400000000000040"}


def test_a_malformed_notification_is_rejected_with_its_reason_and_the_others_kept(
    mastodon: LocalServer, connector: MastodonConnector, caplog: pytest.LogCaptureFixture
) -> None:
    serve_fixtures(mastodon)

    with caplog.at_level(logging.WARNING):
        fetched = connector.poll({})

    assert "112400000000000015" not in {post.external_id for post in fetched.posts}
    assert len(fetched.posts) == 4
    assert "rejected Notification 1: status.created_at: Input should be a valid datetime" in caplog.text


def test_the_first_poll_asks_for_mentions_only_with_the_token(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    serve_fixtures(mastodon)

    connector.poll({})

    [received] = mastodon.received("GET", "/api/v1/notifications")
    assert sorted(received.query_list) == [("limit", "40"), ("types[]", "mention")]
    assert received.headers["authorization"] == "Bearer token-5"


def numbered_notifications(first: int, count: int) -> list[dict[str, Any]]:
    template = fixture("notifications_mentions.json")[0]
    items = []
    for number in range(first + count - 1, first - 1, -1):  # newest first, as Mastodon pages are
        status = {**template["status"], "id": str(112500000000000000 + number)}
        items.append({**template, "id": str(number), "status": status})
    return items


def test_poll_catches_up_page_by_page_after_the_cursor(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    def page_after(request: Received) -> Reply:
        min_id = int(request.query["min_id"])
        count = 40 if min_id < 34980 else 3
        return Reply(200, numbered_notifications(min_id + 1, count), RATE)

    mastodon.route("GET", "/api/v1/notifications", page_after)
    mastodon.route("GET", "/api/v1/timelines/tag/acme", Reply(200, []))

    fetched = connector.poll({"mentions": "34900", "tag:acme": "112400000000000040"})

    asked = [request.query["min_id"] for request in mastodon.received("GET", "/api/v1/notifications")]
    assert asked == ["34900", "34940", "34980"]
    assert len(fetched.posts) == 83
    assert fetched.cursor["mentions"] == "34983"
    assert fetched.cursor["tag:acme"] == "112400000000000040"
    assert mastodon.received("GET", "/api/v1/timelines/tag/acme")[0].query["min_id"] == "112400000000000040"


def test_catching_up_stops_when_the_rate_window_is_spent(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    spent = {**RATE, "X-RateLimit-Remaining": "1"}
    mastodon.route("GET", "/api/v1/notifications", Reply(200, numbered_notifications(34901, 40), spent))
    mastodon.route("GET", "/api/v1/timelines/tag/acme", Reply(200, []))

    fetched = connector.poll({"mentions": "34900"})

    assert len(mastodon.received("GET", "/api/v1/notifications")) == 1
    assert fetched.cursor["mentions"] == "34940"


@time_machine.travel(datetime.fromtimestamp(NOW, tz=UTC), tick=False)
def test_429_is_retryable_until_the_window_resets_and_the_budget_knows_it(
    mastodon: LocalServer, connector: MastodonConnector, budget: RateBudget
) -> None:
    limited = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "2024-05-02T12:04:00Z",
    }
    mastodon.route("GET", "/api/v1/notifications", Reply(429, {"error": "Too many requests"}, limited))

    with pytest.raises(ConnectorError) as caught:
        connector.poll({"mentions": "34900"})

    assert (caught.value.retryable, caught.value.retry_after) == (True, 240.0)
    state = budget.state("mastodon:5")
    assert (state.remaining, state.reset_at, state.failures) == (0, NOW + 240, 1)
    assert budget.wait_seconds("mastodon:5") == 240.0


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (502, True), (503, True), (401, False), (404, False)]
)
def test_server_errors_are_retryable_and_configuration_errors_permanent(
    mastodon: LocalServer, connector: MastodonConnector, status: int, retryable: bool
) -> None:
    mastodon.route("GET", "/api/v1/notifications", Reply(status, {"error": "nope"}))

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert caught.value.retryable is retryable
    assert f"(HTTP {status})" in str(caught.value)


def test_an_unreachable_server_is_retryable_and_counted_as_a_failure(budget: RateBudget) -> None:
    account = mastodon_account("http://127.0.0.1:9", hashtags=[])  # the discard port: refused
    connector = SPEC.connect(account, budget)

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert caught.value.retryable is True
    assert budget.state("mastodon:5").failures == 1


def test_settings_without_a_server_url_are_a_permanent_error(budget: RateBudget) -> None:
    with pytest.raises(ConnectorError) as caught:
        SPEC.connect(mastodon_account("javascript:alert(1)"), budget)

    assert caught.value.retryable is False
