"""The atproto SDK's Client pointed at the account's PDS, reporting every answer to the rate budget.

Queries go through `invoke_query`/`invoke_procedure` with the SDK's typed parameters but answer with
the raw JSON, so that hubbub's own models can reject one malformed item without losing the page.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from atproto import Client
from atproto_client import exceptions
from atproto_client.request import Request

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig, ConnectorError
from hubbub.channels.ratelimits import read_rate_headers

RATE_STYLE = "bluesky"
TIMEOUT_SECONDS = 30.0


class BlueskyClient:
    """One account's session on its PDS; logs in on first use (createSession is itself rate limited)."""

    def __init__(self, account: AccountConfig, budget: RateBudget, base_url: str) -> None:
        self._account = account
        self._budget = budget
        request = Request(timeout=TIMEOUT_SECONDS, event_hooks={"response": [self._observe]})
        self._client: Any = Client(base_url=base_url, request=request)
        self._logged_in = False

    @property
    def did(self) -> str:
        """The account's DID, from its settings or its session."""
        return self._account.external_id or str(self._client.me.did if self._client.me else "")

    def query(self, nsid: str, params: Any) -> dict[str, Any]:
        """GET an XRPC query and return its JSON object."""
        return self._invoke(self._client.invoke_query, nsid, params=params)

    def procedure(self, nsid: str, data: Any) -> dict[str, Any]:
        """POST an XRPC procedure and return its JSON object."""
        return self._invoke(self._client.invoke_procedure, nsid, data=data)

    def _invoke(self, method: Any, nsid: str, **kwargs: Any) -> dict[str, Any]:
        try:
            self._log_in()
            content = method(nsid, **kwargs).content
        except exceptions.AtProtocolError as error:
            raise self._connector_error(nsid, error) from error
        if not isinstance(content, dict):
            raise ConnectorError(f"bluesky {nsid}: the answer is not a JSON object", retryable=True)
        return content

    def _log_in(self) -> None:
        if not self._logged_in:
            password = self._account.secrets.get("app_password", "")
            self._client.login(self._account.handle, password, fetch_bsky_profile=False)
            self._logged_in = True

    def _observe(self, response: httpx.Response) -> None:
        self._budget.observe(self._account.budget_key, response.status_code, response.headers, RATE_STYLE)

    def _connector_error(self, nsid: str, error: Exception) -> ConnectorError:
        answer = getattr(error, "response", None)
        status = int(getattr(answer, "status_code", 0) or 0)
        if answer is None:
            self._budget.failed(self._account.budget_key)  # no answer at all: timeout, refused
        retryable = status == 0 or status in {408, 409, 429} or status >= 500
        headers = dict(getattr(answer, "headers", None) or {})
        return ConnectorError(
            f"bluesky {nsid}: {type(error).__name__} (HTTP {status or 'none'})",
            retryable=retryable,
            retry_after=_retry_after(headers) if retryable else None,
        )


def _retry_after(headers: dict[str, str]) -> float | None:
    """Retry-After, else the time until `ratelimit-reset` when the window is spent."""
    now = time.time()
    rate = read_rate_headers(RATE_STYLE, headers, now)
    if rate is None:
        return None
    if rate.retry_after is not None:
        return rate.retry_after
    return max(0.0, rate.reset_at - now) if rate.reset_at is not None and rate.remaining == 0 else None
