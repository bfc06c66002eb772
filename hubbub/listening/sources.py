"""Where a post was published, as configured sources see it: a site, a community or an account. Pure.

A source matches in one of three ways: a site by host (its subdomains included: "rants.example.com"
also matches "www.rants.example.com"), a community by name ("r/acmesucks"), or an account by
network and handle. When several sources of a brand match one post, the most specific wins: the
account, then the community, then the longest matching host.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from hubbub.listening.rules import RuleError

SITE = "site"
COMMUNITY = "community"
ACCOUNT = "account"
MAX_HOST_CHARS = 253
MAX_NAME_CHARS = 100


@dataclass(frozen=True, slots=True)
class SourceLabel:
    """What a configured source says about the posts published on it."""

    source_class: str
    rating: int


@dataclass(frozen=True, slots=True)
class SourceRule:
    """One enabled source of a brand: how it matches, what it matches, and its label."""

    brand_id: int
    match: str
    pattern: str
    network: str
    label: SourceLabel


def normalise_pattern(match: str, text: str) -> str:
    """The stored form of what a source matches; RuleError when it cannot match anything."""
    if match == SITE:
        return normalise_host(text)
    if match == COMMUNITY:
        return _normalise_name(text.strip().lstrip("/"), "community", extra="/")
    if match == ACCOUNT:
        return _normalise_name(text.strip().lstrip("@"), "handle", extra="")
    raise RuleError(f"Unknown kind of match: {match[:20]}")


def normalise_host(text: str) -> str:
    """A host from a host or URL: lower case, no scheme, port, path or leading "www."."""
    text = text.strip().lower()
    host = _host_of(text if "://" in text else f"//{text}")
    host = host.removeprefix("www.").rstrip(".")
    labels = host.split(".")
    if len(host) > MAX_HOST_CHARS or len(labels) < 2 or not all(_is_label(label) for label in labels):
        raise RuleError("Write a host such as rants.example.com (subdomains are included).")
    return host


def _is_label(label: str) -> bool:
    return 0 < len(label) <= 63 and all(char.isalnum() or char == "-" for char in label)


def _normalise_name(name: str, what: str, *, extra: str) -> str:
    name = name.lower()
    allowed = all(char.isalnum() or char in "_.-" or char in extra for char in name)
    if not name or len(name) > MAX_NAME_CHARS or not allowed:
        raise RuleError(f"Write a {what} of letters, digits, '_', '.' or '-' (at most {MAX_NAME_CHARS}).")
    return name


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # a malformed URL (e.g. an unclosed IPv6 bracket) has no usable host
        return ""


class SourceBook:
    """The enabled sources of every brand, looked up in a few dictionary probes per post."""

    def __init__(self, rules: Iterable[SourceRule]) -> None:
        self._sites: dict[tuple[int, str], SourceLabel] = {}
        self._communities: dict[tuple[int, str], SourceLabel] = {}
        self._accounts: dict[tuple[int, str, str], SourceLabel] = {}
        self._brands: set[int] = set()
        for rule in rules:
            self._add(rule)

    def _add(self, rule: SourceRule) -> None:
        self._brands.add(rule.brand_id)
        if rule.match == SITE:
            self._sites[(rule.brand_id, rule.pattern)] = rule.label
        elif rule.match == COMMUNITY:
            self._communities[(rule.brand_id, rule.pattern)] = rule.label
        else:
            self._accounts[(rule.brand_id, rule.network, rule.pattern)] = rule.label

    def has_sources(self, brand_id: int) -> bool:
        """Whether the brand has any enabled source (most posts' brands have none to look up)."""
        return brand_id in self._brands

    def label_of(
        self, brand_id: int, *, network: str, handle: str, source: str, url: str
    ) -> SourceLabel | None:
        """The label of the most specific source of the brand that matches, or None."""
        by_account = self._accounts.get((brand_id, network, handle.lower().lstrip("@")))
        if by_account is not None:
            return by_account
        community = source.strip().lstrip("/").lower()
        by_community = self._communities.get((brand_id, community))
        if by_community is not None:
            return by_community
        for host in _candidate_hosts(community, url):
            by_site = self._sites.get((brand_id, host))
            if by_site is not None:
                return by_site
        return None


def _candidate_hosts(source: str, url: str) -> Iterator[str]:
    """The hosts a post may have been published on, each followed by its parent domains, longest first."""
    hosts = [_host_of(url) if url else "", source if source and "/" not in source else ""]
    for host in dict.fromkeys(host.rstrip(".") for host in hosts if host):
        labels = host.split(".")
        for start in range(len(labels) - 1):
            yield ".".join(labels[start:])
