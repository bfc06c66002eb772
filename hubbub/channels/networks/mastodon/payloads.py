"""Mastodon's documented entities (docs.joinmastodon.org/entities/), checked one by one at the door.

Mastodon.py decodes the JSON (dates become aware datetimes); these models then keep what hubbub
uses, bounded, and reject a malformed item alone with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, ValidationError

from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS, MAX_URL_CHARS

MAX_HTML_CHARS = 100_000  # a status is 500 characters by default; some servers allow far more


def _cut(limit: int) -> BeforeValidator:
    return BeforeValidator(lambda value: value[:limit] if isinstance(value, str) else value)


def _identifier(value: Any) -> Any:
    """Ids are strings in the API; Mastodon.py may hand back ints. Refuses empty and oversized ids."""
    text = str(value) if isinstance(value, int | str) else value
    if isinstance(text, str) and not 0 < len(text) <= MAX_ID_CHARS:
        raise ValueError("an id must have 1 to 128 characters")
    return text


Identifier = Annotated[str, BeforeValidator(_identifier)]
OptionalIdentifier = Annotated[str | None, BeforeValidator(lambda v: None if v is None else _identifier(v))]


class Account(BaseModel):
    """docs.joinmastodon.org/entities/Account/"""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: Identifier
    acct: Annotated[str, _cut(MAX_NAME_CHARS)]  # "user" on this server, "user@host" elsewhere
    display_name: Annotated[str, _cut(MAX_NAME_CHARS)] = ""
    followers_count: int = 0
    url: Annotated[str | None, _cut(MAX_URL_CHARS)] = None


class Status(BaseModel):
    """docs.joinmastodon.org/entities/Status/"""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: Identifier
    created_at: AwareDatetime
    account: Account
    content: Annotated[str, _cut(MAX_HTML_CHARS)] = ""
    spoiler_text: Annotated[str, _cut(MAX_NAME_CHARS * 5)] = ""
    visibility: str = "public"
    in_reply_to_id: OptionalIdentifier = None
    url: Annotated[str | None, _cut(MAX_URL_CHARS)] = None
    uri: Annotated[str, _cut(MAX_URL_CHARS)] = ""
    reblog: dict[str, Any] | None = None


class Notification(BaseModel):
    """docs.joinmastodon.org/entities/Notification/ (hubbub asks only for `mention`)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: Identifier
    type: str
    status: Status | None = None


Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Parsed(Generic[Model]):
    """The items that passed, and why the others were rejected."""

    items: list[Model]
    rejected: list[str]


def parse_items(model: type[Model], raw_items: Iterable[Mapping[str, Any]]) -> Parsed[Model]:
    """Each raw item validated alone: a malformed one is rejected with its reason, never the page."""
    items: list[Model] = []
    rejected: list[str] = []
    for index, raw in enumerate(raw_items):
        try:
            items.append(model.model_validate(dict(raw)))
        except ValidationError as error:
            rejected.append(f"{model.__name__} {index}: {_first_problem(error)}")
    return Parsed(items, rejected)


def _first_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"[:200]
