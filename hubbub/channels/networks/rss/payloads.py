"""Feed entries as feedparser reads them (RSS 2.0, Atom 1.0), checked one by one at the door.

Comment feeds are recognised by the account setting (`"comments": true` on the feed) or, entry by
entry, by the Atom threading extension (RFC 4685 `thr:in-reply-to`). WordPress comment feeds link
each comment as `<article>#comment-<n>`, so the article is the link without its fragment.
"""

from __future__ import annotations

import calendar
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urldefrag, urlsplit

import feedparser
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, field_validator, model_validator

from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS, MAX_URL_CHARS

MAX_TITLE_CHARS = 1_000
MAX_HTML_CHARS = 200_000
MAX_ENTRIES = 500  # per feed and fetch; real feeds carry 10 to 50


def _cut(limit: int) -> BeforeValidator:
    return BeforeValidator(lambda value: value[:limit] if isinstance(value, str) else value)


def bounded_id(value: str) -> str:
    """`value` if it fits an external id, else its SHA-256 (guids can be very long URLs)."""
    if len(value) <= MAX_ID_CHARS:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


class FeedSetting(BaseModel):
    """One feed of an account: its URL and whether its entries are comments."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    url: Annotated[str, _cut(MAX_URL_CHARS)]
    comments: bool = False

    @model_validator(mode="before")
    @classmethod
    def _url_alone(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ValueError("a feed URL must be http or https")
        return url


class Author(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    name: Annotated[str, _cut(MAX_NAME_CHARS)] = ""
    href: Annotated[str, _cut(MAX_URL_CHARS)] = ""
    email: Annotated[str, _cut(MAX_NAME_CHARS)] = ""


class InReplyTo(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    ref: Annotated[str, _cut(MAX_URL_CHARS)] = ""
    href: Annotated[str, _cut(MAX_URL_CHARS)] = ""


class FeedEntry(BaseModel):
    """One entry: an article, a forum post or a comment."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: Annotated[str, _cut(MAX_URL_CHARS)] = ""
    link: Annotated[str, _cut(MAX_URL_CHARS)] = ""
    title: Annotated[str, _cut(MAX_TITLE_CHARS)] = ""
    author: Author = Author()
    published: datetime | None = None
    html: Annotated[str, _cut(MAX_HTML_CHARS)] = ""
    in_reply_to: InReplyTo | None = None
    comments_feed: Annotated[str, _cut(MAX_URL_CHARS)] = ""

    @property
    def external_id(self) -> str:
        """The entry's id (guid), or its link when it has none; bounded."""
        return bounded_id(self.id or self.link)

    @property
    def article_link(self) -> str:
        """The article a comment belongs to: the threading href, else the link without its fragment."""
        if self.in_reply_to and self.in_reply_to.href:
            return urldefrag(self.in_reply_to.href).url
        return urldefrag(self.link).url


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """The entries of one fetched feed, and why the others were rejected."""

    title: str
    entries: list[FeedEntry]
    rejected: list[str]
    broken: str = ""  # why the document is not well-formed; its readable entries are still here


def _timestamp(raw: Mapping[str, Any]) -> datetime | None:
    for name in ("published_parsed", "updated_parsed"):
        parsed = raw.get(name)
        if isinstance(parsed, time.struct_time):
            # feedparser normalises every date to UTC as a struct_time.
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return None


def _html(raw: Mapping[str, Any]) -> str:
    content = raw.get("content")
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        return str(content[0].get("value", ""))
    return str(raw.get("summary", ""))


def _entry_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": raw.get("id", ""),
        "link": raw.get("link", ""),
        "title": raw.get("title", ""),
        "author": raw.get("author_detail") or {"name": raw.get("author", "")},
        "published": _timestamp(raw),
        "html": _html(raw),
        "in_reply_to": raw.get("thr_in-reply-to"),
        "comments_feed": raw.get("wfw_commentrss", ""),
    }


def parse_entry(raw: Mapping[str, Any]) -> FeedEntry:
    """One feedparser entry as a FeedEntry; ValueError when it has neither id nor link."""
    entry = FeedEntry.model_validate(_entry_fields(raw))
    if not entry.external_id:
        raise ValueError("an entry has neither an id nor a link")
    return entry


def _broken(document: Any) -> str:
    """Why feedparser found the document ill-formed; "" when it is well-formed XML."""
    if not document.bozo:
        return ""
    error = document.get("bozo_exception")
    # A declared charset that was wrong, or a text/plain content type, still gives a sound document.
    if isinstance(error, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType):
        return ""
    return f"{type(error).__name__}: {str(error)[:200]}"


def parse_feed(content: bytes) -> ParsedFeed:
    """The entries of a feed document; a broken document with nothing readable raises ValueError."""
    document = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    broken = _broken(document)
    if broken and not document.entries:
        raise ValueError(f"unreadable feed: {broken}")
    entries, rejected = [], []
    for index, raw in enumerate(document.entries[:MAX_ENTRIES]):
        try:
            entries.append(parse_entry(raw))
        except (ValidationError, ValueError) as error:
            rejected.append(f"entry {index}: {str(error)[:200]}")
    return ParsedFeed(str(document.feed.get("title", ""))[:MAX_TITLE_CHARS], entries, rejected, broken)
