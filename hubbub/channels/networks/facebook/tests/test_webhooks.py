"""Facebook Page webhooks: handshake, X-Hub-Signature-256 golden vector and negative cases, events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from hubbub.channels.networks.base import SignatureError, WebhookRequest, WebhookResponse
from hubbub.channels.networks.facebook.connector import SPEC
from hubbub.channels.networks.facebook.tests.conftest import SECRETS, fixture_bytes, page_account
from hubbub.channels.networks.facebook.webhooks import FacebookWebhooks, sign
from hubbub.core.posts import Post

WEBHOOKS = FacebookWebhooks()
ACCOUNT = page_account("http://127.0.0.1:9")
# Golden vector, computed once with openssl (not with the code under test): the body piped through
# `openssl dgst -sha256 -hmac hubbub-test-app-secret -hex`.
GOLDEN_BODY = b'{"object":"page","entry":[]}'
GOLDEN_SIGNATURE = "sha256=e053abf3e09cc7c37bf6da97e575f948dd5bdb397922710f083ba7bd25b76eee"


def _post(body: bytes, signature: str | None = None) -> WebhookRequest:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-hub-signature-256"] = signature
    return WebhookRequest(method="POST", path="/hooks/facebook", query={}, headers=headers, body=body)


def _signed(name: str) -> WebhookRequest:
    """A fixture signed the documented way, for events whose signature is not under test."""
    body = fixture_bytes(name)
    return _post(body, sign(SECRETS["app_secret"], body))


def _subscribe(**query: str) -> WebhookRequest:
    return WebhookRequest(method="GET", path="/hooks/facebook", query=query, headers={}, body=b"")


def test_the_spec_receives_facebook_webhooks() -> None:
    assert isinstance(SPEC.webhooks, FacebookWebhooks)


def test_the_handshake_echoes_the_challenge_for_our_verify_token() -> None:
    request = _subscribe(
        **{"hub.mode": "subscribe", "hub.verify_token": "hubbub-verify-1", "hub.challenge": "1158201444"}
    )

    assert WEBHOOKS.handshake(request, SECRETS) == WebhookResponse(status=200, body=b"1158201444")


def test_the_handshake_refuses_another_verify_token() -> None:
    request = _subscribe(
        **{"hub.mode": "subscribe", "hub.verify_token": "hubbub-verify-2", "hub.challenge": "1158201444"}
    )

    assert WEBHOOKS.handshake(request, SECRETS) == WebhookResponse(status=403, body=b"verify token mismatch")


def test_the_handshake_never_echoes_markup() -> None:
    request = _subscribe(
        **{"hub.mode": "subscribe", "hub.verify_token": "hubbub-verify-1", "hub.challenge": "<b>1</b>"}
    )

    assert WEBHOOKS.handshake(request, SECRETS) == WebhookResponse(status=400, body=b"bad hub.challenge")


def test_a_request_without_hub_mode_is_no_handshake() -> None:
    assert WEBHOOKS.handshake(_subscribe(), SECRETS) is None
    assert WEBHOOKS.handshake(_post(GOLDEN_BODY, GOLDEN_SIGNATURE), SECRETS) is None


def test_verify_accepts_the_golden_signature() -> None:
    WEBHOOKS.verify(_post(GOLDEN_BODY, GOLDEN_SIGNATURE), SECRETS)


def test_verify_rejects_a_body_with_one_byte_changed() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        WEBHOOKS.verify(_post(GOLDEN_BODY.replace(b"page", b"pagf"), GOLDEN_SIGNATURE), SECRETS)


def test_verify_rejects_a_signature_with_one_byte_changed() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        WEBHOOKS.verify(_post(GOLDEN_BODY, GOLDEN_SIGNATURE.replace("e053", "e054")), SECRETS)


def test_verify_rejects_the_old_sha1_header_alone() -> None:
    request = replace(_post(GOLDEN_BODY), headers={"x-hub-signature": "sha1=0000"})

    with pytest.raises(SignatureError, match="missing x-hub-signature-256"):
        WEBHOOKS.verify(request, SECRETS)


def test_verify_rejects_when_no_app_secret_is_configured() -> None:
    with pytest.raises(SignatureError, match="no app_secret"):
        WEBHOOKS.verify(_post(GOLDEN_BODY, GOLDEN_SIGNATURE), {"verify_token": "x"})


def test_verify_accepts_a_delivery_retried_within_metas_window(time_machine) -> None:
    time_machine.move_to(datetime(2024, 5, 2, 22, 0, tzinfo=UTC), tick=False)

    WEBHOOKS.verify(_signed("webhook_feed.json"), SECRETS)


def test_verify_rejects_a_correctly_signed_delivery_that_is_stale(time_machine) -> None:
    time_machine.move_to(datetime(2024, 5, 2, 23, 0, tzinfo=UTC), tick=False)

    with pytest.raises(SignatureError, match="stale"):
        WEBHOOKS.verify(_signed("webhook_messaging.json"), SECRETS)


def test_verify_rejects_a_delivery_from_the_future(time_machine) -> None:
    time_machine.move_to(datetime(2024, 5, 1, 9, 50, tzinfo=UTC), tick=False)

    with pytest.raises(SignatureError, match="future"):
        WEBHOOKS.verify(_signed("webhook_feed.json"), SECRETS)


def _on_page(**fields: Any) -> Post:
    """A Post that reached the brand's page."""
    return Post(network="facebook", account_id=8, brand_id=3, source="facebook.com/acme", **fields)


def test_parse_maps_feed_comments_and_posts_once_each(caplog) -> None:
    posts = WEBHOOKS.parse(_signed("webhook_feed.json"), ACCOUNT)

    assert posts == [
        _on_page(
            external_id="880000000000002_990000000000020",
            author_id="6100000000000021",
            author_name="Robin <img src=x onerror=alert(1)>",
            text='<a href="javascript:alert(1)">click</a> my order is late',
            created_at=datetime(2024, 5, 1, 9, 59, tzinfo=UTC),
            in_reply_to_id="104200000000001_880000000000002",
            kind="comment",
            thread_id="104200000000001_880000000000002",
            url="https://www.facebook.com/104200000000001_880000000000002?comment_id=990000000000020",
        ),
        _on_page(
            external_id="104200000000001_880000000000004",
            author_id="6100000000000022",
            author_name="Pat",
            text="Great service at the Elm Street store today.",
            created_at=datetime(2024, 5, 1, 9, 59, 20, tzinfo=UTC),
            kind="post",
            thread_id="104200000000001_880000000000004",
            url="https://www.facebook.com/104200000000001_880000000000004",
        ),
        _on_page(
            external_id="880000000000002_990000000000021",
            author_id="104200000000001",
            author_name="Acme",
            text="Sorry Robin, we've sent you a message.",
            created_at=datetime(2024, 5, 1, 9, 59, 40, tzinfo=UTC),
            in_reply_to_id="880000000000002_990000000000020",
            kind="comment",
            thread_id="104200000000001_880000000000002",
            url="https://www.facebook.com/104200000000001_880000000000002?comment_id=990000000000021",
            is_inbound=False,
        ),
    ]
    assert "Skipped a malformed feed item: from: Field required" in caplog.text


def test_parse_maps_messenger_messages_skipping_echoes_and_repeats() -> None:
    posts = WEBHOOKS.parse(_signed("webhook_messaging.json"), ACCOUNT)

    assert posts == [
        _on_page(
            external_id="m_AbCdEf0123456789-xyz",
            author_id="7300000000000041",
            text="Hi, where is my parcel? <script>x</script>",
            created_at=datetime(2024, 5, 1, 9, 59, 54, tzinfo=UTC),
            kind="direct",
            thread_id="7300000000000041",
        ),
        _on_page(
            external_id="m_Photo0002",
            author_id="7300000000000041",
            text="[attachment: image]",
            created_at=datetime(2024, 5, 1, 9, 59, 55, tzinfo=UTC),
            kind="direct",
            thread_id="7300000000000041",
        ),
    ]


def test_parse_ignores_other_pages_and_other_objects() -> None:
    other_page = replace(ACCOUNT, external_id="555555555555555")

    assert WEBHOOKS.parse(_signed("webhook_messaging.json"), other_page) == []
    assert WEBHOOKS.parse(_post(b'{"object": "instagram", "entry": []}'), ACCOUNT) == []


def test_parse_skips_a_body_in_an_unknown_shape(caplog) -> None:
    assert WEBHOOKS.parse(_post(b'{"entry": 5}'), ACCOUNT) == []
    assert "Skipped a Facebook delivery in an unknown shape (2 errors)" in caplog.text
