"""What an email account is configured with, and an RFC 5322 message parsed into bounded, typed values.

Parsing uses the standard library's `email` package with `policy.default` (RFC 5322 / RFC 6532
headers, RFC 2231 filenames). A message hubbub cannot read (no sender address) raises
`MalformedEmailError` with the reason; every other defect degrades to an empty field.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError, MessageError
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hubbub.channels.html_text import html_to_text
from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS

MAX_MESSAGE_BYTES = 25 * 1024 * 1024  # larger messages are read by their headers only
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
MAX_SUBJECT_CHARS = 300
MAX_REFERENCES = 50
MAX_FILENAME_CHARS = 100
_HEADER_ERRORS = (
    HeaderParseError,
    MessageError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    LookupError,
)
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_ADDRESS = re.compile(r"[^@\s<>\"(),;:\\\[\]]+@[^@\s<>\"(),;:\\\[\]]+")
_CONTENT_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]{1,40}/[a-z0-9!#$&^_.+-]{1,59}")
_UNSAFE_FILENAME_CHARS = re.compile(r"[^\w.\- ()]+")


class MalformedEmailError(ValueError):
    """A message hubbub cannot turn into a post; the text says why."""


class EmailSettings(BaseModel):
    """An email account's settings (not secret): its address and how to reach its IMAP and SMTP servers."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    address: str = Field(max_length=254)
    display_name: str = Field(default="", max_length=MAX_NAME_CHARS)
    imap_host: str = Field(max_length=253)
    imap_port: int = Field(default=993, ge=1, le=65535)
    imap_ssl: bool = True
    mailbox: str = Field(default="INBOX", max_length=200)
    sent_folder: str = Field(default="Sent", max_length=200)
    smtp_host: str = Field(max_length=253)
    smtp_port: int = Field(default=465, ge=1, le=65535)
    smtp_security: Literal["ssl", "starttls", "none"] = "ssl"
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    max_messages_per_poll: int = Field(default=200, ge=1, le=5000)

    @field_validator("address")
    @classmethod
    def _one_address(cls, value: str) -> str:
        if not _ADDRESS.fullmatch(value.strip()):
            raise ValueError("not an email address")
        return value.strip().lower()

    @property
    def domain(self) -> str:
        """The domain of the account's address (our Message-IDs end with it)."""
        return self.address.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class AttachmentPart:
    """A file that came with a message: a safe display name, its declared type and its bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class SkippedAttachment:
    """A file not kept (too large, or one too many), named for the agent."""

    filename: str
    size: int


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    """One message as hubbub keeps it: ids normalised, sender lower-cased, body as plain text."""

    message_id: str
    sender: str
    sender_name: str
    subject: str
    sent_at: datetime | None
    in_reply_to: str
    references: tuple[str, ...]
    body: str
    attachments: tuple[AttachmentPart, ...] = ()
    skipped: tuple[SkippedAttachment, ...] = ()

    @property
    def thread_root(self) -> str:
        """The conversation's first message: the first of References, else In-Reply-To, else this one."""
        if self.references:
            return self.references[0]
        return self.in_reply_to or self.message_id


def normalise_message_id(value: str) -> str:
    """A Message-ID without its angle brackets; one longer than hubbub stores becomes its digest."""
    found = _MESSAGE_ID.search(value)
    bare = found.group(1) if found else "".join(value.split())
    if len(bare) <= MAX_ID_CHARS:
        return bare
    return f"sha256.{hashlib.sha256(bare.encode()).hexdigest()[:40]}@long-id.invalid"


def message_ids(value: str) -> tuple[str, ...]:
    """Every Message-ID in a References or In-Reply-To header, in order, normalised."""
    return tuple(normalise_message_id(found) for found in _MESSAGE_ID.findall(value)[:MAX_REFERENCES])


def parse_email(raw: bytes, *, headers_only: bool = False) -> ParsedEmail:
    """The message in `raw` (RFC 5322 bytes); `headers_only` when the body was not downloaded."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=headers_only)
    if not isinstance(message, EmailMessage):  # policy.default always builds EmailMessage
        raise MalformedEmailError("not a message")
    sender, sender_name = _sender(message)
    own_id = normalise_message_id(_header(message, "message-id"))
    if not own_id:
        # No Message-ID (RFC 5322 only says SHOULD): the same bytes always give the same id.
        own_id = f"{hashlib.sha256(raw).hexdigest()[:40]}@missing-id.invalid"
    body, attachments, skipped = ("", (), ()) if headers_only else _content(message)
    in_reply_to = message_ids(_header(message, "in-reply-to"))
    return ParsedEmail(
        message_id=own_id,
        sender=sender,
        sender_name=sender_name,
        subject=" ".join(_header(message, "subject").split())[:MAX_SUBJECT_CHARS],
        sent_at=_date(message),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=message_ids(_header(message, "references")),
        body=body,
        attachments=attachments,
        skipped=skipped,
    )


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except _HEADER_ERRORS:
        return ""
    return "" if value is None else str(value)


def _sender(message: EmailMessage) -> tuple[str, str]:
    try:
        header = message.get("from")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
    except _HEADER_ERRORS:
        addresses = ()
    for address in addresses:
        spec = address.addr_spec.strip().lower()
        if _ADDRESS.fullmatch(spec) and len(spec) <= MAX_ID_CHARS:
            return spec, " ".join(address.display_name.split())[:MAX_NAME_CHARS]
    raise MalformedEmailError("no sender address in From")


def _date(message: EmailMessage) -> datetime | None:
    try:
        header = message.get("date")
        value = getattr(header, "datetime", None) if header is not None else None
    except _HEADER_ERRORS:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None  # RFC 5322 dates carry a zone; one without ("-0000" parses naive) tells us nothing
    return value.astimezone(UTC)


def _content(message: EmailMessage) -> tuple[str, tuple[AttachmentPart, ...], tuple[SkippedAttachment, ...]]:
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = _part_text(body_part) if isinstance(body_part, EmailMessage) else ""
    kept: list[AttachmentPart] = []
    skipped: list[SkippedAttachment] = []
    for part in message.walk():
        if part is body_part or part.is_multipart() or not _is_attachment(part):
            continue
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        name = safe_filename(part.get_filename() or "")
        if len(data) > MAX_ATTACHMENT_BYTES or len(kept) >= MAX_ATTACHMENTS:
            skipped.append(SkippedAttachment(name, len(data)))
        else:
            kept.append(AttachmentPart(name, _content_type(part), data))
    return body[:MAX_TEXT_CHARS], tuple(kept), tuple(skipped)


def _is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())


def _part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        # An unknown or lying charset: read the bytes as UTF-8 rather than lose the message.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    text = content.replace("\r\n", "\n").replace("\r", "\n") if isinstance(content, str) else ""
    return html_to_text(text) if part.get_content_subtype() == "html" else text.strip()


def _content_type(part: Message) -> str:
    declared = part.get_content_type().lower()
    return declared if _CONTENT_TYPE.fullmatch(declared) else "application/octet-stream"


def safe_filename(name: str) -> str:
    """A display name for an attached file: no path, no control or shell characters, bounded."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFKC", name))[-1]
    cleaned = _UNSAFE_FILENAME_CHARS.sub("_", base).strip(" .")
    if len(cleaned) > MAX_FILENAME_CHARS:
        stem, dot, extension = cleaned.rpartition(".")
        keep = extension[:10] if dot and stem else ""
        cleaned = cleaned[: MAX_FILENAME_CHARS - len(keep) - 1].rstrip(" .") + (f".{keep}" if keep else "")
    return cleaned or "attachment"
