"""Replies, private messages and finding a sent one again, with praw at a local server."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import ConnectorError, OutboundMessage, Sent
from hubbub.channels.networks.reddit.connector import SPEC, RedditConnector
from hubbub.channels.networks.reddit.tests.conftest import RATE, fixture
from hubbub.channels.registry import network_spec
from hubbub.channels.tests.local_server import LocalServer, Received, Reply

REPLY = OutboundMessage(
    key="out-41", kind="reply", text="Sorry about that! Please try another cable.", in_reply_to="t1_l27ab02"
)
MESSAGE = OutboundMessage(key="out-43", kind="direct", text="We will call you today.", recipient="sam_k")
IN_CONVERSATION = OutboundMessage(
    key="out-44",
    kind="direct",
    text="Sorry! The second charge is refunded.",
    recipient="sam_k",
    in_reply_to="t4_2b1c3d4",
)
COMMENT_URL = "https://www.reddit.com/r/acme/comments/1ci0a01/x2_charging_problems/l27ac11/"


def form(request: Received) -> dict[str, list[str]]:
    return parse_qs(request.body.decode())


def test_a_reply_posts_the_thing_answered_and_the_text_to_api_comment(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    reddit.route("POST", "/api/comment", Reply(200, fixture("comment_posted.json"), RATE))

    sent = connector.send(REPLY)

    assert sent == Sent("t1_l27ac11", COMMENT_URL)
    [posted] = reddit.received("POST", "/api/comment")
    assert form(posted) == {
        "api_type": ["json"],
        "text": ["Sorry about that! Please try another cable."],
        "thing_id": ["t1_l27ab02"],
    }
    assert posted.query == {"raw_json": "1"}
    assert (posted.headers["authorization"], posted.headers["content-type"]) == (
        "bearer token-7",
        "application/x-www-form-urlencoded",
    )


def test_a_new_private_message_is_composed_then_read_back_for_its_id(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    reddit.route("POST", "/api/compose", Reply(200, fixture("compose_ok.json"), RATE))
    reddit.route("GET", "/message/sent", Reply(200, fixture("message_sent.json"), RATE))

    sent = connector.send(MESSAGE)

    assert sent == Sent("t4_2b1c3f0", "https://www.reddit.com/message/messages/2b1c3f0")
    [posted] = reddit.received("POST", "/api/compose")
    assert form(posted) == {
        "api_type": ["json"],
        "subject": ["A message from AcmeSupport"],
        "text": ["We will call you today."],
        "to": ["sam_k"],
    }
    assert reddit.received("GET", "/message/sent")[0].query == {"limit": "100", "raw_json": "1"}


def test_a_composed_message_not_found_again_gets_a_stand_in_id_and_is_not_sent_twice(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    reddit.route("POST", "/api/compose", Reply(200, fixture("compose_ok.json"), RATE))
    reddit.route("GET", "/message/sent", Reply(503, {"message": "busy"}))

    sent = connector.send(replace(MESSAGE, recipient="u/sam_k", subject="Order 4411"))

    assert sent == Sent("compose:out-43")
    assert len(reddit.received("POST", "/api/compose")) == 1
    assert form(reddit.received("POST", "/api/compose")[0])["to"] == ["sam_k"]
    assert form(reddit.received("POST", "/api/compose")[0])["subject"] == ["Order 4411"]


def test_a_private_message_answering_one_stays_in_its_conversation(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    answered = fixture("message_sent.json")["data"]["children"][1]
    reddit.route(
        "POST", "/api/comment", Reply(200, {"json": {"errors": [], "data": {"things": [answered]}}}, RATE)
    )

    sent = connector.send(IN_CONVERSATION)

    assert sent == Sent("t4_2b1c3e9", "https://www.reddit.com/message/messages/2b1c3e9")
    assert form(reddit.received("POST", "/api/comment")[0]) == {
        "api_type": ["json"],
        "text": ["Sorry! The second charge is refunded."],
        "thing_id": ["t4_2b1c3d4"],
    }
    assert reddit.received("POST", "/api/compose") == []


def test_reddits_ratelimit_error_is_retryable_after_the_wait_it_names(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    reddit.route("POST", "/api/comment", Reply(200, fixture("error_ratelimit.json"), RATE))

    with pytest.raises(ConnectorError) as caught:
        connector.send(REPLY)

    assert (caught.value.retryable, caught.value.retry_after) == (True, 300.0)
    assert len(reddit.received("POST", "/api/comment")) == 1  # praw did not sleep and post again


def test_a_locked_thread_is_a_permanent_error(reddit: LocalServer, connector: RedditConnector) -> None:
    reddit.route("POST", "/api/comment", Reply(200, fixture("error_thread_locked.json"), RATE))

    with pytest.raises(ConnectorError) as caught:
        connector.send(REPLY)

    assert (caught.value.retryable, str(caught.value)) == (False, "reddit refused: THREAD_LOCKED")


def test_a_bad_request_is_a_permanent_error(reddit: LocalServer, connector: RedditConnector) -> None:
    refused = {"reason": "USER_DOESNT_EXIST", "explanation": "that user doesn't exist", "fields": ["to"]}
    reddit.route("POST", "/api/compose", Reply(400, refused))

    with pytest.raises(ConnectorError) as caught:
        connector.send(MESSAGE)

    assert (caught.value.retryable, str(caught.value)) == (False, "reddit refused: USER_DOESNT_EXIST")


def test_a_message_over_10000_characters_is_refused_before_anything_is_sent(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    with pytest.raises(ConnectorError) as caught:
        connector.send(OutboundMessage(key="k", kind="reply", text="x" * 10_001, in_reply_to="t1_l27ab02"))

    assert caught.value.retryable is False
    assert reddit.requests == []


@pytest.mark.parametrize(
    "message",
    [
        OutboundMessage(key="k", kind="reply", text="Hi", in_reply_to=""),
        OutboundMessage(key="k", kind="reply", text="Hi", in_reply_to="t2_user"),
        OutboundMessage(key="k", kind="direct", text="Hi", recipient="[deleted]:t1_l27aa05"),
        OutboundMessage(key="k", kind="email", text="Hi", recipient="sam_k"),
    ],
)
def test_a_message_reddit_cannot_take_is_refused_before_anything_is_sent(
    reddit: LocalServer, connector: RedditConnector, message: OutboundMessage
) -> None:
    with pytest.raises(ConnectorError) as caught:
        connector.send(message)

    assert caught.value.retryable is False
    assert [request.method for request in reddit.requests] == []


def test_a_send_waits_for_the_budget_rather_than_inside_praw(
    reddit: LocalServer, connector: RedditConnector, budget: RateBudget
) -> None:
    budget.observe("reddit:7", 200, {"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "30"}, "reddit")

    with pytest.raises(ConnectorError) as caught:
        connector.send(REPLY)

    assert (caught.value.retryable, caught.value.retry_after) == (True, 30.0)
    assert reddit.received("POST", "/api/comment") == []


def test_find_sent_finds_our_reply_among_the_accounts_own_comments(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    reddit.route("GET", "/user/AcmeSupport/comments", Reply(200, fixture("user_comments.json"), RATE))

    found = connector.find_sent(REPLY)

    assert found == Sent("t1_l27ac11", COMMENT_URL)
    [asked] = reddit.received("GET", "/user/AcmeSupport/comments")
    assert asked.query == {"sort": "new", "limit": "100", "raw_json": "1"}


def test_find_sent_finds_nothing_when_the_text_or_the_parent_differs(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    reddit.route("GET", "/user/AcmeSupport/comments", Reply(200, fixture("user_comments.json"), RATE))
    other_text = OutboundMessage(key="k", kind="reply", text="Something else.", in_reply_to=REPLY.in_reply_to)
    other_parent = OutboundMessage(key="k", kind="reply", text=REPLY.text, in_reply_to="t1_l27ab03")

    assert (connector.find_sent(other_text), connector.find_sent(other_parent)) == (None, None)


def test_find_sent_finds_a_private_message_among_the_sent_ones_by_recipient_and_text(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    reddit.route("GET", "/message/sent", Reply(200, fixture("message_sent.json"), RATE))
    to_someone_else = OutboundMessage(key="k", kind="direct", text=MESSAGE.text, recipient="jo_writes")

    assert connector.find_sent(MESSAGE) == Sent(
        "t4_2b1c3f0", "https://www.reddit.com/message/messages/2b1c3f0"
    )
    assert connector.find_sent(IN_CONVERSATION) == Sent(
        "t4_2b1c3e9", "https://www.reddit.com/message/messages/2b1c3e9"
    )
    assert connector.find_sent(to_someone_else) is None


def test_the_spec_names_reddits_limits_and_is_registered() -> None:
    assert (SPEC.network, SPEC.rules.max_chars, SPEC.rules.kinds) == (
        "reddit",
        10_000,
        frozenset({"reply", "direct"}),
    )
    assert (SPEC.webhooks, SPEC.poll_seconds) == (None, 60.0)
    assert network_spec("reddit") is SPEC
