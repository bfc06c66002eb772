"""Failures polling Reddit: rate limits, server errors, refusals, bad credentials and settings."""

from __future__ import annotations

from typing import Any

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.networks.reddit.connector import SPEC, RedditConnector
from hubbub.channels.networks.reddit.tests.conftest import NOW, RATE, listing, reddit_account
from hubbub.channels.tests.local_server import LocalServer, Reply


def test_a_429_is_retryable_until_the_window_resets_and_the_budget_knows_it(
    reddit: LocalServer, connector: RedditConnector, budget: RateBudget
) -> None:
    limited = {"X-Ratelimit-Used": "600", "X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "240"}
    reddit.route("GET", "/message/inbox", Reply(429, {"message": "Too Many Requests", "error": 429}, limited))

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert (caught.value.retryable, caught.value.retry_after) == (True, 240.0)
    state = budget.state("reddit:7")
    assert (state.remaining, state.reset_at, state.failures) == (0, NOW + 240, 1)
    assert budget.wait_seconds("reddit:7") == 240.0
    assert len(reddit.received("GET", "/message/inbox")) == 1  # prawcore did not retry, nor sleep


@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (502, True), (503, True), (401, False), (403, False), (404, False)]
)
def test_server_errors_are_retryable_and_refusals_permanent_without_a_second_try(
    reddit: LocalServer, connector: RedditConnector, status: int, retryable: bool
) -> None:
    reddit.route("GET", "/message/inbox", Reply(status, {"message": "nope", "error": status}, RATE))

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    # The window is not spent: no reason to wait for its reset, the budget's back-off decides.
    assert (caught.value.retryable, caught.value.retry_after) == (retryable, None)
    assert f"HTTP {status}" in str(caught.value)
    assert len(reddit.received("GET", "/message/inbox")) == 1


def test_a_subreddit_that_does_not_exist_is_a_permanent_error(
    reddit: LocalServer, budget: RateBudget
) -> None:
    reddit.route("GET", "/message/inbox", Reply(200, listing([]), RATE))
    # Reddit redirects an unknown subreddit's listing to the subreddit search.
    moved = {"Location": "https://www.reddit.com/subreddits/search.json?q=acmee"}
    reddit.route("GET", "/r/acmee/new", Reply(302, b"", moved))

    with pytest.raises(ConnectorError) as caught:
        SPEC.connect(reddit_account(reddit, subreddits=["acmee"]), budget).poll({})

    assert caught.value.retryable is False


def test_refused_credentials_are_a_permanent_error(reddit: LocalServer, connector: RedditConnector) -> None:
    # The token endpoint answers 200 with an error for a revoked refresh token.
    reddit.route("POST", "/api/v1/access_token", Reply(200, {"error": "invalid_grant"}))

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert (caught.value.retryable, str(caught.value)) == (
        False,
        "reddit refused the credentials: invalid_grant",
    )
    assert reddit.received("GET", "/message/inbox") == []


def test_an_unreachable_server_is_retryable_and_counted_as_a_failure(budget: RateBudget) -> None:
    connector = SPEC.connect(reddit_account("http://127.0.0.1:9"), budget)  # the discard port: refused

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert caught.value.retryable is True
    assert budget.state("reddit:7").failures == 1


@pytest.mark.parametrize(
    ("secrets", "settings"),
    [
        ({"client_id": "client-7", "client_secret": "secret-7"}, {}),
        ({"client_secret": "secret-7", "refresh_token": "refresh-7"}, {}),
        (None, {"subreddits": ["acme/../../api"]}),
        (None, {"base_url": "javascript:alert(1)"}),
    ],
)
def test_missing_credentials_or_invalid_settings_are_a_permanent_error(
    budget: RateBudget, secrets: dict[str, str] | None, settings: dict[str, Any]
) -> None:
    with pytest.raises(ConnectorError) as caught:
        SPEC.connect(reddit_account("http://127.0.0.1:9", secrets, **settings), budget)

    assert caught.value.retryable is False
