"""Polling notifications and searches with the atproto SDK against a local server answering like a PDS."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.networks.bluesky.connector import SPEC, BlueskyConnector, search_cursor_name
from hubbub.channels.networks.bluesky.tests.conftest import ACME_DID, NOW, bluesky_account, fixture
from hubbub.channels.tests.local_server import LocalServer, Received, Reply
from hubbub.core.posts import Post

NOTIFICATIONS = "/xrpc/app.bsky.notification.listNotifications"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
RATE = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "2990", "RateLimit-Reset": "1714651500"}


def serve_fixtures(pds: LocalServer) -> None:
    pds.route("GET", NOTIFICATIONS, Reply(200, fixture("list_notifications.json"), RATE))
    pds.route("GET", SEARCH, Reply(200, fixture("search_posts.json"), RATE))


def test_poll_maps_notifications_and_search_results_to_posts_oldest_first(
    pds: LocalServer, connector: BlueskyConnector
) -> None:
    serve_fixtures(pds)

    fetched = connector.poll({})

    root = f"at://{ACME_DID}/app.bsky.feed.post/3kq2lqxqjgk2a"
    assert fetched.posts == [
        Post(
            network="bluesky",
            external_id="at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kq3abcde2k2v",
            author_id="did:plc:ewvi7nxzyoun6zhxrhs64oiz",
            author_handle="lee.bsky.social",
            author_name="Lee <img src=x onerror=alert(1)>",
            text="Still no signal in Leeds since Monday.",
            created_at=datetime(2024, 5, 2, 9, 15, tzinfo=UTC),
            in_reply_to_id=root,
            brand_id=2,
            kind="comment",
            thread_id=root,
            account_id=9,
            url="https://bsky.app/profile/lee.bsky.social/post/3kq3abcde2k2v",
            source="bsky.app",
        ),
        Post(
            network="bluesky",
            external_id="at://did:plc:4hqjfn7m6n5hno3doamuhgef/app.bsky.feed.post/3kq3abcde2k2x",
            author_id="did:plc:4hqjfn7m6n5hno3doamuhgef",
            author_handle="ana.example.com",
            author_name="Ana",
            text="@acme.example.com my bill doubled <script>alert(1)</script>",
            created_at=datetime(2024, 5, 2, 9, 20, tzinfo=UTC),
            brand_id=2,
            kind="post",
            thread_id="at://did:plc:4hqjfn7m6n5hno3doamuhgef/app.bsky.feed.post/3kq3abcde2k2x",
            account_id=9,
            url="https://bsky.app/profile/ana.example.com/post/3kq3abcde2k2x",
            source="bsky.app",
        ),
        Post(
            network="bluesky",
            external_id="at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kq3zzzzz2k2a",
            author_id="did:plc:ewvi7nxzyoun6zhxrhs64oiz",
            author_handle="lee.bsky.social",
            author_name="Lee <img src=x onerror=alert(1)>",
            text="Is Acme down for anyone else? 📵",
            created_at=datetime(2024, 5, 2, 10, 0, tzinfo=UTC),
            brand_id=2,
            kind="post",
            thread_id="at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kq3zzzzz2k2a",
            account_id=None,
            url="https://bsky.app/profile/lee.bsky.social/post/3kq3zzzzz2k2a",
            source="bsky.app",
        ),
    ]
    assert dict(fetched.cursor) == {
        "notifications": "2024-05-02T09:20:01.250000Z",
        search_cursor_name("acme"): "2024-05-02T10:00:00.900000Z",
    }


def test_a_malformed_notification_is_rejected_with_its_reason_and_the_others_kept(
    pds: LocalServer, connector: BlueskyConnector, caplog: pytest.LogCaptureFixture
) -> None:
    serve_fixtures(pds)

    with caplog.at_level(logging.WARNING):
        fetched = connector.poll({})

    assert len(fetched.posts) == 3
    assert "rejected Notification 1: record.createdAt: Field required" in caplog.text


def test_poll_logs_in_with_the_app_password_and_asks_with_the_session(
    pds: LocalServer, connector: BlueskyConnector
) -> None:
    serve_fixtures(pds)

    connector.poll({})
    connector.poll({})

    [login] = pds.received("POST", "/xrpc/com.atproto.server.createSession")
    assert login.json() == {"identifier": "acme.example.com", "password": "abcd-efgh-ijkl-mnop"}
    asked = pds.received("GET", NOTIFICATIONS)[0]
    assert asked.query_list == [
        ("limit", "50"),
        ("reasons", "mention"),
        ("reasons", "reply"),
        ("reasons", "quote"),
    ]
    assert asked.headers["authorization"].startswith("Bearer ey")
    assert pds.received("GET", SEARCH)[0].query == {"q": "acme", "sort": "latest", "limit": "50"}


def notification_at(number: int, indexed_at: str) -> dict[str, Any]:
    template = fixture("list_notifications.json")["notifications"][0]
    uri = f"at://did:plc:4hqjfn7m6n5hno3doamuhgef/app.bsky.feed.post/3kq4{number:09d}"
    return {**template, "uri": uri, "indexedAt": indexed_at}


def test_poll_pages_back_to_the_newest_notification_already_seen(
    pds: LocalServer, budget: RateBudget
) -> None:
    pages = {
        None: (
            [notification_at(3, "2024-05-02T11:00:00.000Z"), notification_at(2, "2024-05-02T10:30:00Z")],
            "p2",
        ),
        "p2": (
            [notification_at(1, "2024-05-02T10:00:00.000Z"), notification_at(0, "2024-05-02T09:00:00Z")],
            "p3",
        ),
    }

    def page(request: Received) -> Reply:
        items, cursor = pages[request.query.get("cursor")]
        return Reply(200, {"notifications": items, "cursor": cursor})

    pds.route("GET", NOTIFICATIONS, page)
    connector = SPEC.connect(bluesky_account(pds), budget)

    fetched = connector.poll({"notifications": "2024-05-02T09:30:00.000000Z"})

    assert [post.external_id[-4:] for post in fetched.posts] == ["0001", "0002", "0003"]
    assert [request.query.get("cursor") for request in pds.received("GET", NOTIFICATIONS)] == [None, "p2"]
    assert fetched.cursor["notifications"] == "2024-05-02T11:00:00.000000Z"


def test_nothing_new_keeps_the_cursor(pds: LocalServer, budget: RateBudget) -> None:
    pds.route("GET", NOTIFICATIONS, Reply(200, fixture("list_notifications.json")))
    connector = SPEC.connect(bluesky_account(pds), budget)

    fetched = connector.poll({"notifications": "2024-05-02T09:20:01.250000Z"})

    assert (fetched.posts, dict(fetched.cursor)) == ([], {"notifications": "2024-05-02T09:20:01.250000Z"})
    assert len(pds.received("GET", NOTIFICATIONS)) == 1


@time_machine.travel(datetime.fromtimestamp(NOW, tz=UTC), tick=False)
def test_429_is_retryable_until_the_window_resets_and_the_budget_knows_it(
    pds: LocalServer, connector: BlueskyConnector, budget: RateBudget
) -> None:
    spent = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": str(int(NOW) + 90)}
    pds.route(
        "GET",
        NOTIFICATIONS,
        Reply(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, spent),
    )

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert (caught.value.retryable, caught.value.retry_after) == (True, 90.0)
    state = budget.state("bluesky:9")
    assert (state.remaining, state.reset_at, state.failures) == (0, NOW + 90, 1)


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (502, True), (503, True), (400, False), (404, False)]
)
def test_server_errors_are_retryable_and_bad_requests_permanent(
    pds: LocalServer, connector: BlueskyConnector, status: int, retryable: bool
) -> None:
    pds.route("GET", NOTIFICATIONS, Reply(status, {"error": "InternalError", "message": "nope"}))

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert caught.value.retryable is retryable
    assert f"(HTTP {status})" in str(caught.value)


def test_a_wrong_app_password_is_a_permanent_error_and_nothing_is_queried(
    local_server: LocalServer, budget: RateBudget
) -> None:
    local_server.route(
        "POST",
        "/xrpc/com.atproto.server.createSession",
        Reply(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}),
    )
    connector = SPEC.connect(bluesky_account(local_server), budget)

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert caught.value.retryable is False
    assert local_server.received("GET", NOTIFICATIONS) == []


def test_an_unreachable_pds_is_retryable_and_counted_as_a_failure(budget: RateBudget) -> None:
    connector = SPEC.connect(bluesky_account("http://127.0.0.1:9"), budget)

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert caught.value.retryable is True
    assert budget.state("bluesky:9").failures == 1
