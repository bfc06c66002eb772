"""Each network's rate-limit headers, in the formats their documentation gives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubbub.channels.ratelimits import RateState, read_rate_headers

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC).timestamp()


def test_x_sends_calls_left_and_the_reset_as_epoch_seconds() -> None:
    # developer.x.com, "Rate limits": x-rate-limit-limit / -remaining / -reset (UTC epoch seconds).
    headers = {
        "x-rate-limit-limit": "900",
        "x-rate-limit-remaining": "899",
        "x-rate-limit-reset": "1793606700",
    }

    assert read_rate_headers("twitter", headers, NOW) == RateState(899, 1793606700.0, None)


def test_mastodon_sends_the_reset_as_an_iso_8601_time() -> None:
    # docs.joinmastodon.org, "Rate limits": X-RateLimit-Reset is a timestamp.
    headers = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "12",
        "X-RateLimit-Reset": "2026-11-02T08:05:00.000Z",
    }

    assert read_rate_headers("mastodon", headers, NOW) == RateState(12, NOW + 300, None)


def test_reddit_sends_a_float_and_seconds_until_the_reset() -> None:
    # github.com/reddit-archive/reddit/wiki/API: X-Ratelimit-Used, -Remaining (float), -Reset (seconds).
    headers = {"X-Ratelimit-Used": "4", "X-Ratelimit-Remaining": "596.0", "X-Ratelimit-Reset": "342"}

    assert read_rate_headers("reddit", headers, NOW) == RateState(596, NOW + 342, None)


def test_bluesky_sends_the_ietf_draft_headers_with_an_epoch_reset() -> None:
    # docs.bsky.app, "Rate limits": RateLimit-Limit / -Remaining / -Reset (epoch) / -Policy.
    headers = {
        "RateLimit-Limit": "3000",
        "RateLimit-Remaining": "2999",
        "RateLimit-Reset": "1793606700",
        "RateLimit-Policy": "3000;w=300",
    }

    assert read_rate_headers("bluesky", headers, NOW) == RateState(2999, 1793606700.0, None)


def test_meta_sends_percentages_used_and_the_minutes_to_regain_access() -> None:
    # developers.facebook.com, "Rate limiting": X-App-Usage and X-Business-Use-Case-Usage.
    headers = {
        "X-App-Usage": '{"call_count":28,"total_time":25,"total_cputime":25}',
        "X-Business-Use-Case-Usage": '{"112130216863063":[{"type":"pages","call_count":100,'
        '"total_cputime":25,"total_time":25,"estimated_time_to_regain_access":19}]}',
    }

    assert read_rate_headers("facebook", headers, NOW) == RateState(0, NOW + 19 * 60, None)
    assert read_rate_headers("facebook", {"X-App-Usage": '{"call_count":28}'}, NOW) == RateState(72)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("Mon, 02 Nov 2026 08:01:30 GMT", 90.0),
        ("Mon, 02 Nov 2026 08:01:30 -0000", 90.0),
        ("Mon, 02 Nov 2026 07:00:00 GMT", 0.0),
        ("-5", 0.0),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date_for_every_network(value: str, seconds: float) -> None:
    # RFC 9110, section 10.2.3: Retry-After is an HTTP-date or a number of seconds.
    assert read_rate_headers("mastodon", {"Retry-After": value}, NOW) == RateState(None, None, seconds)
    assert read_rate_headers("rss", {"retry-after": value}, NOW) == RateState(None, None, seconds)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-rate-limit-remaining": "many", "x-rate-limit-reset": "nan"},
        {"retry-after": "soon"},
        {"X-App-Usage": "{not json"},
    ],
)
def test_answers_without_usable_headers_say_nothing(headers: dict[str, str]) -> None:
    for style in ("twitter", "facebook"):
        assert read_rate_headers(style, headers, NOW) is None


def test_another_networks_headers_are_not_read_in_the_wrong_style() -> None:
    assert read_rate_headers("twitter", {"RateLimit-Remaining": "5"}, NOW) is None
