"""The phone connector: `poll` drains the call events an AMI listener buffered for the account.

Calls reach hubbub two ways: a CTI system posts events to `/api/v1/cti/events` (hubbub/api/cti.py),
or hubbub listens to an Asterisk AMI itself. For the second, the first poll of a phone account
whose settings name an `ami_host` starts one AmiListener thread per account in this process; every
poll then returns what it buffered since the cursor (`session` + `seq`), so events are handed on
until the poller stores the cursor after storing the posts. Phones take no outbound messages.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from pydantic import ValidationError

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import (
    AccountConfig,
    ConnectorError,
    Fetched,
    NetworkSpec,
    OutboundMessage,
    ReplyRules,
    Sent,
)
from hubbub.channels.networks.phone.ami import AmiListener, AmiSettings
from hubbub.channels.networks.phone.payloads import call_post
from hubbub.core.networks import Network

_listeners: dict[int, AmiListener] = {}
_lock = threading.Lock()


def listener_for(account: AccountConfig) -> AmiListener | None:
    """The running AMI listener of `account` (started now if needed); None when it has no AMI."""
    if not account.settings.get("ami_host"):
        return None
    try:
        settings = AmiSettings.model_validate(account.settings)
    except ValidationError as error:
        fields = ", ".join(".".join(map(str, problem["loc"])) for problem in error.errors())
        raise ConnectorError(f"phone account settings are invalid: {fields}", retryable=False) from None
    credentials = (account.secrets.get("username", ""), account.secrets.get("secret", ""))
    with _lock:
        listener = _listeners.get(account.account_id)
        if listener is not None and (listener.settings, listener.credentials) == (settings, credentials):
            return listener
        if listener is not None:
            listener.stop()
        listener = _listeners[account.account_id] = AmiListener(settings, *credentials)
        listener.start()
        return listener


def stop_listeners() -> None:
    """Stop every AMI listener of this process (at shutdown)."""
    with _lock:
        listeners = list(_listeners.values())
        _listeners.clear()
    for listener in listeners:
        listener.stop()


class PhoneConnector:
    """One phone line: its calls as posts; nothing to send."""

    def __init__(self, account: AccountConfig, budget: RateBudget) -> None:
        self.account = account
        self.budget = budget

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """The call events buffered since the cursor, oldest first (none for CTI-only lines)."""
        listener = listener_for(self.account)
        if listener is None:
            return Fetched([], dict(cursor))
        if listener.refused:
            raise ConnectorError(listener.error, retryable=False)
        seq = cursor.get("seq", "0")
        after = int(seq) if cursor.get("session") == listener.session and seq.isdigit() else 0
        events = listener.pending(after)
        posts = [
            call_post(event, brand_id=self.account.brand_id, account_id=self.account.account_id)
            for _, event in events
        ]
        last = events[-1][0] if events else after
        return Fetched(posts, {"session": listener.session, "seq": str(last)})

    def send(self, message: OutboundMessage) -> Sent:
        """Phones take no messages: call the customer back instead."""
        raise ConnectorError(f"a phone line cannot send a {message.kind} message", retryable=False)

    def find_sent(self, message: OutboundMessage) -> Sent | None:  # noqa: ARG002 (the Connector protocol)
        """Nothing is ever sent on a phone line."""
        return None


def connect(account: AccountConfig, budget: RateBudget) -> PhoneConnector:
    """The connector of one phone line (NetworkSpec.connect)."""
    return PhoneConnector(account, budget)


SPEC = NetworkSpec(
    network=Network.PHONE,
    rules=ReplyRules(max_chars=0, kinds=frozenset()),
    connect=connect,
    poll_seconds=5.0,  # only drains a memory buffer: cheap
)
