"""Each network's documented rate-limit headers, read into one shape.

- X API v2: `x-rate-limit-remaining`, `x-rate-limit-reset` (epoch seconds).
- Mastodon: `X-RateLimit-Remaining`, `X-RateLimit-Reset` (ISO 8601 time).
- Reddit: `X-Ratelimit-Remaining` (a float), `X-Ratelimit-Reset` (seconds from now).
- Bluesky (AT Protocol PDS): `ratelimit-remaining`, `ratelimit-reset` (epoch seconds).
- Meta Graph API: `X-App-Usage` / `X-Business-Use-Case-Usage` (JSON, percent of the quota used;
  at 100 the app is throttled, for `estimated_time_to_regain_access` minutes).
- Everyone: `Retry-After` (seconds or an HTTP date) on 429 and 503.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class RateState:
    """What one answer said about the window: calls left, when it resets, how long to wait."""

    remaining: int | None = None
    reset_at: float | None = None  # epoch seconds
    retry_after: float | None = None  # seconds


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _iso(value: str | None) -> float | None:
    try:
        return datetime.fromisoformat(value).timestamp() if value else None
    except ValueError:
        return None


def _retry_after(headers: Mapping[str, str], now: float) -> float | None:
    value = headers.get("retry-after")
    seconds = _number(value)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    # RFC 5322 reads "-0000" as "zone unknown" and Python returns a naive time; HTTP dates are UTC.
    return max(0.0, (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() - now)


def _meta_usage(headers: Mapping[str, str]) -> tuple[int | None, float | None]:
    """Calls left as 100 minus the highest usage percent; wait minutes when throttled."""
    highest, regain = None, None
    for name in ("x-app-usage", "x-business-use-case-usage"):
        try:
            usage = json.loads(headers.get(name, "") or "null")
        except ValueError:
            continue
        entries = [usage] if isinstance(usage, dict) and "call_count" in usage else []
        if isinstance(usage, dict) and not entries:
            entries = [entry for group in usage.values() if isinstance(group, list) for entry in group]
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            used = [_number(str(entry.get(key))) for key in ("call_count", "total_cputime", "total_time")]
            percent = max((value for value in used if value is not None), default=None)
            if percent is not None:
                highest = percent if highest is None else max(highest, percent)
            minutes = _number(str(entry.get("estimated_time_to_regain_access")))
            if minutes:
                regain = max(regain or 0.0, minutes * 60)
    return (None if highest is None else max(0, int(100 - highest))), regain


def read_rate_headers(style: str, raw_headers: Mapping[str, str], now: float) -> RateState | None:
    """The rate state in `raw_headers` for a network `style` (twitter, mastodon, reddit, bluesky,
    facebook, or anything else for Retry-After only); None when the answer says nothing."""
    headers = {name.lower(): value for name, value in raw_headers.items()}
    remaining: float | None = None
    reset_at: float | None = None
    retry_after = _retry_after(headers, now)
    if style == "twitter":
        remaining = _number(headers.get("x-rate-limit-remaining"))
        reset_at = _number(headers.get("x-rate-limit-reset"))
    elif style == "mastodon":
        remaining = _number(headers.get("x-ratelimit-remaining"))
        reset_at = _iso(headers.get("x-ratelimit-reset"))
    elif style == "reddit":
        remaining = _number(headers.get("x-ratelimit-remaining"))
        seconds = _number(headers.get("x-ratelimit-reset"))
        reset_at = None if seconds is None else now + seconds
    elif style == "bluesky":
        remaining = _number(headers.get("ratelimit-remaining"))
        reset_at = _number(headers.get("ratelimit-reset"))
    elif style == "facebook":
        left, regain = _meta_usage(headers)
        remaining = left
        if regain is not None:
            reset_at = now + regain
    if remaining is None and reset_at is None and retry_after is None:
        return None
    return RateState(None if remaining is None else int(remaining), reset_at, retry_after)
