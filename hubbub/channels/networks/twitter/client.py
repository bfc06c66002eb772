"""tweepy's API v2 client, pointed at a base URL, counted by the shared rate budget.

tweepy hard-codes `https://api.twitter.com` as the host. A requests transport adapter mounted on the
client's own session for that host sends the calls to the configured base URL instead (a proxy, or
the local test server) and puts a timeout on every call (tweepy sets none). A response hook reports
every answer, errors included, to the rate budget with X's `x-rate-limit-*` headers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig, ConnectorError
from hubbub.channels.ratelimits import read_rate_headers

API_HOST = "https://api.twitter.com"
RATE_STYLE = "twitter"
TIMEOUT_SECONDS = 20.0


class BaseUrlAdapter(HTTPAdapter):
    """Sends requests made for API_HOST to `base_url`, each with a timeout."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(  # noqa: PLR0917  # the positional signature of HTTPAdapter.send, overridden
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        """Rewrite the host, then send as requests would."""
        if request.url and request.url.startswith(API_HOST):
            request.url = self.base_url + request.url[len(API_HOST) :]
        return super().send(request, stream, timeout or TIMEOUT_SECONDS, verify, cert, proxies)


def build_client(account: AccountConfig, budget: RateBudget) -> tweepy.Client:
    """A tweepy Client for `account`: its credentials, base URL and rate budget."""
    secrets = account.secrets
    client = tweepy.Client(
        bearer_token=secrets.get("bearer_token"),
        consumer_key=secrets.get("consumer_key"),
        consumer_secret=secrets.get("consumer_secret"),
        access_token=secrets.get("access_token"),
        access_token_secret=secrets.get("access_token_secret"),
        return_type=dict,
    )
    session: requests.Session = client.session
    session.mount(API_HOST, BaseUrlAdapter(str(account.settings.get("api_base_url") or API_HOST)))

    def observe(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        budget.observe(account.budget_key, response.status_code, response.headers, RATE_STYLE)

    session.hooks["response"].append(observe)
    return client


def call_x(account: AccountConfig, budget: RateBudget, request: Callable[[], Any]) -> dict[str, Any]:
    """Run one tweepy call; its failures become ConnectorError (retryable or permanent)."""
    try:
        answer = request()
    except tweepy.TooManyRequests as error:
        raise ConnectorError(
            "X rate limit reached", retryable=True, retry_after=_retry_after(error.response)
        ) from error
    except tweepy.TwitterServerError as error:
        raise ConnectorError(f"X server error {error.response.status_code}", retryable=True) from error
    except tweepy.HTTPException as error:
        raise ConnectorError(f"X refused the call: {error.response.status_code}", retryable=False) from error
    except requests.RequestException as error:
        budget.failed(account.budget_key)
        raise ConnectorError(f"X unreachable: {type(error).__name__}", retryable=True) from error
    if not isinstance(answer, dict):
        raise ConnectorError("X answered something other than a JSON object", retryable=True)
    return answer


def _retry_after(response: requests.Response) -> float | None:
    now = time.time()
    rate = read_rate_headers(RATE_STYLE, response.headers, now)
    if rate is None:
        return None
    if rate.retry_after is not None:
        return rate.retry_after
    return max(0.0, rate.reset_at - now) if rate.reset_at is not None else None
