"""The contract every network folder fulfils (see docs/adding-a-network.md).

A network folder (`channels/networks/<name>/`) has the same slots each: `payloads.py` (pydantic
models of what the network sends), `client.py` (the real client library or httpx, pointed at a base
URL so tests can use a local server), `connector.py` (a `Connector` built per brand account: poll,
send, find a sent message again), `webhooks.py` (verify, answer handshakes, parse pushed events)
and `tests/fixtures/*.json` (payloads in the documented format). Everything here is ORM-free: the
poller and the outbound sender (channels/polling.py, channels/outbound.py) read and write the
database and hand connectors plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from hubbub.channels.budget import RateBudget
from hubbub.core.posts import Post


class ConnectorError(Exception):
    """A call to a network failed; `retryable` says whether trying again later can succeed."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after  # seconds, when the network said how long to wait


class SignatureError(Exception):
    """A pushed request is not provably from the network (bad, missing or stale signature, replay)."""


@dataclass(frozen=True, slots=True)
class AccountConfig:
    """One brand account as its connector sees it: ids, settings and decrypted secrets."""

    account_id: int
    brand_id: int
    network: str
    handle: str
    external_id: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    # Left out of repr(): a logged or printed config must not show credentials.
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def budget_key(self) -> str:
        """The key rate limits are counted under: one budget per network account."""
        return f"{self.network}:{self.account_id}"


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one poll found, and the cursor values to keep once those posts are stored."""

    posts: list[Post]
    cursor: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message to send, with the key that makes sending it twice impossible."""

    key: str
    kind: str  # a channels.models.OutboundKind value
    text: str
    in_reply_to: str = ""  # the external id of the post or comment answered
    recipient: str = ""  # the author id or address for direct messages and emails
    thread_id: str = ""
    subject: str = ""


@dataclass(frozen=True, slots=True)
class Sent:
    """The network's own id (and link) for a sent message."""

    external_id: str
    url: str = ""


class Connector(Protocol):
    """One brand account's connection to its network."""

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """Everything new since `cursor` (catching up missed windows), oldest first."""
        ...

    def send(self, message: OutboundMessage) -> Sent:
        """Send one message; raise ConnectorError when it was not sent."""
        ...

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """The message if the network already has it (a send that crashed after the network took it)."""
        ...


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """A pushed HTTP request, as the webhook view received it."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-cased names
    body: bytes


@dataclass(frozen=True, slots=True)
class WebhookResponse:
    """What to answer the network (a handshake's challenge, or an empty 200)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain"


class WebhookHandler(Protocol):
    """Receives what a network pushes for the accounts of one network."""

    def handshake(self, request: WebhookRequest, secrets: Mapping[str, str]) -> WebhookResponse | None:
        """The answer to a subscription check (X CRC, Meta hub.challenge), or None if it is not one."""
        ...

    def verify(self, request: WebhookRequest, secrets: Mapping[str, str]) -> None:
        """Raise SignatureError unless the request is signed by the network, fresh and not replayed."""
        ...

    def parse(self, request: WebhookRequest, account: AccountConfig) -> list[Post]:
        """The posts, comments and messages in a verified request."""
        ...


@dataclass(frozen=True, slots=True)
class ReplyRules:
    """What a network accepts from us: length, and which kinds of message."""

    max_chars: int
    kinds: frozenset[str]  # OutboundKind values this network can send
    counts: Callable[[str], int] = len  # how the network counts length (X weighs URLs and CJK)


@dataclass(frozen=True, slots=True)
class NetworkSpec:
    """A network as the rest of hubbub sees it: how to connect an account, its rules, its webhooks."""

    network: str  # a core.networks.Network value
    rules: ReplyRules
    connect: Callable[[AccountConfig, RateBudget], Connector]
    webhooks: WebhookHandler | None = None
    poll_seconds: float = 60.0  # how often the poller asks, budget permitting
