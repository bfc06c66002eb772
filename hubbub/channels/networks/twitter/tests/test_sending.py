"""Sending on X: replies and DMs as documented, and finding a send that crashed after X took it."""

from __future__ import annotations

import pytest

from hubbub.channels.networks.base import ConnectorError, OutboundMessage, Sent
from hubbub.channels.networks.twitter.connector import SPEC
from hubbub.channels.networks.twitter.tests.conftest import fixture, x_account
from hubbub.channels.tests.local_server import LocalServer, Reply

TWEETS = "/2/tweets"
DM_TO_DANA = "/2/dm_conversations/with/2900000000000000002/messages"
DM_EVENTS_WITH_DANA = "/2/dm_conversations/with/2900000000000000002/dm_events"
OWN_TWEETS = "/2/users/1500000000000000001/tweets"
REPLY_TEXT = "We're sorry, Dana. Please DM us your order number."


def _reply(text: str = REPLY_TEXT, in_reply_to: str = "1785600000000000300") -> OutboundMessage:
    return OutboundMessage(key="out-1", kind="reply", text=text, in_reply_to=in_reply_to)


def _direct(text: str) -> OutboundMessage:
    return OutboundMessage(key="out-2", kind="direct", text=text, recipient="2900000000000000002")


def test_send_posts_a_reply_threaded_under_the_tweet_with_user_context(
    local_server: LocalServer, budget
) -> None:
    created = {"data": {"id": "1785600000000000400", "text": REPLY_TEXT, "edit_history_tweet_ids": ["1"]}}
    local_server.route("POST", TWEETS, Reply(201, created, {"x-rate-limit-remaining": "99"}))

    sent = SPEC.connect(x_account(local_server.url), budget).send(_reply())

    assert sent == Sent("1785600000000000400", "https://x.com/AcmeHelp/status/1785600000000000400")
    [request] = local_server.received("POST", TWEETS)
    assert request.json() == {"text": REPLY_TEXT, "reply": {"in_reply_to_tweet_id": "1785600000000000300"}}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"].startswith("OAuth ")
    assert 'oauth_consumer_key="ck-test"' in request.headers["authorization"]
    assert 'oauth_token="at-test"' in request.headers["authorization"]


def test_send_refuses_a_reply_over_280_weighted_characters_without_calling_x(
    local_server: LocalServer, budget
) -> None:
    local_server.route("POST", TWEETS, Reply(201, {"data": {"id": "1"}}))

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(x_account(local_server.url), budget).send(_reply("日本" * 71))

    assert raised.value.retryable is False
    assert local_server.received("POST", TWEETS) == []


def test_send_a_direct_message_to_the_participant(local_server: LocalServer, budget) -> None:
    answer = {
        "data": {
            "dm_conversation_id": "1500000000000000001-2900000000000000002",
            "dm_event_id": "1785600000000000910",
        }
    }
    local_server.route("POST", DM_TO_DANA, Reply(201, answer))

    sent = SPEC.connect(x_account(local_server.url), budget).send(
        _direct("Hi Dana, your refund is on its way.")
    )

    assert sent == Sent("1785600000000000910")
    [request] = local_server.received("POST", DM_TO_DANA)
    assert request.json() == {"text": "Hi Dana, your refund is on its way."}
    assert request.headers["authorization"].startswith("OAuth ")


def test_send_refuses_kinds_x_does_not_have(local_server: LocalServer, budget) -> None:
    message = OutboundMessage(key="k", kind="email", text="hello", recipient="someone")

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(x_account(local_server.url), budget).send(message)

    assert raised.value.retryable is False
    assert local_server.requests == []


def test_a_rejected_send_is_permanent(local_server: LocalServer, budget) -> None:
    problem = {"detail": "You are not allowed to create a Tweet with duplicate content.", "status": 403}
    local_server.route("POST", TWEETS, Reply(403, problem))

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(x_account(local_server.url), budget).send(_reply())

    assert raised.value.retryable is False


def test_find_sent_finds_the_reply_x_already_has(local_server: LocalServer, budget) -> None:
    local_server.route("GET", OWN_TWEETS, Reply(200, fixture("own_tweets.json")))

    found = SPEC.connect(x_account(local_server.url), budget).find_sent(_reply())

    assert found == Sent("1785600000000000400", "https://x.com/AcmeHelp/status/1785600000000000400")
    [request] = local_server.received("GET", OWN_TWEETS)
    assert request.query["max_results"] == "50"


def test_find_sent_is_none_for_the_same_text_under_another_tweet(local_server: LocalServer, budget) -> None:
    local_server.route("GET", OWN_TWEETS, Reply(200, fixture("own_tweets.json")))

    connector = SPEC.connect(x_account(local_server.url), budget)

    assert connector.find_sent(_reply(in_reply_to="1785600000000000250")) is None
    assert connector.find_sent(_reply(text="Something else")) is None


def test_find_sent_finds_a_direct_message_the_account_sent(local_server: LocalServer, budget) -> None:
    local_server.route("GET", DM_EVENTS_WITH_DANA, Reply(200, fixture("dm_events.json")))
    connector = SPEC.connect(x_account(local_server.url), budget)

    assert connector.find_sent(_direct("Hi Dana, your refund is on its way.")) == Sent("1785600000000000910")
    # Dana wrote this one, not the brand.
    assert connector.find_sent(_direct("Order 4411, thanks")) is None
