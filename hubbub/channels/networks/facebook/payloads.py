"""Facebook Pages payloads, parsed at the door: Graph API lists and the `page` webhook events.

Unknown fields are ignored; Graph ids must be Graph ids (digits, or `page_post` pairs), so an id is
safe in a URL path; text and names are cut to our bounds. A malformed item is rejected alone
(`parse_items`), so one bad comment never fails a poll or a delivery.
"""

from __future__ import annotations

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

from hubbub.core.posts import MAX_NAME_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS

logger = logging.getLogger(__name__)

GraphId = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,40}(_[0-9]{1,40})?$")]
MessageId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:=+/-]{1,200}$")]
Text = Annotated[str, AfterValidator(lambda text: text[:MAX_TEXT_CHARS])]
Name = Annotated[str, AfterValidator(lambda name: name[:MAX_NAME_CHARS])]
FacebookUrl = Annotated[
    str, StringConstraints(pattern=r"^https://(www|m|web)\.facebook\.com/", max_length=MAX_URL_CHARS)
]
Epoch = Annotated[int, Field(gt=0)]

Model = TypeVar("Model", bound=BaseModel)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


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


def from_epoch(seconds_or_ms: int) -> datetime:
    """An aware UTC time from Meta's epoch stamps, which come in seconds or milliseconds."""
    seconds = seconds_or_ms / 1000 if seconds_or_ms > 10**11 else seconds_or_ms
    return datetime.fromtimestamp(seconds, tz=UTC)


class Author(_Payload):
    id: GraphId
    name: Name = ""


# Graph API (GET /{page-id}/feed, /{post-id}/comments, /{page-id}/conversations)


class GraphPost(_Payload):
    id: GraphId
    message: Text = ""
    created_time: AwareDatetime
    author: Author | None = Field(None, alias="from")
    permalink_url: FacebookUrl | None = None


class Parent(_Payload):
    id: GraphId


class GraphComment(_Payload):
    id: GraphId
    message: Text = ""
    created_time: AwareDatetime
    author: Author | None = Field(None, alias="from")
    parent: Parent | None = None
    permalink_url: FacebookUrl | None = None


class GraphList(_Payload):
    """A Graph list; items stay raw until `parse_items` takes them one by one."""

    data: list[Any] = []


class GraphMessage(_Payload):
    id: MessageId
    message: Text = ""
    author: Author | None = Field(None, alias="from")


class Conversation(_Payload):
    messages: GraphList = GraphList()


class CommentCreated(_Payload):
    id: GraphId


class MessageSent(_Payload):
    message_id: MessageId


# Webhooks (object "page": feed changes and Messenger messaging events)


class FeedValue(_Payload):
    item: str
    verb: str
    post_id: GraphId
    comment_id: GraphId | None = None
    parent_id: GraphId | None = None
    author: Author = Field(alias="from")
    message: Text = ""
    created_time: Epoch


class Change(_Payload):
    field: str
    value: dict[str, Any]


class Party(_Payload):
    id: GraphId


class Attachment(_Payload):
    type: Annotated[str, StringConstraints(max_length=40)] = "file"


class MessengerMessage(_Payload):
    mid: MessageId
    text: Text = ""
    is_echo: bool = False
    attachments: list[Attachment] = []


class MessagingEvent(_Payload):
    sender: Party
    recipient: Party
    timestamp: Epoch
    message: MessengerMessage


class Entry(_Payload):
    id: GraphId
    time: Epoch
    changes: list[Any] = []
    messaging: list[Any] = []


class Notification(_Payload):
    """One webhook delivery; entries stay raw until `parse_items` takes them one by one."""

    object: str
    entry: list[Any] = []
