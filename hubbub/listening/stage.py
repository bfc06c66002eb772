"""Pipeline stages of listening: which brand a post concerns, and which tracked terms it contains."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from hubbub.core.models import BrandAccount
from hubbub.core.posts import Post, evolve
from hubbub.listening.matcher import Matcher
from hubbub.listening.models import TopicKind, TrackedTerm
from hubbub.pipeline.snapshots import Snapshot

# Handles may contain dots (Bluesky, Mastodon) but never end with one: "thanks @AcmeCare." mentions AcmeCare.
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]{0,63}[A-Za-z0-9_])")


@dataclass(frozen=True, slots=True)
class ListeningConfig:
    """Brand accounts by (network, lower-case handle), and one term matcher per brand."""

    accounts: dict[tuple[str, str], int]
    brand_terms: Matcher[int]
    topic_terms: dict[int, Matcher[int]]


def load_listening_config() -> ListeningConfig:
    """Read brand accounts and tracked terms from the database."""
    accounts = {
        (network, handle.lower()): brand_id
        for network, handle, brand_id in BrandAccount.objects.values_list("network", "handle", "brand_id")
    }
    rows = TrackedTerm.objects.values_list("term", "topic_id", "topic__brand_id", "topic__kind")
    per_brand: dict[int, list[tuple[str, int]]] = defaultdict(list)
    brand_terms: list[tuple[str, int]] = []
    for term, topic_id, brand_id, kind in rows:
        per_brand[brand_id].append((term, topic_id))
        if kind == TopicKind.BRAND:
            brand_terms.append((term, brand_id))
    return ListeningConfig(
        accounts=accounts,
        brand_terms=Matcher(brand_terms),
        topic_terms={brand_id: Matcher(terms) for brand_id, terms in per_brand.items()},
    )


class Listener:
    """Assigns each post to a brand and records the tracked terms and topics it mentions."""

    def __init__(self, config: Snapshot[ListeningConfig] | None = None) -> None:
        self.config = config or Snapshot(load_listening_config)

    def assign_brand(self, posts: list[Post]) -> list[Post]:
        """Pipeline stage: the brand of each post (None when it concerns no brand; it is not stored)."""
        config = self.config.get()
        assigned = []
        for post in posts:
            brand_id = post.brand_id or _brand_of(post, config)
            own_post = (post.network, post.author_handle.lower()) in config.accounts
            assigned.append(evolve(post, brand_id=brand_id, is_inbound=post.is_inbound and not own_post))
        return assigned

    def match_terms(self, posts: list[Post]) -> list[Post]:
        """Pipeline stage: the tracked terms found in each post, and the topics they belong to."""
        matchers = self.config.get().topic_terms
        matched = []
        for post in posts:
            matcher = matchers.get(post.brand_id or 0)
            found = matcher.find(post.text) if matcher else []
            if not found:
                matched.append(post)
                continue
            terms = tuple(dict.fromkeys(match.term for match in found))
            matched.append(evolve(post, matched_terms=terms, topic_ids=frozenset(m.key for m in found)))
        return matched


def _brand_of(post: Post, config: ListeningConfig) -> int | None:
    by_author = config.accounts.get((post.network, post.author_handle.lower()))
    if by_author is None:
        by_author = config.accounts.get((post.network, post.author_id.lower()))
    if by_author is not None:
        return by_author
    for handle in _MENTION.findall(post.text):
        brand_id = config.accounts.get((post.network, handle.lower()))
        if brand_id is not None:
            return brand_id
    brands = {match.key for match in config.brand_terms.find(post.text)}
    return brands.pop() if len(brands) == 1 else None
