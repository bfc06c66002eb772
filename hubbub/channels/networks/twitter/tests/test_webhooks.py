"""X Account Activity webhooks: CRC and signature golden vectors, negative cases, pushed events."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from hubbub.channels.networks.base import SignatureError, WebhookRequest, WebhookResponse
from hubbub.channels.networks.twitter.connector import SPEC
from hubbub.channels.networks.twitter.tests.conftest import SECRETS, fixture, fixture_bytes, x_account
from hubbub.channels.networks.twitter.webhooks import TwitterWebhooks, sign
from hubbub.core.posts import Post

WEBHOOKS = TwitterWebhooks()
# Golden vectors, computed once with openssl (not with the code under test): the token or body piped
# through `openssl dgst -sha256 -hmac hubbub-test-consumer-secret -binary`, then through `base64`.
CRC_TOKEN = "crc-token-from-x-0001"
CRC_RESPONSE = "sha256=u4ddPwQFM6AAWbAO+PDV/ZJZZuO2O8iXFYsq4OOuVGY="
GOLDEN_BODY = b'{"for_user_id":"1500000000000000001","tweet_create_events":[]}'
GOLDEN_SIGNATURE = "sha256=dry+fKrTLzohQmO5Lsy3X9O9XlDHKEaCVI0jXfXpZNQ="
ACCOUNT = x_account("http://127.0.0.1:9")


def _post(body: bytes, signature: str | None = None) -> WebhookRequest:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-twitter-webhooks-signature"] = signature
    return WebhookRequest(method="POST", path="/hooks/twitter", query={}, headers=headers, body=body)


def _crc(query: dict[str, str]) -> WebhookRequest:
    return WebhookRequest(method="GET", path="/hooks/twitter", query=query, headers={}, body=b"")


def _signed(body: bytes) -> WebhookRequest:
    """A request signed the documented way, for events whose signature is not under test."""
    return _post(body, sign(SECRETS["consumer_secret"], body))


def test_the_spec_receives_x_webhooks() -> None:
    assert isinstance(SPEC.webhooks, TwitterWebhooks)


def test_the_crc_answer_matches_the_golden_vector() -> None:
    answer = WEBHOOKS.handshake(_crc({"crc_token": CRC_TOKEN, "nonce": "abc"}), SECRETS)

    assert answer == WebhookResponse(
        status=200,
        body=json.dumps({"response_token": CRC_RESPONSE}).encode(),
        content_type="application/json",
    )


def test_a_request_without_crc_token_is_no_handshake() -> None:
    assert WEBHOOKS.handshake(_crc({}), SECRETS) is None
    assert WEBHOOKS.handshake(_post(GOLDEN_BODY, GOLDEN_SIGNATURE), SECRETS) is None


def test_an_oversized_crc_token_is_refused() -> None:
    answer = WEBHOOKS.handshake(_crc({"crc_token": "x" * 513}), SECRETS)

    assert answer is not None
    assert (answer.status, answer.body) == (400, b"bad crc_token")


def test_verify_accepts_the_golden_signature(frozen_time) -> None:
    WEBHOOKS.verify(_post(GOLDEN_BODY, GOLDEN_SIGNATURE), SECRETS)


def test_verify_rejects_a_body_with_one_byte_changed(frozen_time) -> None:
    tampered = GOLDEN_BODY.replace(b"1500000000000000001", b"1500000000000000002")

    with pytest.raises(SignatureError, match="does not match"):
        WEBHOOKS.verify(_post(tampered, GOLDEN_SIGNATURE), SECRETS)


def test_verify_rejects_a_signature_with_one_byte_changed(frozen_time) -> None:
    with pytest.raises(SignatureError, match="does not match"):
        WEBHOOKS.verify(_post(GOLDEN_BODY, GOLDEN_SIGNATURE.replace("dry+", "drz+")), SECRETS)


def test_verify_rejects_a_missing_signature_header(frozen_time) -> None:
    with pytest.raises(SignatureError, match="missing x-twitter-webhooks-signature"):
        WEBHOOKS.verify(_post(GOLDEN_BODY), SECRETS)


def test_verify_rejects_when_no_consumer_secret_is_configured(frozen_time) -> None:
    with pytest.raises(SignatureError, match="no consumer_secret"):
        WEBHOOKS.verify(_post(GOLDEN_BODY, GOLDEN_SIGNATURE), {})


def test_verify_accepts_a_delivery_retried_within_the_hour(frozen_time) -> None:
    WEBHOOKS.verify(_signed(fixture_bytes("activity_tweets.json")), SECRETS)


def test_verify_rejects_a_correctly_signed_delivery_whose_events_are_stale(time_machine) -> None:
    time_machine.move_to(datetime(2024, 5, 1, 11, 0, 1, tzinfo=UTC), tick=False)

    with pytest.raises(SignatureError, match="stale"):
        WEBHOOKS.verify(_signed(fixture_bytes("activity_tweets.json")), SECRETS)


def test_verify_rejects_a_delivery_from_the_future(time_machine) -> None:
    time_machine.move_to(datetime(2024, 5, 1, 9, 50, tzinfo=UTC), tick=False)

    with pytest.raises(SignatureError, match="future"):
        WEBHOOKS.verify(_signed(fixture_bytes("activity_tweets.json")), SECRETS)


def test_parse_maps_pushed_tweets_skipping_retweets_repeats_and_broken_ones(caplog) -> None:
    posts = WEBHOOKS.parse(_signed(fixture_bytes("activity_tweets.json")), ACCOUNT)

    assert posts == [
        Post(
            network="twitter",
            external_id="1785600000000000500",
            author_id="2900000000000000005",
            author_handle="sam_r",
            author_name="<b>Sam</b>",
            author_followers=77,
            text="@AcmeHelp <img src=x onerror=alert(1)> my blender is smoking, what do I do?",
            created_at=datetime(2024, 5, 1, 9, 59, tzinfo=UTC),
            in_reply_to_id="1785600000000000390",
            kind="comment",
            thread_id="1785600000000000390",
            account_id=7,
            brand_id=3,
            url="https://x.com/sam_r/status/1785600000000000500",
            source="x.com",
        ),
        Post(
            network="twitter",
            external_id="1785600000000000510",
            author_id="1500000000000000001",
            author_handle="AcmeHelp",
            author_name="Acme Help",
            author_followers=90000,
            text=fixture("activity_tweets.json")["tweet_create_events"][2]["extended_tweet"]["full_text"],
            created_at=datetime(2024, 5, 1, 9, 59, 30, tzinfo=UTC),
            in_reply_to_id="1785600000000000500",
            kind="comment",
            thread_id="1785600000000000500",
            account_id=7,
            brand_id=3,
            url="https://x.com/AcmeHelp/status/1785600000000000510",
            source="x.com",
            is_inbound=False,
        ),
    ]
    assert "Skipped a malformed tweet event: user: Field required" in caplog.text


def test_parse_maps_direct_messages_to_their_conversation_once_each() -> None:
    posts = WEBHOOKS.parse(_signed(fixture_bytes("activity_messages.json")), ACCOUNT)

    assert posts == [
        Post(
            network="twitter",
            external_id="1785600000000000800",
            author_id="2900000000000000002",
            author_handle="dana_k",
            author_name="Dana <i>K</i>",
            author_followers=1520,
            text="Order 4411 & 4412 <both> late",
            created_at=datetime(2024, 5, 1, 9, 58, 20, tzinfo=UTC),
            kind="direct",
            thread_id="1500000000000000001-2900000000000000002",
            account_id=7,
            brand_id=3,
            source="x.com",
        ),
        Post(
            network="twitter",
            external_id="1785600000000000810",
            author_id="1500000000000000001",
            author_handle="AcmeHelp",
            author_name="Acme Help",
            author_followers=90000,
            text="Thanks Dana, looking into both now.",
            created_at=datetime(2024, 5, 1, 9, 59, 20, tzinfo=UTC),
            kind="direct",
            thread_id="1500000000000000001-2900000000000000002",
            account_id=7,
            brand_id=3,
            source="x.com",
            is_inbound=False,
        ),
    ]


def test_parse_ignores_events_for_another_account() -> None:
    other = replace(ACCOUNT, external_id="999")

    assert WEBHOOKS.parse(_signed(fixture_bytes("activity_messages.json")), other) == []


def test_parse_skips_a_body_in_an_unknown_shape(caplog) -> None:
    assert WEBHOOKS.parse(_signed(b'{"tweet_create_events": "nope"}'), ACCOUNT) == []
    assert "Skipped an X delivery in an unknown shape (2 errors)" in caplog.text
