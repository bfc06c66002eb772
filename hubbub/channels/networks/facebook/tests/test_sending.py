"""Sending on Facebook: comment replies, private replies and Messenger replies as documented."""

from __future__ import annotations

import pytest

from hubbub.channels.networks.base import ConnectorError, OutboundMessage, Sent
from hubbub.channels.networks.facebook.connector import SPEC
from hubbub.channels.networks.facebook.tests.conftest import fixture, page_account
from hubbub.channels.tests.local_server import LocalServer, Reply

COMMENT = "880000000000002_990000000000020"
POST = "104200000000001_880000000000002"
REPLIES = f"/v21.0/{COMMENT}/comments"
PAGE_MESSAGES = "/v21.0/104200000000001/messages"
MY_MESSAGES = "/v21.0/me/messages"
CONVERSATIONS = "/v21.0/104200000000001/conversations"


def _message(kind: str, text: str, **fields: str) -> OutboundMessage:
    return OutboundMessage(key="out-9", kind=kind, text=text, **fields)


def test_send_replies_under_the_comment(local_server: LocalServer, budget) -> None:
    local_server.route("POST", REPLIES, Reply(200, {"id": "880000000000002_990000000000030"}))
    message = _message("reply", "Sorry Robin, we've sent you a message.", in_reply_to=COMMENT, thread_id=POST)

    sent = SPEC.connect(page_account(local_server.url), budget).send(message)

    assert sent == Sent(
        "880000000000002_990000000000030",
        "https://www.facebook.com/104200000000001_880000000000002?comment_id=990000000000030",
    )
    [request] = local_server.received("POST", REPLIES)
    assert request.json() == {"message": "Sorry Robin, we've sent you a message."}
    assert request.query == {"access_token": "page-token"}


def test_send_a_private_reply_to_the_comment_through_the_page(local_server: LocalServer, budget) -> None:
    local_server.route(
        "POST", PAGE_MESSAGES, Reply(200, {"recipient_id": "7300000000000041", "message_id": "m_Priv1"})
    )

    sent = SPEC.connect(page_account(local_server.url), budget).send(
        _message("private_reply", "Could you send us your order number?", in_reply_to=COMMENT)
    )

    assert sent == Sent("m_Priv1")
    [request] = local_server.received("POST", PAGE_MESSAGES)
    assert request.json() == {
        "recipient": {"comment_id": COMMENT},
        "message": {"text": "Could you send us your order number?"},
    }


def test_send_a_messenger_reply_as_a_response(local_server: LocalServer, budget) -> None:
    local_server.route(
        "POST", MY_MESSAGES, Reply(200, {"recipient_id": "7300000000000041", "message_id": "m_Re1"})
    )

    sent = SPEC.connect(page_account(local_server.url), budget).send(
        _message("direct", "Your parcel arrives tomorrow.", recipient="7300000000000041")
    )

    assert sent == Sent("m_Re1")
    [request] = local_server.received("POST", MY_MESSAGES)
    assert request.json() == {
        "recipient": {"id": "7300000000000041"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Your parcel arrives tomorrow."},
    }


@pytest.mark.parametrize(
    "message",
    [
        _message("direct", "x" * 2001, recipient="7300000000000041"),
        _message("private_reply", "x" * 2001, in_reply_to=COMMENT),
        _message("reply", "x" * 8001, in_reply_to=COMMENT),
        _message("reply", "hello", in_reply_to="../me/feed"),
        _message("direct", "hello", recipient="7300000000000041?fields=x"),
        _message("email", "hello", recipient="a@example.com"),
    ],
)
def test_send_refuses_without_calling_facebook(local_server: LocalServer, budget, message) -> None:
    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(page_account(local_server.url), budget).send(message)

    assert raised.value.retryable is False
    assert local_server.requests == []


def test_the_rules_allow_comments_up_to_8000_characters() -> None:
    assert (SPEC.rules.max_chars, SPEC.rules.kinds) == (8000, frozenset({"reply", "private_reply", "direct"}))


def test_find_sent_finds_the_pages_reply_under_the_comment(local_server: LocalServer, budget) -> None:
    local_server.route("GET", f"/v21.0/{POST}/comments", Reply(200, fixture("comments_sale.json")))
    connector = SPEC.connect(page_account(local_server.url), budget)

    found = connector.find_sent(
        _message("reply", "Yes, all blenders are 20% off.", in_reply_to=POST, thread_id=POST)
    )
    # Jo wrote this one, not the page.
    missing = connector.find_sent(_message("reply", "Does the sale include blenders?", in_reply_to=POST))

    assert found == Sent(
        "880000000000002_990000000000012",
        "https://www.facebook.com/104200000000001_880000000000002?comment_id=990000000000012",
    )
    assert missing is None
    assert (
        local_server.received("GET", f"/v21.0/{POST}/comments")[0].query["order"] == "reverse_chronological"
    )


def test_find_sent_finds_the_messenger_reply_in_the_conversation(local_server: LocalServer, budget) -> None:
    local_server.route("GET", CONVERSATIONS, Reply(200, fixture("conversations.json")))
    connector = SPEC.connect(page_account(local_server.url), budget)

    found = connector.find_sent(
        _message("direct", "Your parcel arrives tomorrow.", recipient="7300000000000041")
    )

    assert found == Sent("m_Sent0001")
    [request] = local_server.received("GET", CONVERSATIONS)
    assert (request.query["platform"], request.query["user_id"]) == ("messenger", "7300000000000041")
    assert connector.find_sent(_message("direct", "Something else", recipient="7300000000000041")) is None


def test_find_sent_cannot_find_a_private_reply_and_asks_nothing(local_server: LocalServer, budget) -> None:
    message = _message("private_reply", "Could you send us your order number?", in_reply_to=COMMENT)

    assert SPEC.connect(page_account(local_server.url), budget).find_sent(message) is None
    assert local_server.requests == []
