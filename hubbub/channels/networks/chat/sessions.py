"""Writes for web chat: opening a visitor's session (the token is shown once, only its hash is kept)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from hubbub.channels.models import ChatSession
from hubbub.channels.networks.chat.payloads import StartSession
from hubbub.channels.networks.chat.queries import ChatAccount, token_digest

TOKEN_BYTES = 32
THREAD_BYTES = 12


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """What the widget gets once: the secret token, and the conversation's thread id."""

    token: str
    thread_id: str


@transaction.atomic
def open_session(account: ChatAccount, visitor: StartSession) -> OpenedSession:
    """Start a conversation on `account`; the token exists only in the answer, the hash in the database."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    thread_id = f"chat-{secrets.token_hex(THREAD_BYTES)}"
    ChatSession.objects.create(
        brand_account_id=account.account_id,
        token_hash=token_digest(token),
        thread_id=thread_id,
        visitor_name=visitor.name,
        visitor_email=visitor.email,
    )
    return OpenedSession(token=token, thread_id=thread_id)
