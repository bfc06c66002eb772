"""What the widget and a chat account's settings may say, checked at the door.

Everything here comes from a visitor's browser or an administrator's JSON: bounded, typed, and
unknown fields ignored. A visitor's text is kept as plain text; nothing here is ever HTML.
"""

from __future__ import annotations

import re
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from hubbub.core.posts import MAX_NAME_CHARS

MAX_MESSAGE_CHARS = 4_000
MAX_GREETING_CHARS = 300
MAX_ORIGINS = 50
DEFAULT_GREETING = "Hi! How can we help?"
DEFAULT_COLOUR = "#3b5bdb"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# A message id the widget makes up (it makes a retried send idempotent); short and URL-safe.
CLIENT_ID_PATTERN = r"^[A-Za-z0-9_-]{8,40}$"
_EMAIL_MAX_CHARS = 254

Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NAME_CHARS)]


class ChatSettings(BaseModel):
    """A chat account's settings (`ChannelAccount.settings`): where the widget may run, how it greets."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    allowed_origins: tuple[str, ...] = Field(default=(), max_length=MAX_ORIGINS)
    greeting: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_GREETING_CHARS)] = (
        DEFAULT_GREETING
    )
    colour: str = DEFAULT_COLOUR

    @field_validator("colour")
    @classmethod
    def _hex_colour(cls, colour: str) -> str:
        # The colour reaches the visitor's page as a style value: only #rrggbb, never free text.
        return colour if _COLOUR.fullmatch(colour) else DEFAULT_COLOUR


class StartSession(BaseModel):
    """A visitor opening a conversation: a name and an email when the brand's page knows them."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: Name = ""
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=_EMAIL_MAX_CHARS)] = ""

    @field_validator("email")
    @classmethod
    def _valid_email(cls, email: str) -> str:
        if not email:
            return ""
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValueError("not an email address") from None
        return email.lower()


class VisitorMessage(BaseModel):
    """One message a visitor sends, with the id the widget gave it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    client_id: Annotated[str, StringConstraints(pattern=CLIENT_ID_PATTERN)]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)]
