"""X / Twitter connector: mentions and search by polling within the request budget, replies and DMs.

Cursor values per feed (`mentions`, `search`): `<feed>_since_id` (the newest tweet stored), and
while a catch-up is unfinished `<feed>_next_token` and `<feed>_newest_id`. X pages newest first,
so the since id moves only once every page back to it has been read; a poll cut short by the budget
resumes from the page token on the next poll and loses nothing in between.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from pydantic import ValidationError

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
from hubbub.channels.networks.twitter.client import build_client, call_x
from hubbub.channels.networks.twitter.payloads import (
    Created,
    DmCreated,
    DmEvent,
    Tweet,
    TweetPage,
    User,
    parse_items,
)
from hubbub.channels.networks.twitter.posts import post_from_tweet, tweet_url
from hubbub.channels.networks.twitter.textlength import MAX_WEIGHTED_LENGTH, weighted_length
from hubbub.channels.networks.twitter.webhooks import TwitterWebhooks
from hubbub.core.networks import Network
from hubbub.core.posts import Post

# channels.models.OutboundKind values, as strings: connectors import no ORM module.
REPLY, DIRECT = "reply", "direct"
MAX_DM_CHARS = 10_000  # POST /2/dm_conversations/.../messages: "up to 10,000 characters"
PAGE_SIZE = 100  # the most X returns per page of mentions or recent search
MAX_PAGES_PER_POLL = 5
RECENT_OWN_TWEETS = 50  # how far back find_sent looks among the account's own tweets
TWEET_FIELDS = ["created_at", "conversation_id", "referenced_tweets", "author_id"]
USER_FIELDS = ["username", "name", "public_metrics"]
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")

Sendable = TypeVar("Sendable", Created, DmCreated)
Fetch = Callable[[str | None, str | None], Any]  # (since_id, page token) -> the API's JSON


class TwitterConnector:
    """One X account: its mentions (and a search query, when set), its replies and DMs."""

    def __init__(self, account: AccountConfig, budget: RateBudget) -> None:
        self.account = account
        self.budget = budget
        self.client = build_client(account, budget)
        # App-only bearer tokens read; user context (OAuth 1.0a) writes, else an OAuth 2 user token.
        self._read_as_user = not account.secrets.get("bearer_token")
        self._write_as_user = bool(account.secrets.get("access_token"))

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """New mentions (and search hits) since the cursor, oldest first."""
        found: dict[str, Post] = {}
        new_cursor = dict(cursor)
        feeds: list[tuple[str, Fetch, int | None]] = [("mentions", self._mentions, self.account.account_id)]
        if self.account.settings.get("search_query"):
            feeds.append(("search", self._search, None))
        for feed, fetch, account_id in feeds:
            posts, moved = self._catch_up(feed, fetch, cursor, account_id)
            new_cursor.update(moved)
            for post in posts:
                found.setdefault(post.external_id, post)
        return Fetched(sorted(found.values(), key=lambda post: int(post.external_id)), new_cursor)

    def send(self, message: OutboundMessage) -> Sent:
        """Reply with a tweet, or send a direct message."""
        if message.kind == REPLY:
            return self._send_tweet(message)
        if message.kind == DIRECT:
            return self._send_direct(message)
        raise ConnectorError(f"X cannot send a {message.kind!r} message", retryable=False)

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """The reply or DM if X already has it: same text, same tweet answered or same recipient."""
        if message.kind == REPLY:
            return self._find_tweet(message)
        if message.kind == DIRECT:
            return self._find_direct(message)
        return None

    def _catch_up(
        self, feed: str, fetch: Fetch, cursor: Mapping[str, str], account_id: int | None
    ) -> tuple[list[Post], dict[str, str]]:
        since = cursor.get(f"{feed}_since_id") or None
        token = cursor.get(f"{feed}_next_token") or None
        newest = cursor.get(f"{feed}_newest_id") or None
        posts: list[Post] = []
        for _ in range(MAX_PAGES_PER_POLL):
            if self.budget.wait_seconds(self.account.budget_key, reserve=RESERVED_CALLS) > 0:
                break
            page = _page(call_x(self.account, self.budget, partial(fetch, since, token)))
            posts += self._posts(page, account_id)
            newest = newest or page.meta.newest_id
            token = page.meta.next_token
            if not token:
                return posts, {
                    f"{feed}_since_id": newest or since or "",
                    f"{feed}_next_token": "",
                    f"{feed}_newest_id": "",
                }
        return posts, {
            f"{feed}_since_id": since or "",
            f"{feed}_next_token": token or "",
            f"{feed}_newest_id": newest or "",
        }

    def _posts(self, page: TweetPage, account_id: int | None) -> list[Post]:
        users = {user.id: user for user in parse_items(User, page.includes.users, "X user")}
        tweets = parse_items(Tweet, page.data, "tweet")
        return [
            post_from_tweet(tweet, users.get(tweet.author_id), self.account, account_id) for tweet in tweets
        ]

    def _mentions(self, since_id: str | None, token: str | None) -> Any:
        return self.client.get_users_mentions(
            self.account.external_id,
            since_id=since_id,
            pagination_token=token,
            max_results=PAGE_SIZE,
            expansions=["author_id"],
            tweet_fields=TWEET_FIELDS,
            user_fields=USER_FIELDS,
            user_auth=self._read_as_user,
        )

    def _search(self, since_id: str | None, token: str | None) -> Any:
        return self.client.search_recent_tweets(
            str(self.account.settings["search_query"]),
            since_id=since_id,
            next_token=token,
            max_results=PAGE_SIZE,
            expansions=["author_id"],
            tweet_fields=TWEET_FIELDS,
            user_fields=USER_FIELDS,
            user_auth=self._read_as_user,
        )

    def _send_tweet(self, message: OutboundMessage) -> Sent:
        if weighted_length(message.text) > MAX_WEIGHTED_LENGTH:
            raise ConnectorError("The reply is longer than X's 280 weighted characters", retryable=False)
        answer = call_x(
            self.account,
            self.budget,
            lambda: self.client.create_tweet(
                text=message.text,
                in_reply_to_tweet_id=message.in_reply_to or None,
                user_auth=self._write_as_user,
            ),
        )
        created = _created(Created, answer)
        return Sent(created.id, tweet_url(self.account.handle, created.id))

    def _send_direct(self, message: OutboundMessage) -> Sent:
        if len(message.text) > MAX_DM_CHARS:
            raise ConnectorError("The message is longer than X's 10,000 characters", retryable=False)
        if not message.recipient:
            raise ConnectorError("A direct message needs a recipient", retryable=False)
        answer = call_x(
            self.account,
            self.budget,
            lambda: self.client.create_direct_message(
                participant_id=message.recipient, text=message.text, user_auth=self._write_as_user
            ),
        )
        return Sent(_created(DmCreated, answer).dm_event_id)

    def _find_tweet(self, message: OutboundMessage) -> Sent | None:
        answer = call_x(
            self.account,
            self.budget,
            lambda: self.client.get_users_tweets(
                self.account.external_id,
                max_results=RECENT_OWN_TWEETS,
                tweet_fields=TWEET_FIELDS,
                user_auth=self._read_as_user,
            ),
        )
        for tweet in parse_items(Tweet, _page(answer).data, "tweet"):
            # X puts the @handles a reply goes to at the front of its text; we sent the text without.
            if (
                tweet.replied_to == message.in_reply_to
                and _LEADING_MENTIONS.sub("", tweet.text) == message.text
            ):
                return Sent(tweet.id, tweet_url(self.account.handle, tweet.id))
        return None

    def _find_direct(self, message: OutboundMessage) -> Sent | None:
        answer = call_x(
            self.account,
            self.budget,
            lambda: self.client.get_direct_message_events(
                participant_id=message.recipient,
                dm_event_fields=["id", "event_type", "text", "sender_id"],
                max_results=RECENT_OWN_TWEETS,
                user_auth=self._write_as_user,
            ),
        )
        for event in parse_items(DmEvent, _page(answer).data, "DM event"):
            mine = event.sender_id == self.account.external_id
            if mine and event.event_type == "MessageCreate" and event.text == message.text:
                return Sent(event.id)
        return None


def _page(answer: dict[str, Any]) -> TweetPage:
    try:
        return TweetPage.model_validate(answer)
    except ValidationError as error:
        raise ConnectorError("X answered a page in an unknown shape", retryable=True) from error


def _created(model: type[Sendable], answer: dict[str, Any]) -> Sendable:
    try:
        return model.model_validate(answer.get("data"))
    except ValidationError as error:
        # X may have taken the message: a retry goes through find_sent first, so no duplicate.
        raise ConnectorError("X answered a send in an unknown shape", retryable=True) from error


def connect(account: AccountConfig, budget: RateBudget) -> TwitterConnector:
    """The connector of one X account; an account without credentials is refused as permanently broken."""
    secrets = account.secrets
    user_context = all(secrets.get(key) for key in ("consumer_key", "consumer_secret", "access_token"))
    if not secrets.get("bearer_token") and not user_context:
        # tweepy would fail later with a TypeError, which looks retryable; no retry can fix this.
        raise ConnectorError(
            "X credentials are missing: set a bearer_token, or consumer_key, consumer_secret, access_token "
            "and access_token_secret in the account's secrets",
            retryable=False,
        )
    return TwitterConnector(account, budget)


SPEC = NetworkSpec(
    network=Network.TWITTER.value,
    rules=ReplyRules(max_chars=MAX_WEIGHTED_LENGTH, kinds=frozenset({REPLY, DIRECT}), counts=weighted_length),
    connect=connect,
    webhooks=TwitterWebhooks(),
    # Webhooks carry the live traffic; polls catch up. X's lower tiers allow few mentions calls per
    # 15 minutes, and the budget skips a poll once the window is spent.
    poll_seconds=120.0,
)
