"""Configured sources: what they match, in normal form, and which one labels a post. Pure."""

from __future__ import annotations

import pytest

from hubbub.listening.rules import RuleError
from hubbub.listening.sources import (
    ACCOUNT,
    COMMUNITY,
    SITE,
    SourceBook,
    SourceLabel,
    SourceRule,
    normalise_pattern,
)

RANT = SourceLabel("rant", 4)
FAN = SourceLabel("fan", 2)
PRESS = SourceLabel("industry", 5)
BOOK = SourceBook(
    [
        SourceRule(1, SITE, "rants.example.com", "", RANT),
        SourceRule(1, SITE, "news.rants.example.com", "", PRESS),
        SourceRule(1, COMMUNITY, "r/acmesucks", "", RANT),
        SourceRule(1, ACCOUNT, "acmefans", "twitter", FAN),
        SourceRule(2, SITE, "bankrants.example.net", "", RANT),
    ]
)


def label(
    brand_id: int = 1, *, network: str = "rss", handle: str = "", source: str = "", url: str = ""
) -> object:
    return BOOK.label_of(brand_id, network=network, handle=handle, source=source, url=url)


@pytest.mark.parametrize(
    ("match", "text", "stored"),
    [
        (SITE, "Rants.Example.com", "rants.example.com"),
        (SITE, "https://www.rants.example.com:8443/t/1?x=2", "rants.example.com"),
        (SITE, "rants.example.com.", "rants.example.com"),
        (COMMUNITY, "/r/AcmeSucks", "r/acmesucks"),
        (ACCOUNT, "@AcmeFans", "acmefans"),
        (ACCOUNT, "fans.bsky.social", "fans.bsky.social"),
    ],
)
def test_what_a_source_matches_is_stored_in_normal_form(match: str, text: str, stored: str) -> None:
    assert normalise_pattern(match, text) == stored


@pytest.mark.parametrize(
    ("match", "text"),
    [
        (SITE, "localhost"),
        (SITE, "rants example.com"),
        (SITE, "rants..example.com"),
        (SITE, "http://[::1"),
        (SITE, ""),
        (COMMUNITY, "r/acme sucks"),
        (ACCOUNT, "@"),
        (ACCOUNT, "a" * 101),
        ("regex", ".*"),
    ],
)
def test_a_pattern_that_cannot_match_a_post_is_refused(match: str, text: str) -> None:
    with pytest.raises(RuleError):
        normalise_pattern(match, text)


@pytest.mark.parametrize(
    "url",
    [
        "https://rants.example.com/t/1",
        "https://www.rants.example.com/t/1",
        "http://deep.forum.rants.example.com/",
        "HTTPS://RANTS.EXAMPLE.COM/x",
    ],
)
def test_a_site_matches_its_host_and_every_subdomain(url: str) -> None:
    assert label(url=url) == RANT


@pytest.mark.parametrize(
    "url",
    ["https://notrants.example.com/", "https://rants.example.com.evil.test/", "https://example.com/", ""],
)
def test_a_site_does_not_match_a_host_that_merely_ends_with_its_name(url: str) -> None:
    assert label(url=url) is None


def test_the_source_field_is_matched_as_a_host_too() -> None:
    assert label(source="www.rants.example.com") == RANT


def test_the_longest_matching_host_wins() -> None:
    assert label(url="https://a.news.rants.example.com/") == PRESS


def test_a_community_matches_by_name_ignoring_case_and_a_leading_slash() -> None:
    assert label(network="reddit", source="/r/AcmeSucks", url="https://www.reddit.com/r/acmesucks/1") == RANT


def test_an_account_matches_only_on_its_network_and_comes_before_the_site() -> None:
    assert label(network="twitter", handle="@AcmeFans", url="https://rants.example.com/") == FAN
    assert label(network="mastodon", handle="acmefans") is None


def test_sources_of_another_brand_never_label_a_post() -> None:
    assert label(2, url="https://rants.example.com/") is None
    assert label(1, url="https://bankrants.example.net/") is None
    assert (BOOK.has_sources(1), BOOK.has_sources(2), BOOK.has_sources(3)) == (True, True, False)


def test_a_malformed_url_labels_nothing() -> None:
    assert label(url="http://[::1/oops") is None
