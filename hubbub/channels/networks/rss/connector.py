"""Blogs and forums: each configured feed polled with conditional GETs, each entry a post or a comment.

Settings: `{"feeds": [{"url": "https://blog.example.com/feed/"},
{"url": "https://blog.example.com/comments/feed/", "comments": true}]}`. Feeds are read-only:
hubbub answers on a blog by hand, so the rules allow no outbound kind.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from hubbub.channels.budget import RateBudget
from hubbub.channels.html_text import html_to_text
from hubbub.channels.networks.base import (
    AccountConfig,
    ConnectorError,
    Fetched,
    NetworkSpec,
    OutboundMessage,
    ReplyRules,
    Sent,
)
from hubbub.channels.networks.rss.client import FeedClient, http_client
from hubbub.channels.networks.rss.payloads import FeedEntry, FeedSetting, bounded_id, parse_feed
from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import MAX_TEXT_CHARS, Post

logger = logging.getLogger(__name__)

_FEEDS = TypeAdapter(list[FeedSetting])


def read_feed_settings(settings: Mapping[str, object]) -> list[FeedSetting]:
    """The account's feeds; a URL alone is an article feed. Raises a permanent error when invalid."""
    try:
        feeds = _FEEDS.validate_python(settings.get("feeds", []))
    except ValidationError as error:
        raise ConnectorError(
            f"invalid feed settings: {error.error_count()} error(s)", retryable=False
        ) from error
    return [FeedSetting(url=feed) if isinstance(feed, str) else feed for feed in feeds]


def cursor_names(url: str) -> tuple[str, str]:
    """The cursor names of one feed's validators (ETag, Last-Modified), short enough to store."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return f"etag:{digest}", f"modified:{digest}"


def entry_text(entry: FeedEntry, *, is_comment: bool) -> str:
    """The entry as plain text: an article's title and body; a comment's body alone."""
    body = html_to_text(entry.html, MAX_TEXT_CHARS)
    if is_comment or not entry.title:
        return body or entry.title
    return f"{entry.title}\n\n{body}".strip()[:MAX_TEXT_CHARS]


def entry_post(entry: FeedEntry, feed: FeedSetting, account: AccountConfig, fetched_at: datetime) -> Post:
    """One feed entry as a Post: a comment belongs to its article's thread, an article to its own."""
    is_comment = feed.comments or entry.in_reply_to is not None
    source = urlsplit(entry.link or feed.url).hostname or ""
    return Post(
        network=Network.RSS,
        external_id=entry.external_id,
        author_id=entry.author.href or entry.author.email or entry.author.name or source,
        author_name=entry.author.name,
        text=entry_text(entry, is_comment=is_comment),
        created_at=entry.published or fetched_at,
        kind=PostKind.COMMENT if is_comment else PostKind.POST,
        in_reply_to_id=bounded_id(entry.in_reply_to.ref) if is_comment and entry.in_reply_to else "",
        thread_id=bounded_id(entry.article_link if is_comment else entry.link or entry.external_id),
        account_id=account.account_id,
        brand_id=account.brand_id,
        url=entry.link,
        source=source,
    )


class RssConnector:
    """Polls the feeds of one account; sends nothing."""

    def __init__(self, account: AccountConfig, client: FeedClient) -> None:
        self._account = account
        self._client = client
        self._feeds = read_feed_settings(account.settings)

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """The entries of every feed changed since its stored validators, oldest first.

        A changed feed gives all its entries again: storing is idempotent by id, and an entry time
        cursor would lose entries that feeds publish late or backdate.
        """
        posts: list[Post] = []
        values: dict[str, str] = {}
        for feed in self._feeds:
            feed_posts, feed_cursor = self._poll_feed(feed, cursor)
            posts.extend(feed_posts)
            values.update(feed_cursor)
        return Fetched(sorted(posts, key=lambda post: post.created_at), values)

    def _poll_feed(self, feed: FeedSetting, cursor: Mapping[str, str]) -> tuple[list[Post], dict[str, str]]:
        etag_name, modified_name = cursor_names(feed.url)
        answer = self._client.fetch(
            feed.url, etag=cursor.get(etag_name, ""), last_modified=cursor.get(modified_name, "")
        )
        validators = {etag_name: answer.etag, modified_name: answer.last_modified}
        if answer.unchanged:
            return [], validators
        try:
            parsed = parse_feed(answer.content)
        except ValueError as error:
            # A broken document is skipped, and its validators not kept, so the next poll reads it again.
            logger.warning("rss: skipped feed %r: %s", feed.url, error)
            return [], {}
        for reason in parsed.rejected:
            logger.warning("rss: feed %r: rejected %s", feed.url, reason)
        if parsed.broken:
            # Keep what the lenient parser read, but not the validators: the next poll reads it again.
            logger.warning("rss: feed %r is not well-formed: %s", feed.url, parsed.broken)
            validators = {}
        fetched_at = datetime.now(tz=UTC)
        posts = [entry_post(entry, feed, self._account, fetched_at) for entry in parsed.entries]
        return posts, validators

    def send(self, message: OutboundMessage) -> Sent:
        """Feeds are read-only: always a permanent error."""
        raise ConnectorError(f"a feed cannot take a {message.kind} message", retryable=False)

    def find_sent(self, message: OutboundMessage) -> Sent | None:  # noqa: ARG002  # the Connector protocol
        """Nothing is ever sent to a feed."""
        return None


def connect(account: AccountConfig, budget: RateBudget) -> RssConnector:
    """An RssConnector for `account`, reading feeds with its own bounded httpx client."""
    return RssConnector(account, FeedClient(http_client(), budget, account.budget_key))


SPEC = NetworkSpec(
    network=Network.RSS,
    rules=ReplyRules(max_chars=0, kinds=frozenset()),
    connect=connect,
    webhooks=None,
    poll_seconds=15 * 60.0,
)
