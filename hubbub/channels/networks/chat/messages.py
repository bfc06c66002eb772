"""Chat messages as Posts: a visitor's message on its way into the pipeline, an agent's reply as sent."""

from __future__ import annotations

import hashlib
from datetime import datetime

from hubbub.channels.networks.base import AccountConfig, OutboundMessage
from hubbub.channels.networks.chat.payloads import VisitorMessage
from hubbub.channels.networks.chat.queries import ChatVisitor
from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import Post

ANONYMOUS_NAME = "Web visitor"


def visitor_author_id(visitor: ChatVisitor) -> str:
    """Who wrote: the email the brand's page gave (so the CRM can link it), else the session itself."""
    return visitor.email or f"chat:{visitor.thread_id}"


def visitor_post(visitor: ChatVisitor, message: VisitorMessage, *, source: str, now: datetime) -> Post:
    """A visitor's message as an inbound post of the conversation; its id makes a retried send a no-op."""
    return Post(
        network=Network.CHAT,
        external_id=f"{visitor.thread_id}:{message.client_id}",
        author_id=visitor_author_id(visitor),
        author_name=visitor.name or ANONYMOUS_NAME,
        text=message.text,
        created_at=now,
        kind=PostKind.CHAT,
        thread_id=visitor.thread_id,
        account_id=visitor.account.account_id,
        brand_id=visitor.account.brand_id,
        source=source,
    )


def agent_message_id(key: str) -> str:
    """The stored id of an agent's reply: derived from the outbound key, so a retry finds the same one."""
    return "agent-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def agent_post(account: AccountConfig, message: OutboundMessage, *, now: datetime) -> Post:
    """An agent's reply as an outbound post of the conversation (never routed, never analysed)."""
    return Post(
        network=Network.CHAT,
        external_id=agent_message_id(message.key),
        author_id=account.external_id or account.handle,  # as the outbound sender stores it
        author_handle=account.handle,
        text=message.text,
        created_at=now,
        in_reply_to_id=message.in_reply_to,
        is_inbound=False,
        kind=PostKind.CHAT,
        thread_id=message.thread_id,
        account_id=account.account_id,
        brand_id=account.brand_id,
    )
