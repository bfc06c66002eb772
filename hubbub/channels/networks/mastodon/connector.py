"""Mastodon: mentions (notifications) and hashtag timelines polled with `min_id` catch-up; replies
and direct messages posted with Mastodon's `Idempotency-Key`, so a retried send never posts twice.

Settings: `{"base_url": "https://mastodon.social", "hashtags": ["acme"], "max_chars": 500}`;
secrets: `{"access_token": "..."}`; the account's external id is its Mastodon account id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hubbub.channels.budget import RESERVED_CALLS, RateBudget
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
from hubbub.channels.networks.mastodon.client import MastodonClient
from hubbub.channels.networks.mastodon.mapping import mastodon_length, status_post
from hubbub.channels.networks.mastodon.payloads import Notification, Status, parse_items
from hubbub.channels.networks.mastodon.streaming import OnPost, stream_hashtag, stream_mentions
from hubbub.core.networks import Network
from hubbub.core.posts import MAX_TEXT_CHARS, Post

logger = logging.getLogger(__name__)

PAGE_SIZE = 40  # the most Mastodon returns per page of notifications and timelines
DEFAULT_MAX_CHARS = 500
MENTIONS_CURSOR = "mentions"
_HASHTAG = re.compile(r"\w{1,100}")
_SPACES = re.compile(r"\s+")


class MastodonSettings(BaseModel):
    """The account's non-secret settings."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    base_url: str
    hashtags: Annotated[list[str], Field(max_length=20)] = []
    max_chars: Annotated[int, Field(ge=1, le=100_000)] = DEFAULT_MAX_CHARS
    max_pages: Annotated[int, Field(ge=1, le=50)] = 10

    @field_validator("base_url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname:
            raise ValueError("the server URL must be http(s)://host")
        return url.rstrip("/")

    @field_validator("hashtags")
    @classmethod
    def _plain_tags(cls, tags: list[str]) -> list[str]:
        tags = [tag.removeprefix("#") for tag in tags]
        if not all(_HASHTAG.fullmatch(tag) for tag in tags):
            raise ValueError("a hashtag is letters, digits and underscores")
        return tags


def read_settings(settings: Mapping[str, Any]) -> MastodonSettings:
    """The account's settings, or a permanent error naming what is wrong."""
    try:
        return MastodonSettings.model_validate(dict(settings))
    except ValidationError as error:
        raise ConnectorError(
            f"invalid mastodon settings: {error.error_count()} error(s)", retryable=False
        ) from error


def _id_order(identifier: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings (snowflakes): longer is newer, then by text."""
    return (len(identifier), identifier)


def _normalised(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class MastodonConnector:
    """One brand account on one Mastodon server."""

    def __init__(
        self, account: AccountConfig, settings: MastodonSettings, client: MastodonClient, budget: RateBudget
    ) -> None:
        self._account = account
        self._settings = settings
        self._client = client
        self._budget = budget
        self._host = urlsplit(settings.base_url).hostname or ""

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """New mentions and hashtag statuses since the cursor, oldest first, catching up page by page."""
        api = self._client.api
        mentions, since = self._catch_up(
            lambda min_id: api.notifications(types=["mention"], min_id=min_id, limit=PAGE_SIZE),
            cursor.get(MENTIONS_CURSOR, ""),
        )
        posts = [self._post(n.status, addressed=True) for n in self._mentions(mentions) if n.status]
        values = {MENTIONS_CURSOR: since}
        for tag in self._settings.hashtags:
            name = f"tag:{tag.lower()}"
            statuses, values[name] = self._catch_up(partial(self._hashtag_page, tag), cursor.get(name, ""))
            posts.extend(self._post(status, addressed=False) for status in self._statuses(statuses))
        return Fetched(sorted(posts, key=lambda post: (post.created_at, _id_order(post.external_id))), values)

    def _hashtag_page(self, tag: str, min_id: str | None) -> Sequence[Any]:
        return list(self._client.api.timeline_hashtag(tag, min_id=min_id, limit=PAGE_SIZE))

    def _catch_up(self, fetch: Callable[[str | None], Sequence[Any]], since: str) -> tuple[list[Any], str]:
        """Pages after `since` (`min_id` returns the ones right after it) until a short page or the
        budget says wait; the first poll of a feed takes only the newest page."""
        items: list[Any] = []
        first_poll = not since
        for _ in range(self._settings.max_pages):
            page = list(self._client.call(fetch, since or None))
            ids = [str(item.get("id", "")) for item in page if isinstance(item, Mapping)]
            items.extend(page)
            since = max([since, *ids], key=_id_order)
            if first_poll or len(page) < PAGE_SIZE or self._budget_spent():
                break
        return items, since

    def _budget_spent(self) -> bool:
        return self._budget.wait_seconds(self._account.budget_key, reserve=RESERVED_CALLS) > 0

    def _mentions(self, raw: list[Any]) -> list[Notification]:
        parsed = parse_items(Notification, raw)
        self._log_rejected(parsed.rejected)
        return [item for item in parsed.items if item.type == "mention"]

    def _statuses(self, raw: list[Any]) -> list[Status]:
        parsed = parse_items(Status, raw)
        self._log_rejected(parsed.rejected)
        return [item for item in parsed.items if item.reblog is None]

    def _log_rejected(self, reasons: list[str]) -> None:
        for reason in reasons:
            logger.warning("mastodon %s: rejected %s", self._account.budget_key, reason)

    def _post(self, status: Status, *, addressed: bool) -> Post:
        return status_post(status, self._account, self._host, addressed=addressed)

    def stream_mentions(self, on_post: OnPost) -> None:
        """Hand each new mention to `on_post` as it arrives, until the server ends the stream."""
        stream_mentions(self._client, self._account, self._host, on_post)

    def stream_hashtag(self, tag: str, on_post: OnPost) -> None:
        """Hand each new status with `tag` to `on_post` as it arrives, until the server ends the stream."""
        if not _HASHTAG.fullmatch(tag):  # Mastodon.py puts the tag into the URL as it is
            raise ConnectorError("a hashtag is letters, digits and underscores", retryable=False)
        stream_hashtag(self._client, self._account, self._host, tag, on_post)

    def send(self, message: OutboundMessage) -> Sent:
        """A reply (same visibility as the status answered, its author mentioned) or a direct message."""
        text, in_reply_to, visibility = self._outgoing(message)
        if mastodon_length(text) > self._settings.max_chars:
            raise ConnectorError(
                f"longer than this server's {self._settings.max_chars} characters", retryable=False
            )
        status = self._client.call(
            self._client.api.status_post,
            text,
            in_reply_to_id=in_reply_to,
            visibility=visibility,
            idempotency_key=message.key,
        )
        return self._sent(status)

    def _outgoing(self, message: OutboundMessage) -> tuple[str, str | None, str]:
        """The text with the mention Mastodon needs to notify, the status answered, the visibility."""
        if message.kind == "direct":
            acct = self._recipient_acct(message.recipient)
            return _with_mention(message.text, acct), message.in_reply_to or None, "direct"
        if message.kind != "reply" or not message.in_reply_to:
            raise ConnectorError(
                f"mastodon cannot send a {message.kind} without a status to answer", retryable=False
            )
        parent = Status.model_validate(dict(self._client.call(self._client.api.status, message.in_reply_to)))
        # Mastodon's own client answers with the parent's visibility, and mentions its author.
        return _with_mention(message.text, parent.account.acct), parent.id, parent.visibility

    def _recipient_acct(self, recipient: str) -> str:
        if not recipient:
            raise ConnectorError("a direct message needs a recipient", retryable=False)
        if recipient.isdigit():  # an account id, as stored for authors
            return str(self._client.call(self._client.api.account, recipient)["acct"])
        return recipient.removeprefix("@")

    def _sent(self, status: Mapping[str, Any]) -> Sent:
        return Sent(external_id=str(status["id"]), url=str(status.get("url") or status.get("uri") or ""))

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """Our own recent status answering the same status with the same text, if there is one."""
        own = self._client.call(
            self._client.api.account_statuses,
            self._account.external_id,
            exclude_reblogs=True,
            limit=PAGE_SIZE,
        )
        wanted = _normalised(message.text)
        for status in parse_items(Status, own).items:
            same_parent = (status.in_reply_to_id or "") == message.in_reply_to
            text = _normalised(html_to_text(status.content, MAX_TEXT_CHARS))
            if same_parent and text.endswith(wanted):
                return Sent(external_id=status.id, url=status.url or status.uri)
        return None


def _with_mention(text: str, acct: str) -> str:
    mention = f"@{acct}"
    return text if re.search(rf"(?<![\w@]){re.escape(mention)}(?![\w@.])", text) else f"{mention} {text}"


def connect(account: AccountConfig, budget: RateBudget) -> MastodonConnector:
    """A MastodonConnector for `account`, on the server its settings name."""
    settings = read_settings(account.settings)
    return MastodonConnector(account, settings, MastodonClient(account, budget, settings.base_url), budget)


SPEC = NetworkSpec(
    network=Network.MASTODON,
    rules=ReplyRules(
        max_chars=DEFAULT_MAX_CHARS, kinds=frozenset({"reply", "direct"}), counts=mastodon_length
    ),
    connect=connect,
    webhooks=None,
    poll_seconds=60.0,
)
