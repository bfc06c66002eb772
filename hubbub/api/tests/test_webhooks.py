"""The receiving side of webhooks: handshake, signature, replay guard, size bound, processing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hubbub.channels.deliveries import MAX_WEBHOOK_BYTES, forget_old_deliveries, process_deliveries
from hubbub.channels.models import ChannelAccount, DeliveryStatus, WebhookDelivery
from hubbub.channels.registry import NETWORKS
from hubbub.channels.tests.toy_network import (
    TOY,
    WEBHOOK_SECRET,
    connect_toy_account,
    sign,
    toy_pipeline,
    toy_spec,
)
from hubbub.core.models import Brand, PostRecord

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
BODY = json.dumps({"items": [{"id": "w1", "author": "dana", "text": "Where is my parcel?"}]}).encode()


@pytest.fixture(autouse=True)
def _toy_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(NETWORKS, TOY, toy_spec())


@pytest.fixture
def channel(brand_a: Brand) -> ChannelAccount:
    return connect_toy_account(brand_a, "acmecare")


def _url(channel: ChannelAccount, network: str = TOY) -> str:
    return reverse("hooks:receive", args=[network, channel.id])


def _push(
    client: Client, channel: ChannelAccount, body: bytes = BODY, signature: str | None = None
) -> object:
    signature = sign(body, WEBHOOK_SECRET) if signature is None else signature
    return client.post(
        _url(channel), body, content_type="application/json", headers={"X-Toy-Signature": signature}
    )


def test_a_handshake_is_answered_without_login_and_stores_nothing(channel: ChannelAccount) -> None:
    response = Client().get(_url(channel), {"challenge": "abc"})

    assert (response.status_code, response.content) == (200, sign(b"abc", WEBHOOK_SECRET).encode())
    assert not WebhookDelivery.objects.exists()


def test_a_get_that_is_no_handshake_is_not_allowed(channel: ChannelAccount) -> None:
    assert Client().get(_url(channel)).status_code == 405


def test_a_bad_signature_is_refused_and_nothing_is_stored(channel: ChannelAccount) -> None:
    response = _push(Client(), channel, signature=sign(BODY + b" ", WEBHOOK_SECRET))

    assert response.status_code == 403  # type: ignore[attr-defined]
    assert not WebhookDelivery.objects.exists()


def test_a_signed_push_is_kept_then_processed_into_posts_of_the_account(
    brand_a: Brand, channel: ChannelAccount
) -> None:
    with time_machine.travel(START, tick=False):
        response = Client(enforce_csrf_checks=True).post(
            _url(channel),
            BODY,
            content_type="application/json",
            headers={"X-Toy-Signature": sign(BODY, WEBHOOK_SECRET)},
        )

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, bytes(delivery.body), delivery.received_at) == (
        DeliveryStatus.PENDING,
        BODY,
        START,
    )

    assert process_deliveries(toy_pipeline().process, NETWORKS) == 1

    post = PostRecord.objects.get()
    assert (post.external_id, post.text, post.brand_id, post.account_id) == (
        "w1",
        "Where is my parcel?",
        brand_a.id,
        channel.account_id,
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.posts, bytes(delivery.body), delivery.headers) == (
        DeliveryStatus.DONE,
        1,
        b"",
        {},
    )


def test_a_replayed_body_is_answered_200_and_ignored_for_a_day_and_until_processed(
    channel: ChannelAccount,
) -> None:
    client = Client()
    with time_machine.travel(START, tick=False):
        first = _push(client, channel)
    with time_machine.travel(START + timedelta(hours=23), tick=False):
        replay = _push(client, channel)

    assert (first.status_code, replay.status_code) == (200, 200)  # type: ignore[attr-defined]
    assert list(WebhookDelivery.objects.values_list("received_at", flat=True)) == [START]

    with time_machine.travel(START + timedelta(hours=25), tick=False):
        _push(client, channel)
    assert list(WebhookDelivery.objects.values_list("received_at", flat=True)) == [START]  # not processed yet

    process_deliveries(toy_pipeline().process, NETWORKS)
    with time_machine.travel(START + timedelta(hours=25), tick=False):
        _push(client, channel)
    assert list(WebhookDelivery.objects.values_list("received_at", flat=True)) == [
        START + timedelta(hours=25)
    ]


def test_processed_deliveries_are_forgotten_after_the_replay_window(channel: ChannelAccount) -> None:
    with time_machine.travel(START, tick=False):
        _push(Client(), channel)
        _push(Client(), channel, b'{"items": []}')
    process_deliveries(toy_pipeline().process, NETWORKS)
    with time_machine.travel(START, tick=False):
        _push(Client(), channel, b'{"items": [], "n": 1}')  # still pending: kept

    assert forget_old_deliveries(START + timedelta(hours=25)) == 2
    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == [DeliveryStatus.PENDING]


def test_a_body_over_the_bound_is_refused_unread(channel: ChannelAccount) -> None:
    body = b"x" * (MAX_WEBHOOK_BYTES + 1)

    response = _push(Client(), channel, body)

    assert response.status_code == 413  # type: ignore[attr-defined]
    assert not WebhookDelivery.objects.exists()


def test_unknown_networks_channels_and_disabled_accounts_answer_404(
    brand_a: Brand, channel: ChannelAccount
) -> None:
    disabled = connect_toy_account(brand_a, "acmeoff", enabled=False)
    client = Client()

    statuses = [
        client.post(_url(channel, "mastodon"), BODY, content_type="application/json").status_code,
        client.post(
            reverse("hooks:receive", args=[TOY, channel.id + 100]), BODY, content_type="application/json"
        ).status_code,
        _push(client, disabled).status_code,  # type: ignore[attr-defined]
    ]

    assert statuses == [404, 404, 404]
    assert not WebhookDelivery.objects.exists()


def test_an_unreadable_delivery_fails_alone_and_the_next_one_is_processed(channel: ChannelAccount) -> None:
    _push(Client(), channel, b'{"unexpected": true}')
    _push(Client(), channel)

    assert process_deliveries(toy_pipeline().process, NETWORKS) == 2

    failed, done = WebhookDelivery.objects.order_by("id")
    assert (failed.status, failed.error) == (DeliveryStatus.FAILED, "KeyError: 'items'")
    assert done.status == DeliveryStatus.DONE
    assert list(PostRecord.objects.values_list("external_id", flat=True)) == ["w1"]


def test_receiving_a_push_takes_a_fixed_number_of_queries(
    channel: ChannelAccount, django_assert_num_queries: object
) -> None:
    client = Client()
    for size in (1, 50):
        items = [{"id": f"w{size}-{n}", "author": "a", "text": "t"} for n in range(size)]
        # The account, the replay check, the insert, and two savepoints each side (the test's transaction).
        with django_assert_num_queries(7):  # type: ignore[operator]
            _push(client, channel, json.dumps({"items": items}).encode())
