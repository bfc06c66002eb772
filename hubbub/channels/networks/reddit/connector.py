"""Reddit: the account's inbox (replies, mentions, private messages), new submissions and comments
of the configured subreddits, and keyword searches, polled with praw; replies (`/api/comment`) and
private messages (`/api/compose`) sent, and found again among the account's own comments and sent
messages.

Settings: `{"subreddits": ["acme"], "search": ["acme phone"], "base_url": "https://oauth.reddit.com",
"auth_url": "https://www.reddit.com"}`; secrets: `client_id`, `client_secret` (empty for an installed
app), and `refresh_token`, or `username` and `password` (a script app); the account's external id is
its username. Reddit has no webhooks.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

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
from hubbub.channels.networks.reddit.client import RedditClient
from hubbub.channels.networks.reddit.feeds import Feed, walk
from hubbub.channels.networks.reddit.mapping import thing_post
from hubbub.channels.networks.reddit.payloads import Listing, Page, parse_page
from hubbub.channels.networks.reddit.sending import Sender
from hubbub.core.networks import Network
from hubbub.core.posts import Post

logger = logging.getLogger(__name__)

# A comment or a private message is at most 10,000 characters: Reddit's TOO_LONG error says
# "this is too long (max: 10000)" for both (reddit.com/dev/api, POST /api/comment and /api/compose).
MAX_CHARS = 10_000
PAGE_SIZE = 100  # the most a listing returns per page
_SUBREDDIT = re.compile(r"[A-Za-z0-9_]{2,21}")
MAX_QUERY_CHARS = 512  # the longest `q` Reddit's search takes


class RedditSettings(BaseModel):
    """The account's non-secret settings."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    subreddits: Annotated[list[str], Field(max_length=20)] = []
    search: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS)]], Field(max_length=10)
    ] = []
    base_url: str = "https://oauth.reddit.com"
    auth_url: str = "https://www.reddit.com"
    max_pages: Annotated[int, Field(ge=1, le=10)] = 5

    @field_validator("base_url", "auth_url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname:
            raise ValueError("the URL must be http(s)://host")
        return url.rstrip("/")

    @field_validator("subreddits")
    @classmethod
    def _names(cls, names: list[str]) -> list[str]:
        names = [name.removeprefix("/").removeprefix("r/") for name in names]
        if not all(_SUBREDDIT.fullmatch(name) for name in names):
            raise ValueError("a subreddit name is 2 to 21 letters, digits and underscores")
        return [name.lower() for name in names]


def read_settings(account: AccountConfig) -> RedditSettings:
    """The account's settings, or a permanent error naming what is wrong; its credentials checked."""
    secrets = account.secrets
    if not secrets.get("client_id"):
        raise ConnectorError("reddit: the secrets need a client_id", retryable=False)
    if not secrets.get("refresh_token") and not (secrets.get("username") and secrets.get("password")):
        raise ConnectorError(
            "reddit: the secrets need a refresh_token, or a username and password", retryable=False
        )
    try:
        return RedditSettings.model_validate(dict(account.settings))
    except ValidationError as error:
        raise ConnectorError(
            f"invalid reddit settings: {error.error_count()} error(s)", retryable=False
        ) from error


def feeds(settings: RedditSettings) -> list[Feed]:
    """The inbox first (its items reached the account), then each subreddit, then each search."""
    listed = [Feed("inbox", "message/inbox", addressed=True)]
    for name in settings.subreddits:
        listed += [Feed(f"r/{name}/new", f"r/{name}/new"), Feed(f"r/{name}/comments", f"r/{name}/comments")]
    for query in settings.search:
        # Cursor names are at most 64 characters: a query is named by a digest of it.
        digest = hashlib.sha256(query.encode()).hexdigest()[:16]
        listed.append(Feed(f"search:{digest}", "search", {"q": query, "sort": "new", "type": "link"}))
    return listed


class RedditConnector:
    """One brand account on Reddit."""

    def __init__(
        self, account: AccountConfig, settings: RedditSettings, client: RedditClient, budget: RateBudget
    ) -> None:
        self._account = account
        self._settings = settings
        self._client = client
        self._budget = budget
        self._sender = Sender(account, client)

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """New inbox items, subreddit submissions and comments, and search hits since the cursor,
        oldest first; a feed the budget leaves unread keeps its cursor for the next poll."""
        found: dict[str, Post] = {}
        values = dict(cursor)
        for feed in feeds(self._settings):
            walked = walk(feed, cursor, self._page, self._budget_spent, self._settings.max_pages)
            values.update(walked.cursor)
            for reason in walked.rejected:
                logger.warning("reddit %s %s: rejected %s", self._account.budget_key, feed.key, reason)
            for thing in walked.things:
                post = thing_post(thing, self._account, addressed=feed.addressed)
                if post is not None:
                    found.setdefault(post.external_id, post)
        ordered = sorted(
            found.values(),
            key=lambda post: (post.created_at, post.external_id[:2], int(post.external_id[3:], 36)),
        )
        return Fetched(ordered, values)

    def _page(self, feed: Feed, after: str | None) -> Page:
        params = {**feed.params, "limit": str(PAGE_SIZE)}
        if after:
            params["after"] = after
        answer: Any = self._client.get(feed.path, params)
        try:
            return parse_page(Listing.model_validate(answer))
        except ValidationError as error:
            raise ConnectorError(f"reddit answered {feed.key} in an unknown shape", retryable=True) from error

    def _budget_spent(self) -> bool:
        return self._budget.wait_seconds(self._account.budget_key, reserve=RESERVED_CALLS) > 0

    def send(self, message: OutboundMessage) -> Sent:
        """A comment answering a submission, comment or message, or a new private message."""
        if len(message.text) > MAX_CHARS:
            raise ConnectorError(f"longer than Reddit's {MAX_CHARS:,} characters", retryable=False)
        return self._sender.send(message)

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """Our own recent comment or sent message with the same text, to the same parent or person."""
        return self._sender.find_sent(message)


def connect(account: AccountConfig, budget: RateBudget) -> RedditConnector:
    """A RedditConnector for `account`, at the API its settings name."""
    settings = read_settings(account)
    client = RedditClient(account, budget, settings.base_url, settings.auth_url)
    return RedditConnector(account, settings, client, budget)


SPEC = NetworkSpec(
    network=Network.REDDIT,
    rules=ReplyRules(max_chars=MAX_CHARS, kinds=frozenset({"reply", "direct"})),
    connect=connect,
    webhooks=None,
    # Reddit allows 100 calls a minute per OAuth client, averaged over 10 minutes; a poll of the
    # inbox, two subreddits and a search is about 6 calls and a token.
    poll_seconds=60.0,
)
