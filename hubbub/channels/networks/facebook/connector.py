"""Facebook Pages connector: a polling fallback to the webhooks, comment replies, private replies and
Messenger replies through the Graph API.

Cursor values: `feed_since` and `comments_since` (epoch seconds of the newest post and comment
stored). A poll reads the page's most recent posts, keeps those newer than `feed_since`, and asks
each for its comments since `comments_since`. Comments on older posts arrive by webhook only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

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
from hubbub.channels.networks.facebook.client import GraphClient
from hubbub.channels.networks.facebook.payloads import (
    CommentCreated,
    Conversation,
    GraphComment,
    GraphList,
    GraphMessage,
    GraphPost,
    MessageSent,
    parse_items,
)
from hubbub.channels.networks.facebook.posts import (
    comment_url,
    post_from_graph_comment,
    post_from_graph_post,
)
from hubbub.channels.networks.facebook.webhooks import FacebookWebhooks
from hubbub.core.networks import Network
from hubbub.core.posts import Post

# channels.models.OutboundKind values, as strings: connectors import no ORM module.
REPLY, PRIVATE_REPLY, DIRECT = "reply", "private_reply", "direct"
MAX_COMMENT_CHARS = 8_000
MAX_MESSENGER_CHARS = 2_000  # Send API: "text must be UTF-8 and has a 2000 character limit"
RECENT_POSTS = 10
RECENT_ITEMS = 50
FEED_FIELDS = "id,message,created_time,from{id,name},permalink_url"
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},permalink_url"
_GRAPH_ID = re.compile(r"^[0-9]{1,40}(_[0-9]{1,40})?$")

Answer = TypeVar("Answer", bound=BaseModel)


class FacebookConnector:
    """One Facebook Page: its feed and comments, and what its agents answer."""

    def __init__(self, account: AccountConfig, budget: RateBudget, graph: GraphClient | None = None) -> None:
        self.account = account
        self.budget = budget
        self.graph = graph or GraphClient(account, budget)

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """Posts and comments newer than the cursor on the page's recent posts, oldest first."""
        if self._must_wait():
            return Fetched([], dict(cursor))
        feed_since = _epoch(cursor.get("feed_since"))
        comments_since = _epoch(cursor.get("comments_since"))
        page = self.graph.get(
            f"/{self.account.external_id}/feed", {"fields": FEED_FIELDS, "limit": str(RECENT_POSTS)}
        )
        recent = parse_items(GraphPost, _list(page).data, "Facebook post")
        found = [
            post_from_graph_post(p, self.account) for p in recent if p.created_time.timestamp() > feed_since
        ]
        comments, complete = self._comments(recent, comments_since)
        new_cursor = dict(cursor)
        new_cursor["feed_since"] = str(int(max([feed_since] + [p.created_at.timestamp() for p in found])))
        if complete:
            newest = max([comments_since] + [c.created_at.timestamp() for c in comments])
            new_cursor["comments_since"] = str(int(newest))
        posts = sorted(found + comments, key=lambda post: (post.created_at, post.external_id))
        return Fetched(posts, new_cursor)

    def send(self, message: OutboundMessage) -> Sent:
        """A reply under a comment, a private reply to a comment, or a Messenger reply."""
        if message.kind == REPLY:
            return self._reply(message)
        if message.kind == PRIVATE_REPLY:
            return self._private_reply(message)
        if message.kind == DIRECT:
            return self._direct(message)
        raise ConnectorError(f"Facebook cannot send a {message.kind!r} message", retryable=False)

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """The comment reply or Messenger reply if Facebook already has it; private replies are not
        findable (the commenter's Messenger id is unknown until the send answers)."""
        if message.kind == REPLY:
            return self._find_comment(message)
        if message.kind == DIRECT:
            return self._find_message(message)
        return None

    def _must_wait(self) -> bool:
        return self.budget.wait_seconds(self.account.budget_key, reserve=RESERVED_CALLS) > 0

    def _comments(self, posts: list[GraphPost], since: float) -> tuple[list[Post], bool]:
        """New comments on `posts`, and whether every post was read (the budget may stop it)."""
        found: list[Post] = []
        for post in posts:
            if self._must_wait():
                return found, False
            params = {"fields": COMMENT_FIELDS, "filter": "stream", "limit": str(RECENT_ITEMS)}
            if since:
                params["since"] = str(int(since))
            answer = self.graph.get(f"/{post.id}/comments", params)
            comments = parse_items(GraphComment, _list(answer).data, "Facebook comment")
            found += [
                post_from_graph_comment(c, post.id, self.account)
                for c in comments
                if c.created_time.timestamp() > since
            ]
        return found, True

    def _reply(self, message: OutboundMessage) -> Sent:
        _check_length(message.text, MAX_COMMENT_CHARS)
        target = _graph_id(message.in_reply_to)
        created = self._sent(CommentCreated, f"/{target}/comments", {"message": message.text})
        return Sent(created.id, comment_url(message.thread_id or target.rsplit("_", 1)[0], created.id))

    def _private_reply(self, message: OutboundMessage) -> Sent:
        _check_length(message.text, MAX_MESSENGER_CHARS)
        body = {
            "recipient": {"comment_id": _graph_id(message.in_reply_to)},
            "message": {"text": message.text},
        }
        return Sent(self._sent(MessageSent, f"/{self.account.external_id}/messages", body).message_id)

    def _direct(self, message: OutboundMessage) -> Sent:
        _check_length(message.text, MAX_MESSENGER_CHARS)
        # messaging_type RESPONSE: an answer within the 24-hour window the customer's message opened.
        body = {
            "recipient": {"id": _graph_id(message.recipient)},
            "messaging_type": "RESPONSE",
            "message": {"text": message.text},
        }
        return Sent(self._sent(MessageSent, "/me/messages", body).message_id)

    def _sent(self, model: type[Answer], path: str, body: dict[str, Any]) -> Answer:
        answer = self.graph.post(path, body)
        try:
            return model.model_validate(answer)
        except ValidationError as error:
            # Facebook may have taken the message: a retry goes through find_sent first.
            raise ConnectorError("Facebook answered a send in an unknown shape", retryable=True) from error

    def _find_comment(self, message: OutboundMessage) -> Sent | None:
        target = _graph_id(message.in_reply_to)
        params = {"fields": COMMENT_FIELDS, "filter": "stream", "order": "reverse_chronological"}
        answer = self.graph.get(f"/{target}/comments", {**params, "limit": str(RECENT_ITEMS)})
        for comment in parse_items(GraphComment, _list(answer).data, "Facebook comment"):
            if (
                comment.author
                and comment.author.id == self.account.external_id
                and comment.message == message.text
            ):
                return Sent(
                    comment.id, comment_url(message.thread_id or target.rsplit("_", 1)[0], comment.id)
                )
        return None

    def _find_message(self, message: OutboundMessage) -> Sent | None:
        params = {
            "platform": "messenger",
            "user_id": _graph_id(message.recipient),
            "fields": f"messages.limit({RECENT_ITEMS}){{id,message,from}}",
        }
        answer = self.graph.get(f"/{self.account.external_id}/conversations", params)
        for conversation in parse_items(Conversation, _list(answer).data, "Messenger conversation"):
            for sent in parse_items(GraphMessage, conversation.messages.data, "Messenger message"):
                if (
                    sent.author
                    and sent.author.id == self.account.external_id
                    and sent.message == message.text
                ):
                    return Sent(sent.id)
        return None


def _list(answer: dict[str, Any]) -> GraphList:
    try:
        return GraphList.model_validate(answer)
    except ValidationError as error:
        raise ConnectorError("Facebook answered a list in an unknown shape", retryable=True) from error


def _epoch(value: str | None) -> float:
    return float(value) if value and value.isdigit() else 0.0


def _graph_id(value: str) -> str:
    """`value` if it is a Graph id, safe in a URL path; else a permanent error."""
    if not _GRAPH_ID.match(value):
        raise ConnectorError("Not a Facebook id", retryable=False)
    return value


def _check_length(text: str, limit: int) -> None:
    if len(text) > limit:
        raise ConnectorError(f"The message is longer than Facebook's {limit:,} characters", retryable=False)


def connect(account: AccountConfig, budget: RateBudget) -> FacebookConnector:
    """The connector of one Facebook Page."""
    return FacebookConnector(account, budget)


SPEC = NetworkSpec(
    network=Network.FACEBOOK.value,
    rules=ReplyRules(max_chars=MAX_COMMENT_CHARS, kinds=frozenset({REPLY, PRIVATE_REPLY, DIRECT})),
    connect=connect,
    webhooks=FacebookWebhooks(),
    # Webhooks carry the live traffic; the poll is a fallback for missed deliveries.
    poll_seconds=300.0,
)
