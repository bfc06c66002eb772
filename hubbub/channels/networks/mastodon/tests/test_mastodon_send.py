"""Replies, direct messages and finding a sent message again, with Mastodon.py at a local server."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import ConnectorError, OutboundMessage, Sent
from hubbub.channels.networks.mastodon.connector import SPEC, MastodonConnector
from hubbub.channels.networks.mastodon.mapping import mastodon_length
from hubbub.channels.networks.mastodon.tests.conftest import fixture, mastodon_account
from hubbub.channels.tests.local_server import LocalServer, Received, Reply

REPLY = OutboundMessage(
    key="out-41",
    kind="reply",
    text="Sorry about that! Please try another cable.",
    in_reply_to="112399999999999990",
)


def form(request: Received) -> dict[str, list[str]]:
    return parse_qs(request.body.decode())


def test_a_reply_answers_the_status_with_its_visibility_its_author_mentioned_and_the_idempotency_key(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    mastodon.route("GET", "/api/v1/statuses/112399999999999990", Reply(200, fixture("status_parent.json")))
    mastodon.route("POST", "/api/v1/statuses", Reply(200, fixture("status_posted.json")))

    sent = connector.send(REPLY)

    assert sent == Sent("112400000000000050", "https://social.example.net/@acme/112400000000000050")
    [posted] = mastodon.received("POST", "/api/v1/statuses")
    assert form(posted) == {
        "status": ["@jo@fedi.example.org Sorry about that! Please try another cable."],
        "in_reply_to_id": ["112399999999999990"],
        "visibility": ["unlisted"],
        "sensitive": ["0"],
    }
    assert (posted.headers["idempotency-key"], posted.headers["authorization"]) == (
        "out-41",
        "Bearer token-5",
    )


def test_a_reply_that_already_mentions_the_author_is_sent_as_written(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    mastodon.route("GET", "/api/v1/statuses/112399999999999990", Reply(200, fixture("status_parent.json")))
    mastodon.route("POST", "/api/v1/statuses", Reply(200, fixture("status_posted.json")))

    connector.send(
        OutboundMessage(
            key="out-42", kind="reply", text="Hi @jo@fedi.example.org!", in_reply_to=REPLY.in_reply_to
        )
    )

    assert form(mastodon.received("POST", "/api/v1/statuses")[0])["status"] == ["Hi @jo@fedi.example.org!"]


def test_a_direct_message_mentions_the_recipient_looked_up_by_id_with_direct_visibility(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    sam = fixture("notifications_mentions.json")[0]["account"]
    mastodon.route("GET", "/api/v1/accounts/109777888999000111", Reply(200, sam))
    mastodon.route(
        "POST", "/api/v1/statuses", Reply(200, {**fixture("status_posted.json"), "id": "112400000000000060"})
    )
    message = OutboundMessage(
        key="out-43", kind="direct", text="We will call you today.", recipient="109777888999000111"
    )

    sent = connector.send(message)

    assert sent.external_id == "112400000000000060"
    [posted] = mastodon.received("POST", "/api/v1/statuses")
    assert form(posted) == {
        "status": ["@sam We will call you today."],
        "visibility": ["direct"],
        "sensitive": ["0"],
    }
    assert posted.headers["idempotency-key"] == "out-43"


def test_a_message_over_the_servers_limit_is_refused_before_anything_is_posted(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    mastodon.route("GET", "/api/v1/statuses/112399999999999990", Reply(200, fixture("status_parent.json")))
    # 497 characters and "@jo " (a remote mention counts by its username) make 501.
    too_long = OutboundMessage(key="out-44", kind="reply", text="x" * 497, in_reply_to=REPLY.in_reply_to)

    with pytest.raises(ConnectorError) as caught:
        connector.send(too_long)

    assert caught.value.retryable is False
    assert mastodon.received("POST", "/api/v1/statuses") == []


def test_a_server_with_a_higher_limit_takes_longer_messages(
    mastodon: LocalServer, budget: RateBudget
) -> None:
    connector = SPEC.connect(mastodon_account(mastodon, max_chars=5000), budget)
    mastodon.route("GET", "/api/v1/statuses/112399999999999990", Reply(200, fixture("status_parent.json")))
    mastodon.route("POST", "/api/v1/statuses", Reply(200, fixture("status_posted.json")))

    connector.send(OutboundMessage(key="out-45", kind="reply", text="x" * 497, in_reply_to=REPLY.in_reply_to))

    assert len(mastodon.received("POST", "/api/v1/statuses")) == 1


def test_a_reply_to_a_deleted_status_is_a_permanent_error(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    mastodon.route("GET", "/api/v1/statuses/112399999999999990", Reply(404, {"error": "Record not found"}))

    with pytest.raises(ConnectorError) as caught:
        connector.send(REPLY)

    assert caught.value.retryable is False
    assert mastodon.received("POST", "/api/v1/statuses") == []


def test_a_rejected_status_is_a_permanent_error(mastodon: LocalServer, connector: MastodonConnector) -> None:
    mastodon.route("GET", "/api/v1/statuses/112399999999999990", Reply(200, fixture("status_parent.json")))
    mastodon.route(
        "POST",
        "/api/v1/statuses",
        Reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"}),
    )

    with pytest.raises(ConnectorError) as caught:
        connector.send(REPLY)

    assert caught.value.retryable is False


def test_find_sent_finds_our_reply_among_the_accounts_own_statuses(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    mastodon.route(
        "GET", "/api/v1/accounts/109000000000000001/statuses", Reply(200, fixture("account_statuses.json"))
    )

    found = connector.find_sent(REPLY)

    assert found == Sent("112400000000000050", "https://social.example.net/@acme/112400000000000050")
    [asked] = mastodon.received("GET", "/api/v1/accounts/109000000000000001/statuses")
    assert (asked.query["limit"], asked.query["exclude_reblogs"]) == ("40", "1")


def test_find_sent_finds_nothing_when_the_text_or_the_parent_differs(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    mastodon.route(
        "GET", "/api/v1/accounts/109000000000000001/statuses", Reply(200, fixture("account_statuses.json"))
    )

    other_text = OutboundMessage(key="k", kind="reply", text="Something else.", in_reply_to=REPLY.in_reply_to)
    other_parent = OutboundMessage(key="k", kind="reply", text=REPLY.text, in_reply_to="112399999999999991")

    assert (connector.find_sent(other_text), connector.find_sent(other_parent)) == (None, None)


def test_mastodon_counts_a_link_as_23_and_a_remote_mention_by_its_username() -> None:
    text = "@jo@fedi.example.org see https://example.com/a/very/long/path/that/keeps/going/on"

    assert mastodon_length(text) == len("@jo see ") + 23
    assert SPEC.rules.counts(text) == mastodon_length(text)
    assert (SPEC.rules.max_chars, SPEC.rules.kinds) == (500, frozenset({"reply", "direct"}))
