"""The CTI endpoint: a telephone system reports call events; the answer is the caller's customer card.

`POST /api/v1/cti/events` with an API token of a member of the brand that owns the called line
(a phone BrandAccount whose handle or external id is the line's E.164 number). Each event is
stored as a Post of kind call through the pipeline; the answer is the screen-pop data.

The pipeline comes from the composition root through `hubbub/channels/intake.py` (the API may not
import `hubbub.runtime`); tests install their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from ninja import Router, Schema
from ninja.errors import HttpError

from hubbub.api.auth import ApiRequest
from hubbub.channels import intake
from hubbub.channels.networks.phone.payloads import CallEvent, call_post
from hubbub.core.models import BrandAccount, Membership
from hubbub.core.networks import Network
from hubbub.crm.models import Customer, Identity
from hubbub.crm.queries import timeline
from hubbub.crm.queries.customers import root_id

SHOWN_INTERACTIONS = 5
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
    if (
        body.agent
        and not Membership.objects.filter(brand_id=line.brand_id, user__username=body.agent).exists()
    ):
        raise HttpError(400, "agent is not a member of the line's brand.")
    try:
        result = intake.take_in([call_post(body, brand_id=line.brand_id, account_id=line.id)])
    except intake.NoPipelineError as error:
        raise HttpError(503, "Call events are not connected to the pipeline.") from error
    return {
        "call_id": body.call_id,
        "event": body.event,
        "caller": body.caller,
        "stored": result.stored == 1,
        "customer": _card(line.brand_id, body.caller),
    }


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


def _card(brand_id: int, number: str) -> dict[str, Any] | None:
    identity = (
        Identity.objects.filter(brand_id=brand_id, network=Network.PHONE, external_id=number)
        .select_related("customer")
        .first()
    )
    if identity is None:
        return None
    root = root_id(identity.customer)
    customer = identity.customer if root == identity.customer.id else Customer.objects.get(id=root)
    entries = timeline.timeline(root, limit=SHOWN_INTERACTIONS).entries
    return {
        "id": customer.id,
        "display_name": customer.display_name,
        "tier": customer.tier,
        "email": customer.email,
        "phone": customer.phone,
        "last_interactions": [
            {
                "occurred_at": entry.occurred_at,
                "channel": entry.channel,
                "label": entry.label,
                "summary": entry.summary,
            }
            for entry in entries
        ],
    }
