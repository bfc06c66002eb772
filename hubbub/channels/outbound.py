"""Outbound messages: queue a reply (with the loop guard and the network's rules), then send it
exactly once.

Sending is claimed with a conditional UPDATE (pending → sending), so two workers never send the
same message. Every attempt after the first asks the network whether it already has the message
(`find_sent`) before sending: a call that timed out after the network took the message, or a
sender that crashed in `sending`, never posts twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from hubbub.channels.budget import RateBudget, shared_budget
from hubbub.channels.models import ChannelAccount, Outbound, OutboundKind, OutboundStatus
from hubbub.channels.networks.base import ConnectorError, NetworkSpec, OutboundMessage, Sent
from hubbub.channels.polling import back_off, log_failure
from hubbub.channels.queries import account_config, budget_key
from hubbub.channels.redaction import describe_failure
from hubbub.channels.registry import NETWORKS
from hubbub.channels.secrets import SecretsError
from hubbub.channels.stage import is_own_account, load_own_accounts
from hubbub.core.models import Membership, PostRecord
from hubbub.core.networks import PostKind
from hubbub.core.posts import Post
from hubbub.pipeline.stages import normalise
from hubbub.pipeline.store import write_posts

# A claim older than this belongs to a sender that crashed; the message is taken over (find_sent first).
STALE_CLAIM = timedelta(minutes=5)
MAX_ATTEMPTS = 8
SEND_BATCH = 100
_KIND_FOR_POST: dict[str, str] = {
    PostKind.DIRECT: OutboundKind.DIRECT,
    PostKind.EMAIL: OutboundKind.EMAIL,
    PostKind.CHAT: OutboundKind.CHAT,
}
_POST_KIND_FOR = {
    OutboundKind.REPLY: PostKind.COMMENT,
    OutboundKind.DIRECT: PostKind.DIRECT,
    OutboundKind.PRIVATE_REPLY: PostKind.DIRECT,
    OutboundKind.EMAIL: PostKind.EMAIL,
    OutboundKind.CHAT: PostKind.CHAT,
}
_TO_AUTHOR = frozenset(_POST_KIND_FOR) - {OutboundKind.REPLY}


class ReplyRefusedError(ValueError):
    """A reply that must not be sent as asked (loop guard, network rules, no account); permanent."""


def _channel_for(post: PostRecord) -> ChannelAccount:
    """The account the post came through, else the brand's first enabled account on its network."""
    channels = ChannelAccount.objects.filter(
        enabled=True, account__brand_id=post.brand_id, account__network=post.network
    ).select_related("account")
    channel = channels.filter(account_id=post.account_id).first() if post.account_id else None
    channel = channel or channels.order_by("id").first()
    if channel is None:
        raise ReplyRefusedError("The brand has no connected account on this network.")
    return channel


def _refuse_loops(post: PostRecord) -> None:
    """The loop guard: never answer ourselves, whatever the network."""
    as_post = Post(
        network=post.network,
        external_id=post.external_id,
        author_id=post.author_id,
        author_handle=post.author_handle,
        text="",
        created_at=post.created_at,
    )
    if not post.is_inbound or is_own_account(as_post, load_own_accounts()):
        raise ReplyRefusedError("That is one of the brand's own messages; hubbub does not answer itself.")
    if Outbound.objects.filter(external_id=post.external_id, channel__account__network=post.network).exists():
        raise ReplyRefusedError("That is a message hubbub sent; hubbub does not answer itself.")


def _checked_text(text: str, kind: str, spec: NetworkSpec) -> str:
    cleaned = text.strip()
    if kind not in spec.rules.kinds:
        raise ReplyRefusedError(f"This network cannot send a {OutboundKind(kind).label.lower()}.")
    if not cleaned:
        raise ReplyRefusedError("A reply needs some text.")
    length = spec.rules.counts(cleaned)
    if length > spec.rules.max_chars:
        limit = spec.rules.max_chars
        raise ReplyRefusedError(f"{length:,} characters; this network takes at most {limit:,}.")
    return cleaned


def _default_key(post: PostRecord, user: Any, kind: str, text: str) -> str:
    # The same agent sending the same text to the same post twice (a double click, a resubmitted
    # form) is one message.
    digest = hashlib.sha256(f"{post.id}\n{user.pk}\n{kind}\n{text}".encode()).hexdigest()
    return f"reply-{digest[:40]}"


def queue_reply(
    post: PostRecord,
    text: str,
    user: Any,
    kind: str | None = None,
    key: str | None = None,
    *,
    networks: Mapping[str, NetworkSpec] | None = None,
) -> Outbound:
    """Queue a message to the customer who wrote `post`; the same key gives back the same Outbound."""
    if not Membership.objects.filter(user_id=user.pk, brand_id=post.brand_id).exists():
        raise ReplyRefusedError("Only the brand's people may answer its posts.")
    if key is not None and (existing := Outbound.objects.filter(key=key).first()) is not None:
        return existing
    kind = kind or _KIND_FOR_POST.get(post.kind, OutboundKind.REPLY)
    if kind not in OutboundKind.values:
        raise ReplyRefusedError("Only messages to the customer are sent; notes stay inside hubbub.")
    spec = (NETWORKS if networks is None else networks).get(post.network)
    if spec is None:
        raise ReplyRefusedError("hubbub cannot send on this network yet.")
    _refuse_loops(post)
    cleaned = _checked_text(text, kind, spec)
    return _create_once(
        post, user, kind=kind, text=cleaned, key=key or _default_key(post, user, kind, cleaned)
    )


def _create_once(post: PostRecord, user: Any, *, kind: str, text: str, key: str) -> Outbound:
    fields = {
        "channel": _channel_for(post),
        "kind": kind,
        "text": text,
        "in_reply_to": post.external_id,
        "recipient": post.author_id if kind in _TO_AUTHOR else "",
        "thread_id": post.thread_id or post.external_id,
        "sent_by": user if user.is_authenticated else None,
    }
    try:
        with transaction.atomic():
            outbound, _ = Outbound.objects.get_or_create(key=key, defaults=fields)
    except IntegrityError:  # the same key queued at the same moment by another request
        outbound = Outbound.objects.get(key=key)
    return outbound


def _message(outbound: Outbound) -> OutboundMessage:
    return OutboundMessage(
        key=outbound.key,
        kind=outbound.kind,
        text=outbound.text,
        in_reply_to=outbound.in_reply_to,
        recipient=outbound.recipient,
        thread_id=outbound.thread_id,
        subject=outbound.subject,
    )


def _sendable(now: datetime) -> Q:
    """Pending and due, or left in `sending` by a crashed sender."""
    due = Q(status=OutboundStatus.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return due | Q(status=OutboundStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)


def _claim(outbound_id: int, now: datetime) -> Outbound | None:
    """Take the message for this sender, unless another sender has it or it is not due."""
    taken = Outbound.objects.filter(_sendable(now), id=outbound_id).update(
        status=OutboundStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return Outbound.objects.select_related("channel__account").get(id=outbound_id) if taken else None


def send_outbound(
    outbound_id: int,
    *,
    budget: RateBudget = shared_budget,
    networks: Mapping[str, NetworkSpec] | None = None,
    clock: Callable[[], datetime] = timezone.now,
) -> Outbound:
    """Send one queued message if it is due and nobody else is sending it; returns it as it is now."""
    now = clock()
    outbound = _claim(outbound_id, now)
    if outbound is None:
        return Outbound.objects.get(id=outbound_id)
    spec = (NETWORKS if networks is None else networks).get(outbound.channel.account.network)
    if spec is None:
        return _finish_failed(outbound, "hubbub has no connector for this network.")
    key = budget_key(outbound.channel)
    wait = budget.wait_seconds(key)
    if wait > 0:
        return _release(outbound, now + timedelta(seconds=wait), attempts=outbound.attempts - 1, error="")
    secrets: Mapping[str, str] = {}
    try:
        config = account_config(outbound.channel)
        secrets = config.secrets
        connector = spec.connect(config, budget)
        message = _message(outbound)
        sent = connector.find_sent(message) if outbound.attempts > 1 else None
        sent = sent or connector.send(message)
    except Exception as error:  # noqa: BLE001 (whether the network took it is unknown: find_sent next time)
        description = describe_failure(error, secrets.values())
        return _failed_attempt(outbound, error, description, budget, now)
    return _finish_sent(outbound, sent, clock())


def _failed_attempt(
    outbound: Outbound, error: Exception, description: str, budget: RateBudget, now: datetime
) -> Outbound:
    """Failed for good (permanent, or too many attempts), or pending again after the back-off."""
    key = budget_key(outbound.channel)
    log_failure(f"send of outbound {outbound.id}", error, description)
    permanent = isinstance(error, SecretsError) or (isinstance(error, ConnectorError) and not error.retryable)
    if permanent or outbound.attempts >= MAX_ATTEMPTS:
        return _finish_failed(outbound, description)
    if isinstance(error, ConnectorError):
        wait = back_off(budget, key, error)
    else:
        budget.failed(key)
        wait = budget.wait_seconds(key)
    return _release(outbound, now + timedelta(seconds=wait), attempts=outbound.attempts, error=description)


def _ours(outbound: Outbound) -> Any:
    """Only the sender holding the claim may finish the message."""
    claim = {"status": OutboundStatus.SENDING, "claimed_at": outbound.claimed_at}
    return Outbound.objects.filter(id=outbound.id, **claim)


def _release(outbound: Outbound, retry_at: datetime, *, attempts: int, error: str) -> Outbound:
    _ours(outbound).update(
        status=OutboundStatus.PENDING, next_attempt_at=retry_at, attempts=attempts, last_error=error
    )
    outbound.refresh_from_db()
    return outbound


def _finish_failed(outbound: Outbound, reason: str) -> Outbound:
    _ours(outbound).update(status=OutboundStatus.FAILED, last_error=reason)
    outbound.refresh_from_db()
    return outbound


@transaction.atomic
def _finish_sent(outbound: Outbound, sent: Sent, now: datetime) -> Outbound:
    """Status sent with the network's id, and the message stored in the thread it answers."""
    finished = _ours(outbound).update(
        status=OutboundStatus.SENT,
        external_id=sent.external_id[:128],
        url=sent.url[:2_000],
        sent_at=now,
        last_error="",
    )
    outbound.refresh_from_db()
    if finished:
        write_posts(normalise([_as_post(outbound, now)]))
    return outbound


def _as_post(outbound: Outbound, now: datetime) -> Post:
    account = outbound.channel.account
    return Post(
        network=account.network,
        external_id=outbound.external_id,
        author_id=account.external_id or account.handle,
        author_handle=account.handle,
        text=outbound.text,
        created_at=outbound.sent_at or now,
        in_reply_to_id=outbound.in_reply_to,
        is_inbound=False,
        brand_id=account.brand_id,
        kind=_POST_KIND_FOR[OutboundKind(outbound.kind)],
        thread_id=outbound.thread_id,
        account_id=account.id,
        url=outbound.url,
    )


def send_due_outbound(
    *,
    budget: RateBudget = shared_budget,
    networks: Mapping[str, NetworkSpec] | None = None,
    clock: Callable[[], datetime] = timezone.now,
    limit: int = SEND_BATCH,
) -> list[Outbound]:
    """Send the messages that are due (oldest first), and take over those a crashed sender left."""
    due = Outbound.objects.filter(_sendable(clock())).order_by("created_at", "id")
    ids = list(due.values_list("id", flat=True)[:limit])
    return [send_outbound(outbound_id, budget=budget, networks=networks, clock=clock) for outbound_id in ids]
