"""X payloads, parsed at the door: API v2 tweet pages and v1.1 Account Activity webhook events.

Unknown fields are ignored; ids must be X's numeric ids; text and names are cut to our bounds. A
malformed item is rejected alone (`parse_items`) so one bad tweet never fails a poll. X escapes
`&`, `<` and `>` in tweet text as HTML entities (twitter-text convention, v1.1 and v2 alike); we
unescape them so posts hold plain text, escaped again in every sink.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from hubbub.core.posts import MAX_NAME_CHARS, MAX_TEXT_CHARS

logger = logging.getLogger(__name__)

XId = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,32}$")]
Text = Annotated[str, AfterValidator(lambda text: html.unescape(text)[:MAX_TEXT_CHARS])]
Name = Annotated[str, AfterValidator(lambda name: name[:MAX_NAME_CHARS])]
Handle = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,50}$")]
Count = Annotated[int, Field(ge=0)]

Model = TypeVar("Model", bound=BaseModel)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


def parse_items(model: type[Model], items: Iterable[Any], what: str) -> list[Model]:
    """Each valid item as `model`; invalid ones are logged by reason (never by content) and skipped."""
    parsed = []
    for item in items:
        try:
            parsed.append(model.model_validate(item))
        except ValidationError as error:
            reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            logger.warning("Skipped a malformed %s: %s", what, reasons[:500])
    return parsed


# API v2 (GET /2/users/:id/mentions, /2/tweets/search/recent, /2/users/:id/tweets)


class UserMetrics(_Payload):
    followers_count: Count = 0


class User(_Payload):
    id: XId
    username: Handle
    name: Name = ""
    public_metrics: UserMetrics = UserMetrics()


class ReferencedTweet(_Payload):
    type: str
    id: XId


class Tweet(_Payload):
    id: XId
    text: Text
    author_id: XId
    created_at: AwareDatetime
    conversation_id: XId | None = None
    referenced_tweets: tuple[ReferencedTweet, ...] = ()

    @property
    def replied_to(self) -> str:
        """The id of the tweet this one answers, or ""."""
        return next((ref.id for ref in self.referenced_tweets if ref.type == "replied_to"), "")


class Includes(_Payload):
    users: list[Any] = []


class PageMeta(_Payload):
    newest_id: XId | None = None
    next_token: Annotated[str, StringConstraints(max_length=200)] | None = None


class TweetPage(_Payload):
    """One page of a v2 tweet list; items stay raw until `parse_items` takes them one by one."""

    data: list[Any] = []
    includes: Includes = Includes()
    meta: PageMeta = PageMeta()


class Created(_Payload):
    """The `data` of POST /2/tweets."""

    id: XId


class DmCreated(_Payload):
    """The `data` of POST /2/dm_conversations/with/:participant_id/messages."""

    dm_conversation_id: str
    dm_event_id: XId


class DmEvent(_Payload):
    """One item of GET /2/dm_conversations/with/:participant_id/dm_events."""

    id: XId
    event_type: str
    text: Text = ""
    sender_id: XId | None = None


# Account Activity API (v1.1 objects pushed to the webhook)


class V1User(_Payload):
    id_str: XId
    screen_name: Handle
    name: Name = ""
    followers_count: Count = 0


class ExtendedTweet(_Payload):
    full_text: Text


class V1Tweet(_Payload):
    id_str: XId
    text: Text = ""
    extended_tweet: ExtendedTweet | None = None
    user: V1User
    timestamp_ms: Annotated[int, Field(gt=0)]
    in_reply_to_status_id_str: XId | None = None
    retweeted_status: dict[str, Any] | None = None

    @property
    def full_text(self) -> str:
        """The whole text: tweets over 140 characters carry it in `extended_tweet`."""
        return self.extended_tweet.full_text if self.extended_tweet else self.text

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, tz=UTC)


class DmTarget(_Payload):
    recipient_id: XId


class DmData(_Payload):
    text: Text


class MessageCreate(_Payload):
    target: DmTarget
    sender_id: XId
    message_data: DmData


class V1DirectMessage(_Payload):
    type: str
    id: XId
    created_timestamp: Annotated[int, Field(gt=0)]
    message_create: MessageCreate

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(self.created_timestamp / 1000, tz=UTC)


class AccountActivity(_Payload):
    """One Account Activity delivery; events stay raw until `parse_items` takes them one by one."""

    for_user_id: XId
    tweet_create_events: list[Any] = []
    direct_message_events: list[Any] = []
    users: dict[str, Any] = {}


class DmUser(_Payload):
    """A user in the `users` map of a direct message delivery (keyed by id, `id` not `id_str`)."""

    id: XId
    screen_name: Handle
    name: Name = ""
    followers_count: Count = 0
