"""Queueing replies (loop guard, network rules, idempotent keys) and sending them exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from hubbub.channels.budget import RateBudget
from hubbub.channels.models import ChannelAccount, Outbound, OutboundStatus
from hubbub.channels.outbound import (
    MAX_ATTEMPTS,
    STALE_CLAIM,
    ReplyRefusedError,
    queue_reply,
    send_due_outbound,
    send_outbound,
)
from hubbub.channels.tests.toy_network import TOY, ToyService, connect_toy_account, toy_spec
from hubbub.core.models import Brand, PostRecord
from hubbub.core.tests.factories import PostRecordFactory

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
NETWORKS = {TOY: toy_spec()}


def _customer_post(channel: ChannelAccount, **fields: Any) -> PostRecord:
    post: PostRecord = PostRecordFactory(
        brand=channel.account.brand,
        network=TOY,
        account_id=channel.account_id,
        external_id=fields.pop("external_id", "c1"),
        author_id="dana",
        author_handle="dana",
        **fields,
    )
    return post


def _queue(post: PostRecord, user: Any, text: str = "Sorry! We are on it.", **kwargs: Any) -> Outbound:
    return queue_reply(post, text, user, networks=NETWORKS, **kwargs)


def _send(outbound: Outbound, budget: RateBudget) -> Outbound:
    return send_outbound(outbound.id, budget=budget, networks=NETWORKS)


def test_queueing_a_reply_addresses_the_post_through_its_account(brand_a: Brand, alice: Any) -> None:
    channel = connect_toy_account(brand_a, "acmecare")
    post = _customer_post(channel, thread_id="t9")

    outbound = _queue(post, alice, "  Sorry! We are on it.  ")

    assert (outbound.channel_id, outbound.kind, outbound.text, outbound.in_reply_to, outbound.thread_id) == (
        channel.id,
        "reply",
        "Sorry! We are on it.",
        "c1",
        "t9",
    )
    assert (outbound.status, outbound.recipient, outbound.sent_by) == (OutboundStatus.PENDING, "", alice)


def test_a_direct_message_is_answered_by_a_direct_message_to_its_author(brand_a: Brand, alice: Any) -> None:
    post = _customer_post(connect_toy_account(brand_a, "acmecare"), kind="direct")

    outbound = _queue(post, alice)

    assert (outbound.kind, outbound.recipient) == ("direct", "dana")


def test_the_same_key_gives_back_the_same_message(brand_a: Brand, alice: Any) -> None:
    post = _customer_post(connect_toy_account(brand_a, "acmecare"))

    first = _queue(post, alice, key="k-1")
    again = _queue(post, alice, "Another text", key="k-1")
    double_click = [_queue(post, alice, "Same text twice"), _queue(post, alice, "Same text twice")]

    assert again.id == first.id
    assert double_click[0].id == double_click[1].id
    assert Outbound.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("   ", None, "A reply needs some text."),
        ("x" * 51, None, "51 characters; this network takes at most 50."),
        ("Hello", "email", "This network cannot send a email."),
        ("Hello", "note", "Only messages to the customer are sent; notes stay inside hubbub."),
    ],
)
def test_a_reply_against_the_rules_is_refused_and_nothing_is_queued(
    brand_a: Brand, alice: Any, text: str, kind: str | None, reason: str
) -> None:
    post = _customer_post(connect_toy_account(brand_a, "acmecare"))

    with pytest.raises(ReplyRefusedError) as refused:
        _queue(post, alice, text, kind=kind)

    assert str(refused.value) == reason
    assert not Outbound.objects.exists()


def test_the_loop_guard_refuses_to_answer_our_own_posts_and_sent_messages(brand_a: Brand, alice: Any) -> None:
    channel = connect_toy_account(brand_a, "acmecare")
    ours_by_flag = _customer_post(channel, external_id="o1", is_inbound=False)
    ours_by_author = _customer_post(channel, external_id="o2")
    PostRecord.objects.filter(id=ours_by_author.id).update(author_id="id-acmecare", author_handle="x")
    ours_by_author.refresh_from_db()
    sent = Outbound.objects.create(key="k", channel=channel, kind="reply", text="Hi", external_id="o3")
    echo = _customer_post(channel, external_id=sent.external_id)

    for post in (ours_by_flag, ours_by_author, echo):
        with pytest.raises(ReplyRefusedError, match="hubbub does not answer itself"):
            _queue(post, alice)

    assert list(Outbound.objects.values_list("key", flat=True)) == ["k"]


def test_charlie_cannot_answer_brand_as_posts(brand_a: Brand, charlie: Any) -> None:
    post = _customer_post(connect_toy_account(brand_a, "acmecare"))

    with pytest.raises(ReplyRefusedError, match="Only the brand's people"):
        _queue(post, charlie)

    assert not Outbound.objects.exists()


def test_a_sent_message_is_stored_as_an_outbound_post_in_the_thread(
    brand_a: Brand, alice: Any, toy: ToyService, budget: RateBudget
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", toy.server.url)
    outbound = _queue(_customer_post(channel, thread_id="t9"), alice)

    with time_machine.travel(START, tick=False):
        sent = _send(outbound, budget)

    assert (sent.status, sent.external_id, sent.url, sent.attempts, sent.sent_at) == (
        OutboundStatus.SENT,
        "m1",
        "https://toy.example/m/m1",
        1,
        START,
    )
    stored = PostRecord.objects.get(external_id="m1")
    assert (stored.is_inbound, stored.queue_id, stored.thread_id, stored.in_reply_to_id, stored.kind) == (
        False,
        None,
        "t9",
        "c1",
        "comment",
    )
    assert (stored.author_id, stored.author_handle, stored.account_id) == (
        "id-acmecare",
        "acmecare",
        channel.account_id,
    )
    [request] = toy.server.received("POST", "/messages")
    assert request.json() == {"key": outbound.key, "text": "Sorry! We are on it.", "in_reply_to": "c1"}


def test_a_send_that_timed_out_after_the_network_took_it_is_retried_without_posting_twice(
    brand_a: Brand, alice: Any, toy: ToyService, budget: RateBudget
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", toy.server.url)
    ChannelAccount.objects.filter(id=channel.id).update(settings={"base_url": toy.server.url, "timeout": 0.2})
    outbound = _queue(_customer_post(channel), alice)
    toy.send_delay = 0.5

    with time_machine.travel(START, tick=False):
        first = _send(outbound, budget)
    assert (first.status, first.attempts, first.last_error) == (
        OutboundStatus.PENDING,
        1,
        "POST /messages timed out",
    )
    assert first.next_attempt_at == START + timedelta(seconds=4)

    with time_machine.travel(START + timedelta(seconds=5), tick=False):
        second = _send(outbound, budget)

    assert (second.status, second.external_id, second.attempts) == (OutboundStatus.SENT, "m1", 2)
    assert len(toy.server.received("POST", "/messages")) == 1
    assert len(toy.server.received("GET", "/messages")) == 1
    assert PostRecord.objects.filter(external_id="m1").count() == 1


def test_a_message_is_not_retried_before_its_back_off_ends(
    brand_a: Brand, alice: Any, toy: ToyService, budget: RateBudget
) -> None:
    outbound = _queue(_customer_post(connect_toy_account(brand_a, "acmecare", toy.server.url)), alice)
    toy.outage = 503
    with time_machine.travel(START, tick=False):
        _send(outbound, budget)

    with time_machine.travel(START + timedelta(seconds=3), tick=False):
        again = _send(outbound, budget)

    assert (again.status, again.attempts) == (OutboundStatus.PENDING, 1)
    assert len(toy.server.received("POST", "/messages")) == 1


def test_a_permanent_error_fails_the_message_with_the_reason(
    brand_a: Brand, alice: Any, toy: ToyService, budget: RateBudget
) -> None:
    outbound = _queue(_customer_post(connect_toy_account(brand_a, "acmecare", toy.server.url)), alice)
    toy.outage = 403

    failed = _send(outbound, budget)

    assert (failed.status, failed.last_error) == (
        OutboundStatus.FAILED,
        f"POST {toy.server.url}/messages answered 403",
    )
    assert not PostRecord.objects.filter(is_inbound=False).exists()


def test_a_message_another_sender_holds_is_left_alone(
    brand_a: Brand, alice: Any, toy: ToyService, budget: RateBudget
) -> None:
    outbound = _queue(_customer_post(connect_toy_account(brand_a, "acmecare", toy.server.url)), alice)
    Outbound.objects.filter(id=outbound.id).update(
        status=OutboundStatus.SENDING, claimed_at=START, attempts=1
    )

    with time_machine.travel(START + STALE_CLAIM - timedelta(seconds=1), tick=False):
        untouched = _send(outbound, budget)

    assert (untouched.status, untouched.attempts) == (OutboundStatus.SENDING, 1)
    assert toy.server.requests == []


def test_a_message_a_crashed_sender_left_is_taken_over_and_found_at_the_network(
    brand_a: Brand, alice: Any, toy: ToyService, budget: RateBudget
) -> None:
    outbound = _queue(_customer_post(connect_toy_account(brand_a, "acmecare", toy.server.url)), alice)
    Outbound.objects.filter(id=outbound.id).update(
        status=OutboundStatus.SENDING, claimed_at=START, attempts=1
    )
    toy.messages[outbound.key] = "m7"  # the crashed sender's call reached the network

    with time_machine.travel(START + STALE_CLAIM + timedelta(seconds=1), tick=False):
        [taken_over] = send_due_outbound(budget=budget, networks=NETWORKS)

    assert (taken_over.status, taken_over.external_id, taken_over.attempts) == (OutboundStatus.SENT, "m7", 2)
    assert toy.server.received("POST", "/messages") == []


def test_a_message_is_failed_after_its_last_attempt(
    brand_a: Brand, alice: Any, toy: ToyService, budget: RateBudget
) -> None:
    outbound = _queue(_customer_post(connect_toy_account(brand_a, "acmecare", toy.server.url)), alice)
    Outbound.objects.filter(id=outbound.id).update(attempts=MAX_ATTEMPTS - 1)
    toy.outage = 503

    failed = _send(outbound, budget)

    assert (failed.status, failed.attempts) == (OutboundStatus.FAILED, MAX_ATTEMPTS)
