"""The streaming API (server-sent events) read by Mastodon.py's listener into Posts."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.networks.mastodon.connector import MastodonConnector
from hubbub.channels.networks.mastodon.tests.conftest import fixture
from hubbub.channels.tests.local_server import LocalServer, Reply
from hubbub.core.posts import Post

SSE = {"Content-Type": "text/event-stream"}


def event(name: str, payload: Any) -> str:
    """One event as docs.joinmastodon.org/methods/streaming/ shows it: the payload JSON on one line."""
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"event: {name}\ndata: {data}\n\n"


def test_a_hashtag_stream_hands_each_new_status_over_as_a_post(
    mastodon: LocalServer, connector: MastodonConnector, caplog: pytest.LogCaptureFixture
) -> None:
    newer, older = fixture("hashtag_acme.json")
    broken = {**older, "id": "112400000000000035", "account": None}
    body = ":)\n\n" + event("update", older) + event("update", broken) + ":thump\n\n"
    body += event("delete", "112400000000000001") + event("update", newer)
    mastodon.route("GET", "/api/v1/streaming/hashtag", Reply(200, body, SSE))
    posts: list[Post] = []

    with caplog.at_level(logging.WARNING):
        connector.stream_hashtag("acme", posts.append)

    assert [(post.external_id, post.kind, post.account_id, post.text) for post in posts] == [
        ("112400000000000030", "post", None, "CW: phone rant\n\nAnyone else? #acme outage in Leeds"),
        ("112400000000000040", "post", None, "We are looking into charging reports. #acme"),
    ]
    [request] = mastodon.received("GET", "/api/v1/streaming/hashtag")
    assert (request.query, request.headers["authorization"]) == ({"tag": "acme"}, "Bearer token-5")
    assert "rejected Status 0: account" in caplog.text


def test_the_mention_stream_hands_over_mentions_and_ignores_other_notifications(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    direct, _malformed, reply = fixture("notifications_mentions.json")
    favourite = {**reply, "id": "34976", "type": "favourite"}
    body = event("notification", reply) + event("notification", favourite) + event("notification", direct)
    body += event("update", fixture("hashtag_acme.json")[0])  # the home timeline is not the inbox
    mastodon.route("GET", "/api/v1/streaming/user/notification", Reply(200, body, SSE))
    posts: list[Post] = []

    connector.stream_mentions(posts.append)

    assert [(post.external_id, post.kind, post.account_id) for post in posts] == [
        ("112400000000000010", "comment", 5),
        ("112400000000000020", "direct", 5),
    ]


def test_a_refused_stream_is_a_retryable_error(mastodon: LocalServer, connector: MastodonConnector) -> None:
    mastodon.route("GET", "/api/v1/streaming/hashtag", Reply(503, {"error": "streaming down"}))

    posts: list[Post] = []

    with pytest.raises(ConnectorError) as caught:
        connector.stream_hashtag("acme", posts.append)

    assert (caught.value.retryable, posts) == (True, [])


def test_a_hashtag_that_is_not_one_is_refused_before_connecting(
    mastodon: LocalServer, connector: MastodonConnector
) -> None:
    posts: list[Post] = []

    with pytest.raises(ConnectorError) as caught:
        connector.stream_hashtag("acme&local=1", posts.append)

    assert caught.value.retryable is False
    assert mastodon.received("GET", "/api/v1/streaming/hashtag") == []
