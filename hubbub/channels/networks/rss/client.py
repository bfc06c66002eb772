"""Conditional GETs of feeds with httpx (no client library needed: a feed is one HTTP resource).

The validators a server gave (`ETag`, `Last-Modified`) go back as `If-None-Match` and
`If-Modified-Since` (RFC 9110 section 13.1); a 304 answer means nothing changed since.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.ratelimits import read_rate_headers

MAX_FEED_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 20.0
USER_AGENT = "hubbub-feed-reader/1.0"
ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 405, 410})
# Feeds send no rate headers of their own; this style reads only the standard Retry-After.
RATE_STYLE = "rss"


@dataclass(frozen=True, slots=True)
class FeedAnswer:
    """A fetched feed: its bytes (empty when unchanged) and the validators for the next fetch."""

    unchanged: bool
    content: bytes = b""
    etag: str = ""
    last_modified: str = ""


def _conditional_headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _status_error(url: str, response: httpx.Response) -> ConnectorError:
    rate = read_rate_headers(RATE_STYLE, response.headers, time.time())
    return ConnectorError(
        f"feed {url} answered {response.status_code}",
        retryable=response.status_code not in PERMANENT_STATUSES,
        retry_after=rate.retry_after if rate else None,
    )


def _read_bounded(response: httpx.Response, url: str) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_FEED_BYTES:
            raise ConnectorError(f"feed {url} is larger than {MAX_FEED_BYTES} bytes", retryable=False)
        chunks.append(chunk)
    return b"".join(chunks)


class FeedClient:
    """Fetches feeds over one httpx client, reporting every answer to the account's rate budget."""

    def __init__(self, http: httpx.Client, budget: RateBudget, budget_key: str) -> None:
        self._http = http
        self._budget = budget
        self._budget_key = budget_key

    def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FeedAnswer:
        """The feed at `url` unless it is unchanged since the given validators."""
        try:
            with self._http.stream("GET", url, headers=_conditional_headers(etag, last_modified)) as response:
                self._budget.observe(self._budget_key, response.status_code, response.headers, RATE_STYLE)
                return _feed_answer(url, response, etag, last_modified)
        except httpx.TransportError as error:
            self._budget.failed(self._budget_key)
            raise ConnectorError(f"feed {url}: {type(error).__name__}", retryable=True) from error


def _feed_answer(url: str, response: httpx.Response, etag: str, last_modified: str) -> FeedAnswer:
    if response.status_code == 304:
        # A 304 may carry fresher validators (RFC 9110 section 15.4.5); else ours still hold.
        return FeedAnswer(
            True,
            etag=response.headers.get("etag", etag),
            last_modified=response.headers.get("last-modified", last_modified),
        )
    if response.status_code != 200:
        raise _status_error(url, response)
    content = _read_bounded(response, url)
    return FeedAnswer(
        False, content, response.headers.get("etag", ""), response.headers.get("last-modified", "")
    )


def http_client() -> httpx.Client:
    """The httpx client feeds are read with: bounded time and redirects."""
    return httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True, max_redirects=5)
