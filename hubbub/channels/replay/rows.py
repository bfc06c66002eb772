"""Rows of a replay file, parsed into Posts or rejected with a reason. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hubbub.core.networks import NETWORK_VALUES, Network
from hubbub.core.posts import MAX_ID_CHARS, MAX_TEXT_CHARS, Post


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row that could not become a post: where it was and why."""

    line: int
    reason: str
    raw: str


class PostRow(BaseModel):
    """hubbub's own row layout (JSONL objects or CSV columns with these names)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    network: str = Network.TWITTER.value
    external_id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    author_id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    created_at: datetime
    author_handle: str = ""
    author_name: str = ""
    author_followers: int = Field(default=0, ge=0)
    in_reply_to_id: str = ""
    is_inbound: bool = True

    @field_validator("network")
    @classmethod
    def _known_network(cls, value: str) -> str:
        if value not in NETWORK_VALUES:
            raise ValueError(f"unknown network {value[:40]!r}")
        return value

    @field_validator("created_at", mode="before")
    @classmethod
    def _parse_time(cls, value: Any) -> Any:
        # The customer-support-tweets layout writes RFC 2822 dates ("Tue Oct 31 22:10:47 +0000 2017").
        if isinstance(value, str) and value[:3].isalpha():
            return _parse_twitter_time(value)
        return value

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    def to_post(self) -> Post:
        return Post(
            network=self.network,
            external_id=self.external_id,
            author_id=self.author_id,
            text=self.text,
            created_at=self.created_at,
            author_handle=self.author_handle,
            author_name=self.author_name,
            author_followers=self.author_followers,
            in_reply_to_id=self.in_reply_to_id,
            is_inbound=self.is_inbound,
        )


def _parse_twitter_time(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return parsedate_to_datetime(value)


# The customer-support-tweets layout (one tweet a row; brand replies have inbound=False).
TWCS_COLUMNS = frozenset(
    {"tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"}
)


def from_twcs(fields: dict[str, Any]) -> dict[str, Any]:
    """A customer-support-tweets row in hubbub's own layout."""
    inbound = str(fields.get("inbound", "")).strip().lower() in {"true", "1"}
    author = str(fields.get("author_id") or "")
    return {
        "network": Network.TWITTER.value,
        "external_id": fields.get("tweet_id"),
        "author_id": author,
        # Brand accounts appear by handle (e.g. "AppleSupport"); customers by an anonymised number.
        "author_handle": "" if inbound else author,
        "text": fields.get("text"),
        "created_at": fields.get("created_at"),
        "in_reply_to_id": fields.get("in_response_to_tweet_id") or "",
        "is_inbound": inbound,
    }


def parse_row(line: int, fields: dict[str, Any], raw: str) -> Post | Rejected:
    """A Post from one row's fields, or the reason it cannot be one."""
    try:
        return PostRow.model_validate(fields).to_post()
    except ValidationError as error:
        return Rejected(line=line, reason=describe(error), raw=raw)


def describe(error: ValidationError) -> str:
    """A one-line, human reason from pydantic's errors (field: message; ...)."""
    parts = []
    for item in error.errors(include_url=False, include_input=False):
        field = ".".join(str(loc) for loc in item["loc"]) or "row"
        parts.append(f"{field}: {item['msg']}")
    return "; ".join(parts)
