"""Replies and private messages on Reddit, and finding one again after a send that crashed.

A reply is `POST /api/comment` with `thing_id` (the submission, comment or message answered) and
`text`; it answers with the thing made. A new private message is `POST /api/compose` with `to`,
`subject` and `text`; it answers only `{"json": {"errors": []}}`, so its id is read back from the
account's sent messages (reddit.com/dev/api#POST_api_compose). Reddit takes no idempotency key:
`find_sent` looks for the same text to the same parent or person among the account's latest items.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pydantic import ValidationError

from hubbub.channels.networks.base import AccountConfig, ConnectorError, OutboundMessage, Sent
from hubbub.channels.networks.reddit.client import RedditClient, api_error
from hubbub.channels.networks.reddit.mapping import WEB, is_own
from hubbub.channels.networks.reddit.payloads import (
    ApiAnswer,
    ApiEnvelope,
    Comment,
    Listing,
    Message,
    Thing,
    parse_page,
    parse_thing,
)

logger = logging.getLogger(__name__)

REPLY, DIRECT = "reply", "direct"  # channels.models.OutboundKind values: connectors import no ORM
MAX_SUBJECT_CHARS = 100  # /api/compose: "subject: a string no longer than 100 characters"
RECENT_ITEMS = "100"  # how far back find_sent looks: one page of the account's comments or sent messages
_THING = re.compile(r"t[134]_[0-9a-z]{1,13}")
_USERNAME = re.compile(r"[A-Za-z0-9_-]{3,20}")
_SPACES = re.compile(r"\s+")


def _normalised(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _username(value: str) -> str:
    """A username without "u/" or "/u/"; anything else (an anonymous id, a path) is refused."""
    name = value.removeprefix("/").removeprefix("u/")
    if not _USERNAME.fullmatch(name):
        raise ConnectorError("reddit: the recipient is not a Reddit username", retryable=False)
    return name


def _link(thing: Thing) -> str:
    if isinstance(thing, Message):
        return f"{WEB}/message/messages/{thing.name.removeprefix('t4_')}"
    return WEB + thing.permalink if thing.permalink else ""


def _answers_in_place(message: OutboundMessage) -> bool:
    """A reply, or a private message in the conversation it answers: both are `/api/comment`."""
    return message.kind == REPLY or (message.kind == DIRECT and message.in_reply_to.startswith("t4_"))


class Sender:
    """Sends for one account through its RedditClient."""

    def __init__(self, account: AccountConfig, client: RedditClient) -> None:
        self._account = account
        self._client = client

    def send(self, message: OutboundMessage) -> Sent:
        """A reply, or a private message: in its conversation when it answers one, else a new one."""
        if _answers_in_place(message):
            return self._comment(message)
        if message.kind == DIRECT:
            return self._compose(message)
        raise ConnectorError(f"reddit cannot send a {message.kind!r} message", retryable=False)

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """The reply among the account's comments (or sent messages, for a conversation), or the
        new private message among its sent messages; None when it is not there."""
        wanted = _normalised(message.text)
        if message.kind == DIRECT and not _answers_in_place(message):
            recipient = _username(message.recipient).lower()
            for thing in self._recent_sent():
                if thing.dest.lower() == recipient and _normalised(thing.body) == wanted:
                    return Sent(thing.name, _link(thing))
            return None
        own: list[Comment] | list[Message] = (
            self._recent_sent() if message.in_reply_to.startswith("t4_") else self._recent_comments()
        )
        for item in own:
            if item.parent_id == message.in_reply_to and _normalised(item.body) == wanted:
                return Sent(item.name, _link(item))
        return None

    def _comment(self, message: OutboundMessage) -> Sent:
        if not _THING.fullmatch(message.in_reply_to):
            raise ConnectorError("reddit: a reply needs the fullname of what it answers", retryable=False)
        answer = self._posted(
            self._client.post("api/comment", {"thing_id": message.in_reply_to, "text": message.text})
        )
        things = answer.data.things if answer.data else []
        try:
            made = parse_thing(things[0])
        except (IndexError, ValueError) as error:
            # Reddit may have taken it: a retry goes through find_sent first, so never twice.
            raise ConnectorError("reddit answered a reply in an unknown shape", retryable=True) from error
        return Sent(made.name, _link(made))

    def _compose(self, message: OutboundMessage) -> Sent:
        to = _username(message.recipient)
        subject = _normalised(message.subject) or f"A message from {self._account.handle}"
        self._posted(
            self._client.post(
                "api/compose", {"to": to, "subject": subject[:MAX_SUBJECT_CHARS], "text": message.text}
            )
        )
        try:
            found = self.find_sent(message)
        except ConnectorError as error:
            logger.warning("reddit %s: sent message not read back: %s", self._account.budget_key, error)
            found = None
        # Sent, but its id unknown: a stand-in unique to this message, never a retry that sends twice.
        return found or Sent(f"compose:{message.key}"[:128])

    def _posted(self, answer: Any) -> ApiAnswer:
        try:
            envelope = ApiEnvelope.model_validate(answer)
        except ValidationError as error:
            raise ConnectorError("reddit answered a send in an unknown shape", retryable=True) from error
        errors = [
            (str(error[0] or ""), str(error[1] or "")) for error in envelope.json_.errors if len(error) >= 2
        ]
        if envelope.json_.errors:
            raise api_error(errors or [("UNKNOWN", "")])
        return envelope.json_

    def _recent_comments(self) -> list[Comment]:
        name = _username(self._account.external_id or self._account.handle)
        page = self._listing(f"user/{name}/comments", {"sort": "new", "limit": RECENT_ITEMS})
        return [thing for thing in page if isinstance(thing, Comment) and is_own(thing.author, self._account)]

    def _recent_sent(self) -> list[Message]:
        page = self._listing("message/sent", {"limit": RECENT_ITEMS})
        return [thing for thing in page if isinstance(thing, Message)]

    def _listing(self, path: str, params: dict[str, str]) -> list[Thing]:
        try:
            page = parse_page(Listing.model_validate(self._client.get(path, params)))
        except ValidationError as error:
            raise ConnectorError(f"reddit answered {path} in an unknown shape", retryable=True) from error
        return page.things
