"""The CTI endpoint: a telephone system reports call events; the answer is the caller's customer card.

`POST /api/v1/cti/events` with an API token of a member of the brand that owns the called line
(a phone BrandAccount whose handle or external id is the line's E.164 number). Each event is
stored as a Post of kind call through the pipeline, and the agent it names is kept as a call offer
(`hubbub/channels/calls.py`) for the workplace's screen pop; the answer is the caller's card
(`hubbub/crm/queries/callers.py`).

The pipeline comes from the composition root through `hubbub/channels/intake.py` (the API may not
import `hubbub.runtime`); tests install their own.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.db.models import Q
from ninja import Router, Schema
from ninja.errors import HttpError

from hubbub.api.auth import ApiRequest
from hubbub.channels import intake
from hubbub.channels.calls import record_call_event
from hubbub.channels.networks.phone.payloads import CallEvent, call_post
from hubbub.core.models import BrandAccount, Membership
from hubbub.core.networks import Network
from hubbub.crm.queries.callers import caller_card

NO_LINE = "No such line."
router = Router(tags=["phone"])


class Interaction(Schema):
    occurred_at: datetime
    channel: str
    label: str
    summary: str


class CustomerCard(Schema):
    id: int
    display_name: str
    tier: str
    email: str
    phone: str
    last_interactions: list[Interaction]


class ScreenPop(Schema):
    call_id: str
    event: str
    caller: str
    stored: bool
    customer: CustomerCard | None


class Error(Schema):
    detail: str


@router.post("/events", response={200: ScreenPop, 400: Error, 404: Error, 503: Error}, summary="A call event")
def call_event(request: ApiRequest, body: CallEvent) -> dict[str, Any]:
    """Store a call offered/answered/ended; answer the caller's customer card (the screen pop)."""
    line = _member_line_or_404(request.auth, body.called)
    agent_id = _agent_id_or_400(line.brand_id, body.agent)
    post = call_post(body, brand_id=line.brand_id, account_id=line.id)
    try:
        result = intake.take_in([post])
    except intake.NoPipelineError as error:
        raise HttpError(503, "Call events are not connected to the pipeline.") from error
    record_call_event(body, post, agent_id=agent_id)
    card = caller_card(line.brand_id, body.caller)
    return {
        "call_id": body.call_id,
        "event": body.event,
        "caller": body.caller,
        "stored": result.stored == 1,
        "customer": asdict(card) if card else None,
    }


def _agent_id_or_400(brand_id: int, username: str) -> int | None:
    """The user id of the agent the event names (None when it names none); 400 for a non-member."""
    if not username:
        return None
    members = Membership.objects.filter(brand_id=brand_id, user__username=username)
    agent_id = members.values_list("user_id", flat=True).first()
    if agent_id is None:
        raise HttpError(400, "agent is not a member of the line's brand.")
    return int(agent_id)


def _member_line_or_404(user: Any, number: str) -> BrandAccount:
    """The phone line `number` if `user` is a member of its brand; 404 otherwise, as for no line."""
    brands = Membership.objects.filter(user_id=user.pk).values("brand_id")
    line = (
        BrandAccount.objects.filter(network=Network.PHONE, brand_id__in=brands)
        .filter(Q(handle=number) | Q(external_id=number))
        .first()
    )
    if line is None:
        raise HttpError(404, NO_LINE)
    return line
