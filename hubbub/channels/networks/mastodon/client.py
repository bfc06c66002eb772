"""Mastodon.py pointed at the account's server, reporting every answer to the shared rate budget.

Mastodon.py's own rate limiting is set to "throw": waiting is the poller's job (the budget knows
every account's window), never a sleep inside a library call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonMalformedEventError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig, ConnectorError
from hubbub.channels.ratelimits import read_rate_headers

RATE_STYLE = "mastodon"
TIMEOUT_SECONDS = 30.0
USER_AGENT = "hubbub/1.0 (social contact center)"
Result = TypeVar("Result")


class MastodonClient:
    """One account's Mastodon.py instance; `call` runs a library method and maps its failures."""

    def __init__(self, account: AccountConfig, budget: RateBudget, base_url: str) -> None:
        self._budget = budget
        self._key = account.budget_key
        self._last: requests.Response | None = None
        session = requests.Session()
        session.hooks["response"].append(self._observe)
        self.api = Mastodon(
            api_base_url=base_url,
            access_token=account.secrets.get("access_token", ""),
            ratelimit_method="throw",
            request_timeout=TIMEOUT_SECONDS,
            session=session,
            user_agent=USER_AGENT,
        )

    def call(self, method: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
        """`method(*args, **kwargs)`, its failures as ConnectorError (retryable or permanent)."""
        self._last = None
        try:
            return method(*args, **kwargs)
        except MastodonError as error:
            raise self._connector_error(error) from error

    def _observe(self, response: requests.Response, **_hook_kwargs: Any) -> None:
        self._last = response
        self._budget.observe(self._key, response.status_code, response.headers, RATE_STYLE)

    def _connector_error(self, error: MastodonError) -> ConnectorError:
        status = self._last.status_code if self._last is not None else 0
        if isinstance(error, MastodonNetworkError) and self._last is None:
            self._budget.failed(self._key)
        retryable = isinstance(
            error,
            MastodonRatelimitError | MastodonServerError | MastodonNetworkError | MastodonMalformedEventError,
        )
        if isinstance(error, MastodonNotFoundError | MastodonUnauthorizedError):
            retryable = False
        elif isinstance(error, MastodonAPIError) and status in {408, 429}:
            retryable = True
        return ConnectorError(
            f"mastodon: {type(error).__name__} (HTTP {status or 'none'})",
            retryable=retryable,
            retry_after=self._retry_after() if retryable else None,
        )

    def _retry_after(self) -> float | None:
        """Retry-After, else the time until X-RateLimit-Reset (what Mastodon sends with a 429)."""
        if self._last is None:
            return None
        now = time.time()
        rate = read_rate_headers(RATE_STYLE, self._last.headers, now)
        if rate is None:
            return None
        if rate.retry_after is not None:
            return rate.retry_after
        return max(0.0, rate.reset_at - now) if rate.reset_at is not None and rate.remaining == 0 else None
