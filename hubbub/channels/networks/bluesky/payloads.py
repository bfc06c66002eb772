"""The AT Protocol lexicons hubbub reads (app.bsky.feed.defs#postView, app.bsky.feed.post,
app.bsky.notification.listNotifications), checked one item at a time at the door."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS

# app.bsky.feed.post: text is at most 300 graphemes and 3,000 bytes; keep a margin for odd servers.
MAX_POST_TEXT_CHARS = 3_000
POST_COLLECTION = "app.bsky.feed.post"


def _cut(limit: int) -> BeforeValidator:
    return BeforeValidator(lambda value: value[:limit] if isinstance(value, str) else value)


AtUri = Annotated[
    str, Field(pattern=r"^at://[^\s/]+/[a-z][A-Za-z0-9.-]*/[A-Za-z0-9._:~-]+$", max_length=MAX_ID_CHARS)
]
Did = Annotated[str, Field(pattern=r"^did:[a-z]+:[A-Za-z0-9._:%-]+$", max_length=MAX_ID_CHARS)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class StrongRef(_Model):
    """com.atproto.repo.strongRef"""

    uri: AtUri
    cid: Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS)]


class ReplyRef(_Model):
    """app.bsky.feed.post#replyRef: the thread's root and the post answered."""

    root: StrongRef
    parent: StrongRef


class PostRecord(_Model):
    """app.bsky.feed.post, the record as its author wrote it."""

    text: Annotated[str, _cut(MAX_POST_TEXT_CHARS)] = ""
    created_at: AwareDatetime = Field(alias="createdAt")
    reply: ReplyRef | None = None
    facets: list[dict[str, Any]] = []


class Author(_Model):
    """app.bsky.actor.defs#profileViewBasic"""

    did: Did
    handle: Annotated[str, _cut(MAX_NAME_CHARS)]
    display_name: Annotated[str, _cut(MAX_NAME_CHARS)] = Field("", alias="displayName")


class PostView(_Model):
    """app.bsky.feed.defs#postView, as searchPosts and getPosts return it."""

    uri: AtUri
    cid: str
    author: Author
    record: PostRecord
    indexed_at: AwareDatetime = Field(alias="indexedAt")


class Notification(_Model):
    """app.bsky.notification.listNotifications#notification (mentions, replies and quotes carry a post)."""

    uri: AtUri
    cid: str
    author: Author
    reason: str
    record: PostRecord
    indexed_at: AwareDatetime = Field(alias="indexedAt")


Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Parsed(Generic[Model]):
    """The items that passed, and why the others were rejected."""

    items: list[Model]
    rejected: list[str]


def parse_items(model: type[Model], raw_items: Iterable[Any]) -> Parsed[Model]:
    """Each raw item validated alone: a malformed one is rejected with its reason, never the page."""
    items: list[Model] = []
    rejected: list[str] = []
    for index, raw in enumerate(raw_items):
        try:
            items.append(model.model_validate(dict(raw) if isinstance(raw, Mapping) else raw))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            rejected.append(f"{model.__name__} {index}: {where}: {first['msg']}"[:200])
    return Parsed(items, rejected)
