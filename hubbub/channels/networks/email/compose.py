"""Emails hubbub sends: a Message-ID derived from the outbound key, threading headers, "Re:" subjects."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from hubbub.channels.networks.base import ConnectorError, OutboundMessage
from hubbub.channels.networks.email.payloads import MAX_SUBJECT_CHARS, EmailSettings

# Reply prefixes mail clients write (RFC 5322 §3.6.5 names "Re: "; Outlook and others localise it,
# and some count: "Re[2]:"). A subject that already has one is not prefixed again.
_REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|vs|antw|odp|rif|r)(\[\d+\])?\s*:", re.IGNORECASE)
_SINGLE_ADDRESS = re.compile(r"[^@\s<>\"(),;:\\\[\]]+@[^@\s<>\"(),;:\\\[\]]+")


def outbound_message_id(key: str, settings: EmailSettings) -> str:
    """The Message-ID (without brackets) of the email sent for outbound `key`: a retry gets the same one."""
    return f"hubbub.{hashlib.sha256(key.encode()).hexdigest()[:32]}@{settings.domain}"


def reply_subject(subject: str, *, is_reply: bool) -> str:
    """The subject on one line; replies start with "Re: " unless they already carry a reply prefix."""
    line = " ".join(subject.split())[:MAX_SUBJECT_CHARS]
    if not is_reply or _REPLY_PREFIX.match(line):
        return line
    return f"Re: {line}".rstrip()


def compose_email(message: OutboundMessage, settings: EmailSettings, now: datetime) -> EmailMessage:
    """The email for `message`, from the account's address, threaded under what it answers."""
    recipient = message.recipient.strip()
    if not _SINGLE_ADDRESS.fullmatch(recipient):
        raise ConnectorError("the recipient is not one email address", retryable=False)
    email = EmailMessage()
    email["From"] = Address(display_name=settings.display_name, addr_spec=settings.address)
    email["To"] = recipient
    email["Subject"] = reply_subject(message.subject, is_reply=bool(message.in_reply_to))
    email["Date"] = format_datetime(now)
    email["Message-ID"] = f"<{outbound_message_id(message.key, settings)}>"
    if message.in_reply_to:
        # RFC 5322 §3.6.4: In-Reply-To names the parent; References starts at the thread's root.
        email["In-Reply-To"] = f"<{message.in_reply_to}>"
        chain = dict.fromkeys(ref for ref in (message.thread_id, message.in_reply_to) if ref)
        email["References"] = " ".join(f"<{ref}>" for ref in chain)
    email.set_content(message.text)
    return email
