"""Bluesky: notifications (mentions, replies, quotes) and post searches for the brand's terms,
caught up page by page back to the newest post already seen; replies as `app.bsky.feed.post`
records with `reply: {root, parent}` strong refs.

Settings: `{"base_url": "https://bsky.social", "search_terms": ["acme"]}`; secrets:
`{"app_password": "..."}`; the account's handle logs in, its external id is its DID.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from atproto import models
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hubbub.channels.budget import RESERVED_CALLS, RateBudget
from hubbub.channels.networks.base import (
    AccountConfig,
    ConnectorError,
    Fetched,
    NetworkSpec,
    OutboundMessage,
    ReplyRules,
    Sent,
)
from hubbub.channels.networks.bluesky.client import BlueskyClient
from hubbub.channels.networks.bluesky.mapping import grapheme_count, post_url, record_post
from hubbub.channels.networks.bluesky.payloads import (
    POST_COLLECTION,
    Notification,
    PostRecord,
    PostView,
    StrongRef,
    parse_items,
)
from hubbub.core.networks import Network
from hubbub.core.posts import Post

logger = logging.getLogger(__name__)

MAX_GRAPHEMES = 300  # app.bsky.feed.post lexicon: text maxGraphemes
PAGE_SIZE = 50
NOTIFICATIONS_CURSOR = "notifications"
POST_REASONS = ("mention", "reply", "quote")

Page = tuple[list[Any], str | None]  # raw items newest first, and the cursor to the older ones
Item = TypeVar("Item", Notification, PostView)


class BlueskySettings(BaseModel):
    """The account's non-secret settings."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    base_url: str = "https://bsky.social"
    search_terms: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=20)
    ] = []
    max_pages: Annotated[int, Field(ge=1, le=20)] = 5

    @field_validator("base_url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname:
            raise ValueError("the PDS URL must be http(s)://host")
        return url.rstrip("/")


def read_settings(settings: Mapping[str, Any]) -> BlueskySettings:
    """The account's settings, or a permanent error naming what is wrong."""
    try:
        return BlueskySettings.model_validate(dict(settings))
    except ValidationError as error:
        raise ConnectorError(
            f"invalid bluesky settings: {error.error_count()} error(s)", retryable=False
        ) from error


def _indexed_at(raw: Any) -> str:
    """An item's indexedAt in one sortable form (UTC, microseconds), or "" when it has none."""
    value = raw.get("indexedAt") if isinstance(raw, Mapping) else None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def search_cursor_name(term: str) -> str:
    """A short, stable cursor name per search term."""
    return "search:" + hashlib.sha256(term.casefold().encode()).hexdigest()[:16]


class BlueskyConnector:
    """One brand account on Bluesky."""

    def __init__(
        self, account: AccountConfig, settings: BlueskySettings, client: BlueskyClient, budget: RateBudget
    ) -> None:
        self._account = account
        self._settings = settings
        self._client = client
        self._budget = budget

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """Notifications and search results newer than the newest seen, oldest first."""
        raw, values = self._catch_up(self._notification_page, cursor.get(NOTIFICATIONS_CURSOR, ""))
        notifications = self._parsed(Notification, raw)
        posts = [self._post(n.uri, n, addressed=True) for n in notifications if n.reason in POST_REASONS]
        cursor_values = {NOTIFICATIONS_CURSOR: values}
        for term in self._settings.search_terms:
            name = search_cursor_name(term)
            raw, cursor_values[name] = self._catch_up(self._search_page(term), cursor.get(name, ""))
            posts.extend(self._post(view.uri, view, addressed=False) for view in self._parsed(PostView, raw))
        return Fetched(sorted(posts, key=lambda post: (post.created_at, post.external_id)), cursor_values)

    def _notification_page(self, page_cursor: str | None) -> Page:
        params = models.AppBskyNotificationListNotifications.Params(
            limit=PAGE_SIZE, cursor=page_cursor, reasons=list(POST_REASONS)
        )
        answer = self._client.query("app.bsky.notification.listNotifications", params)
        return list(answer.get("notifications") or []), answer.get("cursor")

    def _search_page(self, term: str) -> Callable[[str | None], Page]:
        def page(page_cursor: str | None) -> Page:
            params = models.AppBskyFeedSearchPosts.Params(
                q=term, sort="latest", limit=PAGE_SIZE, cursor=page_cursor
            )
            answer = self._client.query("app.bsky.feed.searchPosts", params)
            return list(answer.get("posts") or []), answer.get("cursor")

        return page

    def _catch_up(self, fetch: Callable[[str | None], Page], since: str) -> tuple[list[Any], str]:
        """Pages from the newest back to `since` (an indexedAt), the budget and `max_pages` permitting;
        the first poll takes one page. Returns the newer items and the new `since`."""
        items: list[Any] = []
        page_cursor: str | None = None
        for _ in range(self._settings.max_pages):
            page, page_cursor = fetch(page_cursor)
            # An item without a readable time is kept, for the models to reject with the reason.
            newer = [item for item in page if (_indexed_at(item) or "~") > since]
            items.extend(newer)
            if not since or len(newer) < len(page) or not page_cursor or self._budget_spent():
                break
        return items, max([since, *filter(None, map(_indexed_at, items))])

    def _budget_spent(self) -> bool:
        return self._budget.wait_seconds(self._account.budget_key, reserve=RESERVED_CALLS) > 0

    def _parsed(self, model: type[Item], raw: list[Any]) -> list[Item]:
        parsed = parse_items(model, raw)
        for reason in parsed.rejected:
            logger.warning("bluesky %s: rejected %s", self._account.budget_key, reason)
        return parsed.items

    def _post(self, uri: str, item: Notification | PostView, *, addressed: bool) -> Post:
        return record_post(uri, item.author, item.record, self._account, addressed=addressed)

    def send(self, message: OutboundMessage) -> Sent:
        """A reply: an app.bsky.feed.post record whose `reply` names the thread's root and the parent."""
        if message.kind != "reply" or not message.in_reply_to:
            raise ConnectorError(
                f"bluesky cannot send a {message.kind} without a post to answer", retryable=False
            )
        if grapheme_count(message.text) > MAX_GRAPHEMES:
            raise ConnectorError(f"longer than Bluesky's {MAX_GRAPHEMES} characters", retryable=False)
        parent = self._parent(message.in_reply_to)
        parent_ref = {"uri": parent.uri, "cid": parent.cid}
        root = parent.record.reply.root if parent.record.reply else StrongRef(uri=parent.uri, cid=parent.cid)
        record = {
            "$type": POST_COLLECTION,
            "text": message.text,
            "createdAt": datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "reply": {"root": {"uri": root.uri, "cid": root.cid}, "parent": parent_ref},
        }
        data = models.ComAtprotoRepoCreateRecord.Data(
            repo=self._client.did, collection=POST_COLLECTION, record=record
        )
        created = self._client.procedure("com.atproto.repo.createRecord", data)
        return Sent(
            external_id=str(created.get("uri", "")),
            url=post_url(self._account.handle, str(created.get("uri", ""))),
        )

    def _parent(self, uri: str) -> PostView:
        answer = self._client.query("app.bsky.feed.getPosts", models.AppBskyFeedGetPosts.Params(uris=[uri]))
        found = self._parsed(PostView, list(answer.get("posts") or []))
        if not found:
            raise ConnectorError("the post to answer is gone or unreadable", retryable=False)
        return found[0]

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """Our own recent post record answering the same post with the same text, if the PDS has one."""
        params = models.ComAtprotoRepoListRecords.Params(
            repo=self._client.did, collection=POST_COLLECTION, limit=PAGE_SIZE
        )
        answer = self._client.query("com.atproto.repo.listRecords", params)
        for raw in answer.get("records") or []:
            try:
                record = PostRecord.model_validate(raw.get("value") if isinstance(raw, Mapping) else None)
            except ValidationError:
                continue
            parent = record.reply.parent.uri if record.reply else ""
            if parent == message.in_reply_to and record.text == message.text:
                uri = str(raw.get("uri", ""))
                return Sent(external_id=uri, url=post_url(self._account.handle, uri))
        return None


def connect(account: AccountConfig, budget: RateBudget) -> BlueskyConnector:
    """A BlueskyConnector for `account`, on the PDS its settings name."""
    settings = read_settings(account.settings)
    return BlueskyConnector(account, settings, BlueskyClient(account, budget, settings.base_url), budget)


SPEC = NetworkSpec(
    network=Network.BLUESKY,
    rules=ReplyRules(max_chars=MAX_GRAPHEMES, kinds=frozenset({"reply"}), counts=grapheme_count),
    connect=connect,
    webhooks=None,
    poll_seconds=60.0,
)
