"""Calls offered to agents: what the CTI endpoint records, and what the workplace's screen pop reads.

A call event names the agent it concerns (`CallEvent.agent`); the post of the event only says so in
its text. Here the offer is kept as data, one `CallOffer` per call and agent: created by an offered
(or, when the offer was missed, an answered) event, answered by the agent's answered event, and
ended by the call's ended event or by another agent answering it. Every write is idempotent, so a
telephone system that repeats an event changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from hubbub.channels.models import CallOffer
from hubbub.channels.networks.phone.payloads import CallEvent
from hubbub.core.models import Membership, PostRecord
from hubbub.core.posts import Post

# How long an offer that never ended (a lost "ended" event) keeps popping up.
POP_MINUTES = 30
MAX_PENDING_CALLS = 10


@dataclass(frozen=True, slots=True)
class PendingCall:
    """A call offered to an agent and not ended: who calls, and the post that opens its conversation."""

    call_id: str
    brand_id: int
    caller: str
    post_id: int
    offered_at: datetime
    answered: bool


def record_call_event(event: CallEvent, post: Post, *, agent_id: int | None) -> None:
    """Keep who the call `post` stored for `event` was offered to, who answered it, and when it ended."""
    brand_id = post.brand_id
    if brand_id is None:
        return
    offers = CallOffer.objects.filter(brand_id=brand_id, call_id=event.call_id)
    with transaction.atomic():
        if event.event == "ended":
            offers.filter(ended_at=None).update(ended_at=event.at)
        elif agent_id is not None and _offer(event, post, brand_id, agent_id) and event.event == "answered":
            offers.filter(agent_id=agent_id, answered_at=None).update(answered_at=event.at)
            # Answered by her, the call is no longer on offer to anyone else.
            offers.filter(answered_at=None, ended_at=None).update(ended_at=event.at)


def _offer(event: CallEvent, post: Post, brand_id: int, agent_id: int) -> bool:
    """Make sure the call has an offer to the agent; False when its post was not stored."""
    stored = PostRecord.objects.filter(network=post.network, external_id=post.external_id, brand_id=brand_id)
    post_id = stored.values_list("id", flat=True).first()
    if post_id is None:
        return False
    CallOffer.objects.get_or_create(
        brand_id=brand_id,
        call_id=event.call_id,
        agent_id=agent_id,
        defaults={"post_id": post_id, "offered_at": event.at},
    )
    return True


def pending_calls_for(user_id: int | None) -> list[PendingCall]:
    """Calls offered to the user in the last POP_MINUTES, of her brands, not yet ended; newest first."""
    if user_id is None:
        return []
    since = timezone.now() - timedelta(minutes=POP_MINUTES)
    brands = Membership.objects.filter(user_id=user_id).values("brand_id")
    rows = (
        CallOffer.objects.filter(agent_id=user_id, brand_id__in=brands, ended_at=None, offered_at__gte=since)
        .order_by("-offered_at", "-id")
        .values("call_id", "brand_id", "post_id", "post__author_id", "offered_at", "answered_at")
    )
    return [
        PendingCall(
            call_id=row["call_id"],
            brand_id=row["brand_id"],
            caller=row["post__author_id"],
            post_id=row["post_id"],
            offered_at=row["offered_at"],
            answered=row["answered_at"] is not None,
        )
        for row in rows[:MAX_PENDING_CALLS]
    ]
