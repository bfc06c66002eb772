"""praw pointed at a base URL, every answer reported to the shared rate budget, failures at once.

praw's `oauth_url` (the API) and `reddit_url` (the token endpoint, `/api/v1/access_token`) are its
own settings, so tests point both at the local server. praw's documented extension point, a
`requestor_class` (praw.Reddit's docstring), hands every answer to `BudgetedRequestor` first: it
reports the answer to the budget and turns a 401, 408, 429 or 5xx answer, a timeout or a refused
connection into a ConnectorError on the spot. prawcore would otherwise retry them twice after
sleeping up to 4 seconds (prawcore/sessions.py, `FiniteRetryStrategy`), and after a 429 sleep until
the window resets before its next call: waiting is the poller's job, the budget knows every window.

hubbub reads the JSON that `Reddit.request` returns rather than praw's models: those are lazy and
fetch whatever attribute is missing on first access, a network call hidden inside the mapping.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import praw
import prawcore
import requests
from praw.exceptions import PRAWException, RedditAPIException

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig, ConnectorError
from hubbub.channels.ratelimits import read_rate_headers

RATE_STYLE = "reddit"
TIMEOUT_SECONDS = 16.0
USER_AGENT = "server:hubbub:1.0 (social contact center; by /u/{username})"
# Statuses prawcore would retry after a sleep, 401 included (it refreshes the token and retries).
_ANSWER_AT_ONCE = frozenset({401, 408, 429})
# The wait in a RATELIMIT error, as praw reads it (praw/reddit.py, `_ratelimit_regex`).
_RATELIMIT_WAIT = re.compile(r"([0-9]{1,3}) (milliseconds?|seconds?|minutes?)")
Result = TypeVar("Result")


class BudgetedRequestor(prawcore.Requestor):
    """prawcore's requestor that reports every answer to the budget and never lets prawcore wait."""

    def __init__(self, *, budget: RateBudget, budget_key: str, **requestor_kwargs: Any) -> None:
        super().__init__(**requestor_kwargs)
        self._budget = budget
        self._budget_key = budget_key

    def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> requests.Response:
        """Send as prawcore would; a failure that prawcore retries becomes a ConnectorError now."""
        try:
            response = super().request(*args, timeout=timeout, **kwargs)
        except prawcore.RequestException as error:
            self._budget.failed(self._budget_key)
            name = type(error.original_exception).__name__
            raise ConnectorError(f"reddit unreachable: {name}", retryable=True) from error
        status = response.status_code
        self._budget.observe(self._budget_key, status, response.headers, RATE_STYLE)
        if status in _ANSWER_AT_ONCE or status >= 500:
            retryable = status != 401
            retry_after = _retry_after(response.headers, limited=status == 429) if retryable else None
            raise ConnectorError(
                f"reddit answered HTTP {status}", retryable=retryable, retry_after=retry_after
            )
        return response


def _retry_after(headers: Mapping[str, str], *, limited: bool) -> float | None:
    """Retry-After, else, when the window is spent, the seconds until it resets (`X-Ratelimit-Reset`)."""
    now = time.time()
    rate = read_rate_headers(RATE_STYLE, headers, now)
    if rate is None:
        return None
    if rate.retry_after is not None:
        return rate.retry_after
    spent = limited or rate.remaining == 0
    return max(0.0, rate.reset_at - now) if spent and rate.reset_at is not None else None


def build_reddit(account: AccountConfig, budget: RateBudget, base_url: str, auth_url: str) -> praw.Reddit:
    """A praw.Reddit for `account`: its credentials, the API and token URLs, the rate budget."""
    secrets = account.secrets
    username = secrets.get("username") or None
    password = secrets.get("password") or None
    script = bool(username and password)
    # Every credential is passed, None included: praw would otherwise read a missing one from
    # praw.ini or a praw_* environment variable (praw/config.py).
    return praw.Reddit(
        client_id=secrets.get("client_id", ""),
        client_secret=secrets.get("client_secret") or None,
        refresh_token=None if script else secrets.get("refresh_token") or None,
        username=username if script else None,
        password=password if script else None,
        user_agent=USER_AGENT.format(username=account.external_id or account.handle),
        oauth_url=base_url + "/",  # prawcore joins relative paths onto it (urljoin)
        reddit_url=auth_url,  # prawcore appends "/api/v1/access_token" to it
        check_for_updates=False,
        check_for_async=False,
        requestor_class=BudgetedRequestor,
        requestor_kwargs={"budget": budget, "budget_key": account.budget_key, "timeout": TIMEOUT_SECONDS},
    )


class RedditClient:
    """One account's praw.Reddit; `get` and `post` return Reddit's JSON or raise ConnectorError."""

    def __init__(self, account: AccountConfig, budget: RateBudget, base_url: str, auth_url: str) -> None:
        self._budget = budget
        self._key = account.budget_key
        self.reddit = build_reddit(account, budget, base_url, auth_url)

    def get(self, path: str, params: Mapping[str, str]) -> Any:
        """GET an API path (relative, e.g. "r/acme/new") with query `params`."""
        return self._call(lambda: self.reddit.request(method="GET", path=path, params=dict(params)))

    def post(self, path: str, data: Mapping[str, str]) -> Any:
        """POST a form to an API path; prawcore adds `api_type=json`, so errors come back as JSON."""
        return self._call(lambda: self.reddit.request(method="POST", path=path, data=dict(data)))

    def _call(self, request: Callable[[], Result]) -> Result:
        wait = self._budget.wait_seconds(self._key)
        if wait > 0:  # a call now would make praw sleep until the window resets
            raise ConnectorError("reddit: the rate window is spent", retryable=True, retry_after=wait)
        try:
            return request()
        except RedditAPIException as error:
            raise api_error([(item.error_type, item.message or "") for item in error.items]) from error
        except prawcore.PrawcoreException as error:
            raise _connector_error(error) from error
        except PRAWException as error:
            raise ConnectorError(f"reddit: {type(error).__name__}", retryable=False) from error


def _connector_error(error: prawcore.PrawcoreException) -> ConnectorError:
    """prawcore's failures that BudgetedRequestor lets through: refusals, redirects, bad JSON."""
    if isinstance(error, prawcore.OAuthException):  # the token endpoint said no: wrong password, revoked
        return ConnectorError(f"reddit refused the credentials: {error.error[:50]}", retryable=False)
    if isinstance(error, prawcore.BadJSON):
        return ConnectorError("reddit answered something other than JSON", retryable=True)
    if isinstance(error, prawcore.Redirect):  # Reddit redirects a subreddit that does not exist to search
        return ConnectorError("reddit redirected the call: no such subreddit?", retryable=False)
    if isinstance(error, prawcore.ResponseException):
        return ConnectorError(f"reddit refused the call: HTTP {error.response.status_code}", retryable=False)
    return ConnectorError(f"reddit: {type(error).__name__}", retryable=False)


def api_error(errors: list[tuple[str, str]]) -> ConnectorError:
    """Reddit's API errors, (code, message) pairs, as one ConnectorError: RATELIMIT is retryable
    after the wait its message names; anything else (THREAD_LOCKED, TOO_OLD, ...) is permanent."""
    for code, message in errors:
        if code == "RATELIMIT":
            return ConnectorError("reddit: RATELIMIT", retryable=True, retry_after=ratelimit_seconds(message))
    codes = ", ".join(code[:40] for code, _message in errors[:5])
    return ConnectorError(f"reddit refused: {codes}", retryable=False)


def ratelimit_seconds(message: str) -> float | None:
    """The wait a RATELIMIT message names ("Take a break for 5 minutes before trying again.")."""
    found = _RATELIMIT_WAIT.search(message)
    if found is None:
        return None
    amount, unit = int(found.group(1)), found.group(2)
    if unit.startswith("minute"):
        return amount * 60.0
    return amount / 1000 if unit.startswith("millisecond") else float(amount)
