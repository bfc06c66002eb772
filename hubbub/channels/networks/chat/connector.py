"""The web-chat connector: hubbub is the network, so sending a reply means storing it in the conversation.

The visitor's event stream (`hubbub/api/widget.py`) reads the conversation's stored posts, so a reply
is delivered the moment its post is stored. Its id is derived from the outbound key: a retried send
stores nothing twice, and `find_sent` answers by looking for that id. Unlike the connectors of
outside networks this one reads and writes the database: the database is where chat lives.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from hubbub.channels.budget import RateBudget
from hubbub.channels.models import ChatSession, OutboundKind
from hubbub.channels.networks.base import (
    AccountConfig,
    ConnectorError,
    Fetched,
    NetworkSpec,
    OutboundMessage,
    ReplyRules,
    Sent,
)
from hubbub.channels.networks.chat.messages import agent_message_id, agent_post
from hubbub.channels.networks.chat.payloads import MAX_MESSAGE_CHARS
from hubbub.core.models import PostRecord
from hubbub.core.networks import Network
from hubbub.pipeline.store import write_posts

# Nothing to fetch: visitors' messages arrive through the widget's endpoints, not by polling.
POLL_SECONDS = 3600.0


class ChatConnector:
    """One brand's chat account."""

    def __init__(self, account: AccountConfig, budget: RateBudget) -> None:
        self.account = account
        self.budget = budget  # unused: no outside network, no rate limit to observe

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """Nothing: visitors' messages enter the pipeline when they are sent (hubbub/api/widget.py)."""
        return Fetched(posts=[], cursor=dict(cursor))

    def send(self, message: OutboundMessage) -> Sent:
        """Deliver an agent's reply: store it in the visitor's open conversation."""
        if message.kind != OutboundKind.CHAT:
            raise ConnectorError(f"web chat cannot send a {message.kind!r} message", retryable=False)
        if not self._is_open(message.thread_id):
            raise ConnectorError("the chat session is closed or does not exist", retryable=False)
        post = agent_post(self.account, message, now=timezone.now())
        with transaction.atomic():
            write_posts([post])
        return Sent(external_id=post.external_id)

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """The reply if it is already stored in the conversation."""
        external_id = agent_message_id(message.key)
        stored = PostRecord.objects.filter(
            network=Network.CHAT, external_id=external_id, brand_id=self.account.brand_id
        ).exists()
        return Sent(external_id=external_id) if stored else None

    def _is_open(self, thread_id: str) -> bool:
        return ChatSession.objects.filter(
            brand_account_id=self.account.account_id, thread_id=thread_id, closed_at__isnull=True
        ).exists()


SPEC = NetworkSpec(
    network=Network.CHAT,
    rules=ReplyRules(max_chars=MAX_MESSAGE_CHARS, kinds=frozenset({OutboundKind.CHAT})),
    connect=ChatConnector,
    webhooks=None,
    poll_seconds=POLL_SECONDS,
)
