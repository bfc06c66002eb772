"""Pipeline stages of listening: which brand a post concerns, what it mentions, where it was published.

Before analysis, `assign_brand` finds the brand and `match_terms` the topics (less those voided by
an exclusion found in the same post) and the configured source. After analysis, when each post's
language is known, `drop_unlistened_languages` applies the topics' languages:

- a topic that names languages keeps its match only in a post written in one of them, or in a post
  whose language could not be told (too short: "👍👍");
- a post that reached its brand only through brand topics, all of them dropped for language, is
  left without a brand and so is not stored. A post that came through one of the brand's accounts
  (the connector's account, a mention, the brand's own post) is always kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hubbub.core.posts import Post, evolve
from hubbub.listening.config import ListeningConfig, load_listening_config
from hubbub.listening.matcher import Match
from hubbub.pipeline.snapshots import Snapshot

# Handles may contain dots (Bluesky, Mastodon) but never end with one: "thanks @AcmeCare." mentions AcmeCare.
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]{0,63}[A-Za-z0-9_])")


class Listener:
    """Assigns each post to a brand and records the tracked terms, topics and source it comes with."""

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
        """Pipeline stage: the tracked terms and topics found in each post, and its configured source."""
        config = self.config.get()
        found = _topic_matches_of_batch(posts, config)
        return [
            _matched(post, config, matches) if post.brand_id is not None else post
            for post, matches in zip(posts, found, strict=True)
        ]

    def drop_unlistened_languages(self, posts: list[Post]) -> list[Post]:
        """Pipeline stage, after analysis: topic matches in languages their topic does not listen to."""
        config = self.config.get()
        if not config.topic_languages:
            return posts
        return [_heard(post, config) if post.topic_ids and post.language else post for post in posts]


def _matched(post: Post, config: ListeningConfig, found: Sequence[Match[int]]) -> Post:
    brand_id = post.brand_id or 0
    changes: dict[str, object] = {}
    if found:
        changes["matched_terms"] = tuple(dict.fromkeys(match.term for match in found))
        changes["topic_ids"] = frozenset(match.key for match in found)
    if config.sources.has_sources(brand_id):
        label = config.sources.label_of(
            brand_id, network=post.network, handle=post.author_handle, source=post.source, url=post.url
        )
        if label is not None:
            changes.update(source_class=label.source_class, source_rating=label.rating)
    return evolve(post, **changes) if changes else post


def _topic_matches_of_batch(posts: list[Post], config: ListeningConfig) -> list[Sequence[Match[int]]]:
    """`_topic_matches` of each post, each brand's matchers run once over all of that brand's posts."""
    found: list[Sequence[Match[int]]] = [()] * len(posts)
    by_brand: dict[int, list[int]] = {}
    for index, post in enumerate(posts):
        if post.brand_id is not None:
            by_brand.setdefault(post.brand_id, []).append(index)
    for brand_id, indices in by_brand.items():
        matcher = config.topic_terms.get(brand_id)
        if matcher is None:
            continue
        for index, matches in zip(
            indices, matcher.find_in_texts([posts[i].text for i in indices]), strict=True
        ):
            found[index] = matches
        exclusions = config.topic_exclusions.get(brand_id)
        matched = [index for index in indices if found[index]]
        if exclusions is None or not matched:
            continue
        voids = exclusions.find_in_texts([posts[i].text for i in matched])
        for index, voided in zip(matched, voids, strict=True):
            keys = {match.key for match in voided}
            found[index] = [match for match in found[index] if match.key not in keys]
    return found


def _topic_matches(post: Post, config: ListeningConfig, brand_id: int) -> list[Match[int]]:
    """The brand's term matches in the post, less those of topics an exclusion in the post voids."""
    matcher = config.topic_terms.get(brand_id)
    found = matcher.find(post.text) if matcher else []
    exclusions = config.topic_exclusions.get(brand_id)
    if not found or exclusions is None:
        return found
    voided = {match.key for match in exclusions.find(post.text)}
    return [match for match in found if match.key not in voided]


def _heard(post: Post, config: ListeningConfig) -> Post:
    deaf = {
        topic
        for topic in post.topic_ids
        if topic in config.topic_languages and post.language not in config.topic_languages[topic]
    }
    if not deaf:
        return post
    kept = post.topic_ids - deaf
    brand_topics = post.topic_ids & config.brand_topic_ids
    if brand_topics and brand_topics <= deaf and not _came_through_accounts(post, config):
        return evolve(
            post, brand_id=None, matched_terms=(), topic_ids=frozenset(), source_class="", source_rating=0
        )
    terms = [match.term for match in _topic_matches(post, config, post.brand_id or 0) if match.key in kept]
    return evolve(post, matched_terms=tuple(dict.fromkeys(terms)), topic_ids=kept)


def _came_through_accounts(post: Post, config: ListeningConfig) -> bool:
    """Whether the post reached its brand through one of the brand's accounts rather than its terms."""
    return (
        post.account_id is not None
        or not post.is_inbound
        or _brand_by_accounts(post, config) == post.brand_id
    )


def _brand_by_accounts(post: Post, config: ListeningConfig) -> int | None:
    """The brand whose account wrote the post, else the first brand account it mentions."""
    by_author = config.accounts.get((post.network, post.author_handle.lower()))
    if by_author is None:
        by_author = config.accounts.get((post.network, post.author_id.lower()))
    if by_author is not None:
        return by_author
    for handle in _MENTION.findall(post.text):
        brand_id = config.accounts.get((post.network, handle.lower()))
        if brand_id is not None:
            return brand_id
    return None


def _brand_of(post: Post, config: ListeningConfig) -> int | None:
    by_accounts = _brand_by_accounts(post, config)
    if by_accounts is not None:
        return by_accounts
    found = config.brand_terms.find(post.text)
    voided = {match.key for match in config.brand_exclusions.find(post.text)} if found else set()
    brands = {brand for brand, topic in (match.key for match in found) if topic not in voided}
    return brands.pop() if len(brands) == 1 else None
