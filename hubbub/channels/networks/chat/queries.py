"""Reads for web chat: a chat account with its settings, a session by its token, a conversation's messages."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from hubbub.channels.models import ChannelAccount, ChatSession
from hubbub.channels.networks.chat.origins import is_allowed_origin
from hubbub.channels.networks.chat.payloads import ChatSettings
from hubbub.core.models import PostRecord
from hubbub.core.networks import Network

logger = logging.getLogger(__name__)

# Messages per poll of a visitor's event stream; a longer conversation arrives over the next polls.
EVENT_BATCH_LIMIT = 100
MAX_TOKEN_CHARS = 100


@dataclass(frozen=True, slots=True)
class ChatAccount:
    """A brand's chat account as the widget endpoints need it."""

    account_id: int
    brand_id: int
    handle: str
    settings: ChatSettings


@dataclass(frozen=True, slots=True)
class ChatVisitor:
    """An open chat session: who the visitor is and which conversation and account it belongs to."""

    session_id: int
    thread_id: str
    name: str
    email: str
    account: ChatAccount


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """One message of a conversation as the visitor's widget receives it."""

    id: int  # the stored post's id: the event id a reconnecting widget resumes after
    message_id: str
    sender: str  # "visitor" or "agent"
    text: str
    created_at: datetime


def token_digest(token: str) -> str:
    """The SHA-256 of a visitor's token: the only form in which hubbub keeps it."""
    return hashlib.sha256(token.encode()).hexdigest()


def chat_account(account_id: int) -> ChatAccount | None:
    """The enabled chat account `account_id` with its settings, or None."""
    channel = (
        ChannelAccount.objects.select_related("account")
        .filter(account_id=account_id, account__network=Network.CHAT, enabled=True)
        .first()
    )
    return _chat_account(channel) if channel is not None else None


def visitor_for_token(token: str) -> ChatVisitor | None:
    """The open session whose token this is, on an enabled chat account, or None."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        return None
    session = (
        ChatSession.objects.select_related("brand_account__channel")
        .filter(token_hash=token_digest(token), closed_at__isnull=True)
        .filter(brand_account__network=Network.CHAT, brand_account__channel__enabled=True)
        .first()
    )
    if session is None:
        return None
    account = _chat_account(session.brand_account.channel)
    return ChatVisitor(session.id, session.thread_id, session.visitor_name, session.visitor_email, account)


def events_after(visitor: ChatVisitor, after: int, *, limit: int = EVENT_BATCH_LIMIT) -> list[ChatEvent]:
    """The conversation's messages stored after post id `after`, oldest first."""
    rows = (
        PostRecord.objects.filter(
            brand_id=visitor.account.brand_id, network=Network.CHAT, thread_id=visitor.thread_id, id__gt=after
        )
        .order_by("id")
        .values_list("id", "external_id", "is_inbound", "text", "created_at")[:limit]
    )
    return [
        ChatEvent(
            id=id_, message_id=external_id, sender="visitor" if inbound else "agent", text=text, created_at=at
        )
        for id_, external_id, inbound, text, at in rows
    ]


def _chat_account(channel: ChannelAccount) -> ChatAccount:
    account = channel.account
    return ChatAccount(account.id, account.brand_id, account.handle, _settings(channel))


def _settings(channel: ChannelAccount) -> ChatSettings:
    try:
        return ChatSettings.model_validate(channel.settings if isinstance(channel.settings, dict) else {})
    except ValidationError as error:
        # A mistyped setting must not open the widget to every site: no origins until it is fixed.
        logger.warning(
            "chat account %s has invalid settings (%d errors)", channel.account_id, error.error_count()
        )
        return ChatSettings()


def allowed_by_any_account(origin: str | None) -> bool:
    """Whether some enabled chat account lets its widget run on `origin` (for CORS preflights)."""
    channels = ChannelAccount.objects.filter(account__network=Network.CHAT, enabled=True).select_related(
        "account"
    )
    return any(is_allowed_origin(origin, _settings(channel).allowed_origins) for channel in channels)
