"""Replies as app.bsky.feed.post records with strong refs, and finding a sent reply again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from hubbub.channels.networks.base import ConnectorError, OutboundMessage, Sent
from hubbub.channels.networks.bluesky.connector import SPEC, BlueskyConnector
from hubbub.channels.networks.bluesky.mapping import grapheme_count
from hubbub.channels.networks.bluesky.tests.conftest import ACME_DID, fixture
from hubbub.channels.tests.local_server import LocalServer, Reply

GET_POSTS = "/xrpc/app.bsky.feed.getPosts"
CREATE = "/xrpc/com.atproto.repo.createRecord"
LIST = "/xrpc/com.atproto.repo.listRecords"
PARENT = "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kq3abcde2k2v"
REPLY = OutboundMessage(
    key="out-7", kind="reply", text="Sorry Lee, our engineers are on it.", in_reply_to=PARENT
)


@time_machine.travel(datetime(2024, 5, 2, 11, 0, 0, 250000, tzinfo=UTC), tick=False)
def test_a_reply_is_a_post_record_naming_the_threads_root_and_the_parent(
    pds: LocalServer, connector: BlueskyConnector
) -> None:
    pds.route("GET", GET_POSTS, Reply(200, fixture("get_posts.json")))
    pds.route("POST", CREATE, Reply(200, fixture("create_record.json")))

    sent = connector.send(REPLY)

    assert sent == Sent(
        f"at://{ACME_DID}/app.bsky.feed.post/3kq3reply0k2a",
        "https://bsky.app/profile/acme.example.com/post/3kq3reply0k2a",
    )
    assert pds.received("GET", GET_POSTS)[0].query_list == [("uris", PARENT)]
    [created] = pds.received("POST", CREATE)
    assert created.json() == {
        "repo": ACME_DID,
        "collection": "app.bsky.feed.post",
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "Sorry Lee, our engineers are on it.",
            "createdAt": "2024-05-02T11:00:00.250Z",
            # The SDK types the nested objects, as the lexicon allows.
            "reply": {
                "$type": "app.bsky.feed.post#replyRef",
                "root": {
                    "$type": "com.atproto.repo.strongRef",
                    "uri": f"at://{ACME_DID}/app.bsky.feed.post/3kq2lqxqjgk2a",
                    "cid": "bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q",
                },
                "parent": {
                    "$type": "com.atproto.repo.strongRef",
                    "uri": PARENT,
                    "cid": "bafyreid27zk7lbis4zw5fz4podbvbs4fc5ivwji3dmtuhhhqmkd4bgxmty",
                },
            },
        },
    }
    assert created.headers["authorization"].startswith("Bearer ey")


def test_a_reply_to_a_post_that_starts_a_thread_uses_it_as_the_root(
    pds: LocalServer, connector: BlueskyConnector
) -> None:
    top = fixture("search_posts.json")["posts"][0]
    pds.route("GET", GET_POSTS, Reply(200, {"posts": [top]}))
    pds.route("POST", CREATE, Reply(200, fixture("create_record.json")))

    connector.send(
        OutboundMessage(key="out-8", kind="reply", text="Not for us, sorry!", in_reply_to=top["uri"])
    )

    reply = pds.received("POST", CREATE)[0].json()["record"]["reply"]
    top_ref = {"$type": "com.atproto.repo.strongRef", "uri": top["uri"], "cid": top["cid"]}
    assert reply == {"$type": "app.bsky.feed.post#replyRef", "root": top_ref, "parent": top_ref}


def test_a_reply_to_a_deleted_post_is_a_permanent_error_and_nothing_is_created(
    pds: LocalServer, connector: BlueskyConnector
) -> None:
    pds.route("GET", GET_POSTS, Reply(200, {"posts": []}))

    with pytest.raises(ConnectorError) as caught:
        connector.send(REPLY)

    assert caught.value.retryable is False
    assert pds.received("POST", CREATE) == []


def test_length_is_counted_in_graphemes_so_300_emoji_with_skin_tones_fit_and_301_do_not(
    pds: LocalServer, connector: BlueskyConnector
) -> None:
    pds.route("GET", GET_POSTS, Reply(200, fixture("get_posts.json")))
    pds.route("POST", CREATE, Reply(200, fixture("create_record.json")))

    connector.send(OutboundMessage(key="a", kind="reply", text="👍🏽" * 300, in_reply_to=PARENT))
    with pytest.raises(ConnectorError) as caught:
        connector.send(OutboundMessage(key="b", kind="reply", text="👍🏽" * 301, in_reply_to=PARENT))

    assert caught.value.retryable is False
    assert len(pds.received("POST", CREATE)) == 1


def test_graphemes_count_user_perceived_characters() -> None:
    family, flags, accent = "👨\u200d👩\u200d👧", "🇫🇷🇩🇪", "e\u0301"

    assert [grapheme_count(text) for text in ("abc", family, flags, accent, "a\r\nb")] == [3, 1, 2, 1, 3]
    assert SPEC.rules.counts is grapheme_count
    assert (SPEC.rules.max_chars, SPEC.rules.kinds) == (300, frozenset({"reply"}))


def test_direct_messages_are_not_sent_on_bluesky(pds: LocalServer, connector: BlueskyConnector) -> None:
    with pytest.raises(ConnectorError) as caught:
        connector.send(OutboundMessage(key="c", kind="direct", text="hi", recipient="did:plc:x"))

    assert caught.value.retryable is False
    assert pds.requests == []


def test_find_sent_finds_our_reply_in_the_accounts_repository(
    pds: LocalServer, connector: BlueskyConnector
) -> None:
    pds.route("GET", LIST, Reply(200, fixture("list_records.json")))

    found = connector.find_sent(REPLY)

    assert found == Sent(
        f"at://{ACME_DID}/app.bsky.feed.post/3kq3reply0k2a",
        "https://bsky.app/profile/acme.example.com/post/3kq3reply0k2a",
    )
    assert pds.received("GET", LIST)[0].query == {
        "repo": ACME_DID,
        "collection": "app.bsky.feed.post",
        "limit": "50",
    }


def test_find_sent_finds_nothing_when_the_text_or_the_parent_differs(
    pds: LocalServer, connector: BlueskyConnector
) -> None:
    pds.route("GET", LIST, Reply(200, fixture("list_records.json")))

    other_text = OutboundMessage(key="k", kind="reply", text="Something else.", in_reply_to=PARENT)
    other_parent = OutboundMessage(key="k", kind="reply", text=REPLY.text, in_reply_to=PARENT + "x")

    assert (connector.find_sent(other_text), connector.find_sent(other_parent)) == (None, None)
