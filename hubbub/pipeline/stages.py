"""The stage protocol and the two generic stages every pipeline starts with."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS, Post, evolve

Stage = Callable[[list[Post]], list[Post]]
T = TypeVar("T")

# C0/C1 controls except tab and newline, and the bidirectional overrides used to disguise text.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The followers column is a 32-bit integer on PostgreSQL; one absurd count must not fail a whole batch.
MAX_FOLLOWERS = 2**31 - 1


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to `size` consecutive items."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def clean_text(text: str, limit: int) -> str:
    """NFC-normalised text without control characters, cut to `limit` characters."""
    return _UNSAFE_CHARS.sub("", unicodedata.normalize("NFC", text))[:limit]


def _safe_url(url: str) -> str:
    """The post's link if it is an http(s) URL that fits; anything else (javascript:, data:) is dropped."""
    url = clean_text(url, MAX_URL_CHARS + 1).strip()
    if len(url) > MAX_URL_CHARS or not url.lower().startswith(("https://", "http://")):
        return ""
    return url


def normalise(posts: list[Post]) -> list[Post]:
    """Bound and clean every field that came from outside."""
    return [
        evolve(
            post,
            text=clean_text(post.text, MAX_TEXT_CHARS),
            external_id=clean_text(post.external_id, MAX_ID_CHARS),
            author_id=clean_text(post.author_id, MAX_ID_CHARS),
            author_handle=clean_text(post.author_handle, MAX_NAME_CHARS).lstrip("@"),
            author_name=clean_text(post.author_name, MAX_NAME_CHARS),
            author_followers=min(max(0, post.author_followers), MAX_FOLLOWERS),
            in_reply_to_id=clean_text(post.in_reply_to_id, MAX_ID_CHARS),
            thread_id=clean_text(post.thread_id, MAX_ID_CHARS),
            url=_safe_url(post.url),
            source=clean_text(post.source, MAX_NAME_CHARS).lower(),
        )
        for post in posts
    ]


def drop_repeats_within(posts: list[Post]) -> list[Post]:
    """Keep the first of posts sharing a network and external id."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for post in posts:
        if post.key not in seen:
            seen.add(post.key)
            unique.append(post)
    return unique
