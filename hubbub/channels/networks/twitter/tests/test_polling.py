"""Polling X: mentions and search through tweepy against the local server, within the budget."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from hubbub.channels.budget import BudgetState, RateBudget
from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.networks.twitter.connector import SPEC, TwitterConnector
from hubbub.channels.networks.twitter.tests.conftest import NOW, fixture, x_account
from hubbub.channels.tests.local_server import LocalServer, Received, Reply
from hubbub.core.posts import Post

MENTIONS = "/2/users/1500000000000000001/mentions"
SEARCH = "/2/tweets/search/recent"
RATE_OK = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449", "x-rate-limit-reset": str(NOW + 900)}


def _pages(request: Received) -> Reply:
    token = request.query.get("pagination_token")
    page = "mentions_oldest.json" if token else "mentions_newest.json"
    return Reply(200, fixture(page), RATE_OK)


def _dana_reply() -> Post:
    return Post(
        network="twitter",
        external_id="1785600000000000300",
        author_id="2900000000000000002",
        author_handle="dana_k",
        author_name="<script>alert('x')</script>Dana",
        author_followers=1520,
        text="@AcmeHelp <b>still</b> no refund & no answer",
        created_at=datetime(2024, 5, 1, 9, 58, tzinfo=UTC),
        in_reply_to_id="1785600000000000200",
        kind="comment",
        thread_id="1785600000000000100",
        account_id=7,
        brand_id=3,
        url="https://x.com/dana_k/status/1785600000000000300",
        source="x.com",
    )


def _lee_mention(account_id: int | None = 7) -> Post:
    return Post(
        network="twitter",
        external_id="1785600000000000250",
        author_id="2900000000000000003",
        author_handle="lee_orders",
        author_name="Lee",
        author_followers=12,
        text="@AcmeHelp my order #4411 never arrived https://t.co/AbCdEf1234",
        created_at=datetime(2024, 5, 1, 9, 50, tzinfo=UTC),
        kind="post",
        thread_id="1785600000000000250",
        account_id=account_id,
        brand_id=3,
        url="https://x.com/lee_orders/status/1785600000000000250",
        source="x.com",
    )


def test_poll_maps_every_page_of_mentions_to_posts_oldest_first(local_server: LocalServer, budget) -> None:
    local_server.route("GET", MENTIONS, _pages)

    fetched = SPEC.connect(x_account(local_server.url), budget).poll(
        {"mentions_since_id": "1785600000000000001"}
    )

    assert [post.external_id for post in fetched.posts] == [
        "1785600000000000150",
        "1785600000000000200",
        "1785600000000000250",
        "1785600000000000300",
    ]
    assert fetched.posts[2:] == [_lee_mention(), _dana_reply()]
    assert (fetched.posts[0].is_inbound, fetched.posts[0].author_handle) == (False, "AcmeHelp")
    assert fetched.cursor == {
        "mentions_since_id": "1785600000000000300",
        "mentions_next_token": "",
        "mentions_newest_id": "",
    }


def test_poll_asks_for_authors_and_metrics_since_the_cursor_with_the_bearer_token(
    local_server: LocalServer, budget
) -> None:
    local_server.route("GET", MENTIONS, _pages)

    SPEC.connect(x_account(local_server.url), budget).poll({"mentions_since_id": "1785600000000000001"})

    first, second = local_server.received("GET", MENTIONS)
    assert first.query == {
        "since_id": "1785600000000000001",
        "max_results": "100",
        "expansions": "author_id",
        "tweet.fields": "created_at,conversation_id,referenced_tweets,author_id",
        "user.fields": "username,name,public_metrics",
    }
    assert second.query["pagination_token"] == "7140dibdnow9c7btw481s8m561gat797rboud5r80xvzm"
    assert second.query["since_id"] == "1785600000000000001"
    assert first.headers["authorization"] == "Bearer app-bearer"


def test_poll_skips_a_malformed_tweet_and_keeps_the_others(local_server: LocalServer, budget, caplog) -> None:
    local_server.route("GET", MENTIONS, Reply(200, fixture("mentions_oldest.json"), RATE_OK))

    fetched = SPEC.connect(x_account(local_server.url), budget).poll({})

    assert [post.external_id for post in fetched.posts] == ["1785600000000000150", "1785600000000000200"]
    assert "Skipped a malformed tweet: id: String should match pattern" in caplog.text
    assert "broken item" not in caplog.text


def test_poll_stops_when_the_window_is_spent_and_resumes_from_the_page_token(
    local_server: LocalServer,
) -> None:
    clock = [float(NOW)]
    budget = RateBudget(clock=lambda: clock[0], jitter=lambda: 0.5)
    spent = {"x-rate-limit-remaining": "2", "x-rate-limit-reset": str(NOW + 900)}
    local_server.route("GET", MENTIONS, lambda _request: Reply(200, fixture("mentions_newest.json"), spent))
    connector = TwitterConnector(x_account(local_server.url), budget)

    first = connector.poll({"mentions_since_id": "1785600000000000001"})

    assert len(local_server.received("GET", MENTIONS)) == 1
    assert [post.external_id for post in first.posts] == ["1785600000000000250", "1785600000000000300"]
    assert first.cursor == {
        "mentions_since_id": "1785600000000000001",
        "mentions_next_token": "7140dibdnow9c7btw481s8m561gat797rboud5r80xvzm",
        "mentions_newest_id": "1785600000000000300",
    }

    clock[0] = NOW + 901
    local_server.route("GET", MENTIONS, Reply(200, fixture("mentions_oldest.json"), RATE_OK))
    second = connector.poll(first.cursor)

    resumed = local_server.received("GET", MENTIONS)[1]
    assert resumed.query["pagination_token"] == "7140dibdnow9c7btw481s8m561gat797rboud5r80xvzm"
    assert second.cursor["mentions_since_id"] == "1785600000000000300"
    assert second.cursor["mentions_next_token"] == ""


def test_poll_makes_no_call_while_the_budget_says_wait(local_server: LocalServer, budget) -> None:
    account = x_account(local_server.url)
    budget.observe(
        account.budget_key,
        200,
        {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(NOW + 60)},
        "twitter",
    )
    local_server.route("GET", MENTIONS, _pages)

    fetched = SPEC.connect(account, budget).poll({"mentions_since_id": "1785600000000000001"})

    assert local_server.received("GET", MENTIONS) == []
    assert fetched.posts == []
    assert fetched.cursor["mentions_since_id"] == "1785600000000000001"


def test_poll_reads_the_search_query_too_and_keeps_each_tweet_once(local_server: LocalServer, budget) -> None:
    local_server.route("GET", MENTIONS, Reply(200, fixture("mentions_newest.json") | {"meta": {}}, RATE_OK))
    local_server.route("GET", SEARCH, Reply(200, fixture("search_recent.json"), RATE_OK))

    fetched = SPEC.connect(x_account(local_server.url, search_query="acme -is:retweet"), budget).poll(
        {"search_since_id": "1785600000000000010"}
    )

    [search] = local_server.received("GET", SEARCH)
    assert (search.query["query"], search.query["since_id"]) == ("acme -is:retweet", "1785600000000000010")
    assert [(post.external_id, post.account_id) for post in fetched.posts] == [
        ("1785600000000000250", 7),
        ("1785600000000000270", None),
        ("1785600000000000300", 7),
    ]
    assert fetched.cursor["search_since_id"] == "1785600000000000270"


def test_a_429_is_retryable_after_the_reset_and_blocks_the_budget(
    local_server: LocalServer, budget, frozen_time
) -> None:
    account = x_account(local_server.url)
    limited = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(NOW + 300)}
    local_server.route("GET", MENTIONS, Reply(429, {"title": "Too Many Requests", "status": 429}, limited))

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(account, budget).poll({})

    assert (raised.value.retryable, raised.value.retry_after) == (True, 300.0)
    assert budget.state(account.budget_key) == BudgetState(
        remaining=0, reset_at=NOW + 300, failures=1, blocked_until=NOW + 2.0
    )
    assert budget.wait_seconds(account.budget_key) == 300.0


def test_a_server_error_is_retryable(local_server: LocalServer, budget) -> None:
    local_server.route("GET", MENTIONS, Reply(503, {"title": "Service Unavailable"}))

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(x_account(local_server.url), budget).poll({})

    assert (raised.value.retryable, raised.value.retry_after) == (True, None)


def test_a_revoked_token_is_permanent_and_not_a_back_off(local_server: LocalServer, budget) -> None:
    account = x_account(local_server.url)
    local_server.route("GET", MENTIONS, Reply(401, {"title": "Unauthorized", "status": 401}))

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(account, budget).poll({})

    assert raised.value.retryable is False
    assert budget.state(account.budget_key).failures == 0


def test_an_unreachable_api_is_retryable_and_counted(budget) -> None:
    account = x_account("http://127.0.0.1:9")

    with pytest.raises(ConnectorError) as raised:
        SPEC.connect(account, budget).poll({})

    assert raised.value.retryable is True
    assert budget.state(account.budget_key).failures == 1


def test_an_account_without_credentials_is_refused_permanently_before_any_call(
    local_server: LocalServer, budget
) -> None:
    account = dataclasses.replace(x_account(local_server.url), secrets={"consumer_key": "only-half"})

    with pytest.raises(ConnectorError) as refused:
        SPEC.connect(account, budget)

    assert refused.value.retryable is False
    assert "credentials are missing" in str(refused.value)
    assert local_server.requests == []
