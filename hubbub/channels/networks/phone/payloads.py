"""Call events from a telephone system: the generic CTI event, E.164 numbers, and the Post each becomes.

One call is one thread (`thread_id` = the call id) of up to three posts: offered, answered, ended,
each stored once (`external_id` = "<call id>:<event>"). The author is the caller's number in E.164
form, so the CRM links the call to the customer with that phone number (crm.actions.identities).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import Post

CallEventName = Literal["offered", "answered", "ended"]
# ITU-T E.164: a country code and a subscriber number, at most 15 digits in all.
_E164 = re.compile(r"\+[1-9]\d{6,14}")
_PUNCTUATION = re.compile(r"[\s().\-/]")
AGENT_PATTERN = r"^[\w.@+-]*$"  # Django's username characters
CALL_ID_PATTERN = r"^[A-Za-z0-9._:@-]+$"


def normalise_e164(number: str) -> str:
    """The number in E.164 form ("+49 (30) 1234-567" and "0049301234567" -> "+49301234567")."""
    compact = _PUNCTUATION.sub("", number.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not _E164.fullmatch(compact):
        raise ValueError("not a phone number in international form, e.g. +4930123456")
    return compact


class CallEvent(BaseModel):
    """One event of one call, as a CTI system reports it (or as the AMI client maps Asterisk's)."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    event: CallEventName
    call_id: str = Field(min_length=1, max_length=100, pattern=CALL_ID_PATTERN)
    caller: str = Field(max_length=40)
    called: str = Field(max_length=40)
    agent: str = Field(default="", max_length=150, pattern=AGENT_PATTERN)
    at: AwareDatetime

    @field_validator("caller", "called")
    @classmethod
    def _e164(cls, value: str) -> str:
        return normalise_e164(value)

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


def call_text(event: CallEvent) -> str:
    """What the inbox shows for the event; the agent (when named) ends the line, "for agent <name>"."""
    text = {
        "offered": f"Incoming call from {event.caller} to {event.called}",
        "answered": f"Call from {event.caller} answered",
        "ended": f"Call from {event.caller} ended",
    }[event.event]
    return f"{text} for agent {event.agent}" if event.agent else text


def call_post(event: CallEvent, *, brand_id: int | None, account_id: int | None) -> Post:
    """The Post for one call event: kind call, the call as its thread, the caller as its author."""
    return Post(
        network=Network.PHONE,
        external_id=f"{event.call_id}:{event.event}",
        author_id=event.caller,
        author_handle=event.caller,
        text=call_text(event),
        created_at=event.at,
        in_reply_to_id="" if event.event == "offered" else f"{event.call_id}:offered",
        brand_id=brand_id,
        kind=PostKind.CALL,
        thread_id=event.call_id,
        account_id=account_id,
        source=event.called,
    )
