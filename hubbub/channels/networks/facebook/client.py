"""The Graph API over httpx (Meta keeps no Python client): a pinned version, a configurable base URL.

Every answer goes to the rate budget with Meta's `X-App-Usage` / `X-Business-Use-Case-Usage`
headers (style "facebook"). Errors come as `{"error": {"code", "is_transient", ...}}`; Meta's
"Graph API error codes" page names the throttling codes (4, 17, 32, 613, 80001-80014) and the
temporary ones (1, 2), which we retry; token and permission errors (190, 10, 200-299) are permanent.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig, ConnectorError
from hubbub.channels.ratelimits import read_rate_headers

GRAPH_BASE_URL = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
RATE_STYLE = "facebook"
TIMEOUT_SECONDS = 20.0
RETRYABLE_CODES = frozenset({1, 2, 4, 17, 32, 341, 613, *range(80001, 80015)})


class GraphClient:
    """Calls to the Graph API as one Page, with its page access token."""

    def __init__(
        self, account: AccountConfig, budget: RateBudget, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.account = account
        self.budget = budget
        base = str(account.settings.get("graph_base_url") or GRAPH_BASE_URL).rstrip("/")
        version = str(account.settings.get("graph_version") or GRAPH_VERSION)
        self._http = httpx.Client(base_url=f"{base}/{version}", timeout=TIMEOUT_SECONDS, transport=transport)

    def get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        """GET a Graph path; the JSON object it answers."""
        return self._call("GET", path, params=params)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a JSON body to a Graph path; the JSON object it answers."""
        return self._call("POST", path, body=body)

    def _call(
        self, method: str, path: str, params: dict[str, str] | None = None, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        # The documented way to authenticate a Graph call is the `access_token` parameter.
        query = {**(params or {}), "access_token": self.account.secrets.get("page_access_token", "")}
        try:
            response = self._http.request(method, path, params=query, json=body)
        except httpx.TransportError as error:
            self.budget.failed(self.account.budget_key)
            raise ConnectorError(f"Facebook unreachable: {type(error).__name__}", retryable=True) from error
        self.budget.observe(self.account.budget_key, response.status_code, response.headers, RATE_STYLE)
        answer = _json_object(response)
        if response.is_success and "error" not in answer:
            return answer
        raise _error(response, answer)


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _error(response: httpx.Response, answer: dict[str, Any]) -> ConnectorError:
    found = answer.get("error")
    error: dict[str, Any] = found if isinstance(found, dict) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    throttled = code in RETRYABLE_CODES or error.get("is_transient") is True
    retryable = throttled or response.status_code == 429 or response.status_code >= 500
    return ConnectorError(
        f"Facebook refused the call: HTTP {response.status_code}, error code {code}",
        retryable=retryable,
        retry_after=_retry_after(response) if retryable else None,
    )


def _retry_after(response: httpx.Response) -> float | None:
    now = time.time()
    rate = read_rate_headers(RATE_STYLE, response.headers, now)
    if rate is None:
        return None
    if rate.retry_after is not None:
        return rate.retry_after
    return max(0.0, rate.reset_at - now) if rate.reset_at is not None else None
