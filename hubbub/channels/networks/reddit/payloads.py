"""Reddit's documented JSON (reddit.com/dev/api), checked one item at a time at the door.

A listing is `{"kind": "Listing", "data": {"after": ..., "children": [{"kind": "t3", "data": {...}}]}}`;
children are submissions (`t3`), comments (`t1`) and private messages (`t4`). The inbox also holds
comment replies and mentions as `t1` items without `link_id` or `permalink`, only a `context` path.
Text fields are Markdown as typed (prawcore asks for `raw_json=1`, so nothing arrives HTML-escaped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from hubbub.core.posts import MAX_NAME_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS

MAX_PAGE_ITEMS = 100  # "The maximum is 100. Larger numbers will be clamped to the maximum."
DELETED = "[deleted]"  # the author of an item whose account is gone, or a subreddit's message
_FULLNAME = re.compile(r"t[1-6]_[0-9a-z]{1,13}")
# A path on www.reddit.com; "//host" or "@host" would turn the public link into another site's.
_PATH = re.compile(r"/(?!/)[^\s\\@]*")
_SUBREDDIT = re.compile(r"[A-Za-z0-9_]{1,50}")
_THREAD_IN_CONTEXT = re.compile(r"/comments/([0-9a-z]{1,13})/")


def _cut(limit: int) -> BeforeValidator:
    return BeforeValidator(lambda value: value[:limit] if isinstance(value, str) else value)


def _fullname_of(*kinds: str) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is not None and (not _FULLNAME.fullmatch(value) or value[:2] not in kinds):
            raise ValueError(f"not a fullname of kind {'/'.join(kinds)}")
        return value

    return AfterValidator(check)


def _path(value: str) -> str:
    if value and not _PATH.fullmatch(value):
        raise ValueError("not a path on reddit.com")
    return value


def _subreddit(value: str | None) -> str | None:
    if value is not None and not _SUBREDDIT.fullmatch(value):
        raise ValueError("not a subreddit name")
    return value


Author = Annotated[
    str, BeforeValidator(lambda value: DELETED if value is None else value), _cut(MAX_NAME_CHARS)
]
Text = Annotated[str, _cut(MAX_TEXT_CHARS)]
Path = Annotated[str, _cut(MAX_URL_CHARS), AfterValidator(_path)]
Subreddit = Annotated[str | None, AfterValidator(_subreddit)]


class Submission(BaseModel):
    """A link or text post (`t3`)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: Annotated[str, _fullname_of("t3")]
    title: Text
    selftext: Text = ""
    author: Author = DELETED
    subreddit: Subreddit = None
    created_utc: AwareDatetime  # Unix seconds; pydantic reads a number as a UTC time
    permalink: Path


class Comment(BaseModel):
    """A comment (`t1`), from a subreddit's comments, a user's comments or the inbox."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: Annotated[str, _fullname_of("t1")]
    body: Text
    author: Author = DELETED
    subreddit: Subreddit = None
    link_id: Annotated[str | None, _fullname_of("t3")] = None
    parent_id: Annotated[str, _fullname_of("t1", "t3")]
    created_utc: AwareDatetime
    permalink: Path = ""
    context: Path = ""  # inbox items only: "/r/sub/comments/<link>/<slug>/<comment>/?context=3"

    @property
    def thread_id(self) -> str:
        """The submission the comment belongs to; inbox items name it only in their context path."""
        if self.link_id:
            return self.link_id
        found = _THREAD_IN_CONTEXT.search(self.context)
        return f"t3_{found.group(1)}" if found else self.parent_id


class Message(BaseModel):
    """A private message (`t4`); `author` is null for a message from a subreddit."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: Annotated[str, _fullname_of("t4")]
    body: Text
    subject: Annotated[str, _cut(MAX_NAME_CHARS)] = ""
    author: Author = DELETED
    dest: Annotated[str, _cut(MAX_NAME_CHARS)] = ""
    created_utc: AwareDatetime
    parent_id: Annotated[str | None, _fullname_of("t4")] = None
    first_message_name: Annotated[str | None, _fullname_of("t4")] = None


Thing = Submission | Comment | Message
_MODELS: dict[str, type[Thing]] = {"t3": Submission, "t1": Comment, "t4": Message}


class ListingData(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    after: Annotated[str | None, _fullname_of("t1", "t3", "t4")] = None
    children: Annotated[list[Any], Field(max_length=MAX_PAGE_ITEMS)]


class Listing(BaseModel):
    """A page of a listing: its items unparsed (each is checked alone) and the next page's anchor."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: Literal["Listing"]
    data: ListingData


class PostedThings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    things: list[Any] = []


class ApiAnswer(BaseModel):
    """The inner object of a POST answered with `api_type=json`: errors, and what was made."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    # Each error is [code, message, field], e.g. ["RATELIMIT", "Take a break for 5 minutes ...", "ratelimit"].
    errors: Annotated[list[list[str | None]], Field(max_length=20)] = []
    data: PostedThings | None = None


class ApiEnvelope(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    json_: Annotated[ApiAnswer, Field(alias="json")]


@dataclass(frozen=True, slots=True)
class Page:
    """The items of one listing page that passed, why the others were rejected, and the next anchor."""

    things: list[Thing]
    rejected: list[str]
    after: str | None


def parse_thing(child: Any) -> Thing:
    """One listing child, by its kind; raises ValueError (or ValidationError) with the reason."""
    if not isinstance(child, dict):
        raise ValueError("not an object")
    model = _MODELS.get(str(child.get("kind"))[:10])
    if model is None:
        raise ValueError(f"kind {str(child.get('kind'))[:10]!r} is not read")
    return model.model_validate(child.get("data"))


def parse_page(listing: Listing) -> Page:
    """Each child validated alone: a malformed one is rejected with its reason, never the page."""
    things: list[Thing] = []
    rejected: list[str] = []
    for index, child in enumerate(listing.data.children):
        try:
            things.append(parse_thing(child))
        except ValidationError as error:
            rejected.append(f"item {index}: {_first_problem(error)}")
        except ValueError as error:
            rejected.append(f"item {index}: {error}"[:200])
    return Page(things, rejected, listing.data.after)


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"[:200]
