"""Polling a Facebook Page through the Graph API on the local server: feed, comments, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.networks.facebook.connector import SPEC
from hubbub.channels.networks.facebook.tests.conftest import NOW, fixture, page_account
from hubbub.channels.tests.local_server import LocalServer, Reply
from hubbub.core.posts import Post

FEED = "/v21.0/104200000000001/feed"
SALE_COMMENTS = "/v21.0/104200000000001_880000000000002/comments"
VISITOR_COMMENTS = "/v21.0/104200000000001_880000000000003/comments"
SINCE = "1714550000"  # 2024-05-01 07:53:20 UTC
USAGE = {"X-App-Usage": json.dumps({"call_count": 12, "total_cputime": 3, "total_time": 5})}


def _serve_page(server: LocalServer) -> None:
    server.route("GET", FEED, Reply(200, fixture("feed.json"), USAGE))
    server.route("GET", SALE_COMMENTS, Reply(200, fixture("comments_sale.json"), USAGE))
    server.route("GET", VISITOR_COMMENTS, Reply(200, {"data": []}, USAGE))


def test_poll_maps_new_posts_and_comments_oldest_first(local_server: LocalServer, budget) -> None:
    _serve_page(local_server)

    fetched = SPEC.connect(page_account(local_server.url), budget).poll(
        {"feed_since": "1714555000", "comments_since": SINCE}
    )

    assert fetched.posts == [
        Post(
            network="facebook",
            external_id="880000000000002_990000000000011",
            author_id="6100000000000031",
            author_name="Jo",
            text="Does the sale include blenders?",
            created_at=datetime(2024, 5, 1, 9, 40, tzinfo=UTC),
            in_reply_to_id="104200000000001_880000000000002",
            kind="comment",
            thread_id="104200000000001_880000000000002",
            account_id=8,
            brand_id=3,
            url="https://www.facebook.com/104200000000001_880000000000002?comment_id=990000000000011",
            source="facebook.com/acme",
        ),
        Post(
            network="facebook",
            external_id="880000000000002_990000000000012",
            author_id="104200000000001",
            author_name="Acme",
            text="Yes, all blenders are 20% off.",
            created_at=datetime(2024, 5, 1, 9, 45, tzinfo=UTC),
            in_reply_to_id="880000000000002_990000000000011",
            kind="comment",
            thread_id="104200000000001_880000000000002",
            account_id=8,
            brand_id=3,
            url="https://www.facebook.com/104200000000001_880000000000002?comment_id=990000000000012",
            source="facebook.com/acme",
            is_inbound=False,
        ),
        Post(
            network="facebook",
            external_id="104200000000001_880000000000003",
            author_id="6100000000000021",
            author_name="Robin <b>Q</b>",
            text="<script>alert('hi')</script> Is the store on Elm Street open on Sunday?",
            created_at=datetime(2024, 5, 1, 9, 55, tzinfo=UTC),
            kind="post",
            thread_id="104200000000001_880000000000003",
            account_id=8,
            brand_id=3,
            url="https://www.facebook.com/104200000000001/posts/880000000000003",
            source="facebook.com/acme",
        ),
    ]
    assert fetched.cursor == {"feed_since": "1714557300", "comments_since": "1714556700"}


def test_poll_asks_the_pinned_version_with_the_page_token_and_since(
    local_server: LocalServer, budget
) -> None:
    _serve_page(local_server)

    SPEC.connect(page_account(local_server.url), budget).poll({"feed_since": SINCE, "comments_since": SINCE})

    [feed] = local_server.received("GET", FEED)
    assert feed.query == {
        "fields": "id,message,created_time,from{id,name},permalink_url",
        "limit": "10",
        "access_token": "page-token",
    }
    [comments] = local_server.received("GET", SALE_COMMENTS)
    assert comments.query == {
        "fields": "id,message,created_time,from{id,name},parent{id},permalink_url",
        "filter": "stream",
        "limit": "50",
        "since": SINCE,
        "access_token": "page-token",
    }


def test_poll_skips_a_malformed_post_and_keeps_the_others(local_server: LocalServer, budget, caplog) -> None:
    _serve_page(local_server)

    fetched = SPEC.connect(page_account(local_server.url), budget).poll({})

    assert [post.external_id for post in fetched.posts if post.kind == "post"] == [
        "104200000000001_880000000000002",
        "104200000000001_880000000000003",
    ]
    assert "Skipped a malformed Facebook post: id: String should match pattern" in caplog.text
    assert "broken" not in caplog.text


def test_poll_makes_no_call_while_the_budget_says_wait(local_server: LocalServer, budget) -> None:
    account = page_account(local_server.url)
    usage = {"type": "pages", "call_count": 100, "total_cputime": 9, "total_time": 9}
    usage["estimated_time_to_regain_access"] = 5
    throttled = {"X-Business-Use-Case-Usage": json.dumps({"104200000000001": [usage]})}
    budget.observe(account.budget_key, 200, throttled, "facebook")
    _serve_page(local_server)

    fetched = SPEC.connect(account, budget).poll({"feed_since": SINCE})

    assert (local_server.requests, fetched.posts, fetched.cursor) == ([], [], {"feed_since": SINCE})


def test_throttling_is_retryable_after_metas_estimate_and_holds_the_budget(
    local_server: LocalServer, budget, frozen_time
) -> None:
    account = page_account(local_server.url)
    usage = [{"type": "pages", "call_count": 100, "total_cputime": 30, "total_time": 40}]
    usage[0]["estimated_time_to_regain_access"] = 7
    error = {"error": {"message": "(#32) Page request limit reached", "type": "OAuthException", "code": 32}}
    headers = {"X-Business-Use-Case-Usage": json.dumps({"104200000000001": usage})}
    local_server.route("GET", FEED, Reply(400, error, headers))

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(account, budget).poll({})

    assert (raised.value.retryable, raised.value.retry_after) == (True, 420.0)
    assert (budget.state(account.budget_key).remaining, budget.wait_seconds(account.budget_key)) == (0, 420.0)


def test_a_server_error_is_retryable(local_server: LocalServer, budget) -> None:
    local_server.route(
        "GET", FEED, Reply(500, {"error": {"message": "An unknown error occurred", "code": 1}})
    )

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(page_account(local_server.url), budget).poll({})

    assert raised.value.retryable is True


def test_an_expired_token_is_permanent(local_server: LocalServer, budget) -> None:
    error = {"error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}}
    local_server.route("GET", FEED, Reply(400, error))

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(page_account(local_server.url), budget).poll({})

    assert (raised.value.retryable, raised.value.retry_after) == (False, None)
    assert local_server.received("GET", SALE_COMMENTS) == []


def test_an_unreachable_graph_api_is_retryable_and_counted(budget) -> None:
    account = page_account("http://127.0.0.1:9")

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(account, budget).poll({})

    assert raised.value.retryable is True
    assert budget.state(account.budget_key).failures == 1


def test_poll_keeps_the_cursor_when_nothing_is_new(local_server: LocalServer, budget) -> None:
    local_server.route("GET", FEED, Reply(200, {"data": []}))

    fetched = SPEC.connect(page_account(local_server.url), budget).poll({"feed_since": str(NOW)})

    assert fetched.cursor == {"feed_since": str(NOW), "comments_since": "0"}
