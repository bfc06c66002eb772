"""The screen pop: the calls offered to the logged-in agent and not yet ended, each with the caller's card.

`screenpop.js` (included on every workplace page by `base.html`) polls this JSON and shows one
dismissible card per call. Everything in it is data, never markup: the script sets it as text.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from hubbub.channels.calls import PendingCall, pending_calls_for
from hubbub.crm.queries.callers import CallerCard, caller_cards

# How often the page asks; a CTI system reports a ringing call within a second or two.
POLL_SECONDS = 4


@require_GET
def pending_calls(request: HttpRequest) -> JsonResponse:
    """The calls ringing for (or answered by) the user, newest first, with their callers' cards."""
    calls = pending_calls_for(request.user.pk)
    cards = caller_cards((call.brand_id, call.caller) for call in calls)
    payload = [_call_json(call, cards.get((call.brand_id, call.caller))) for call in calls]
    response = JsonResponse({"calls": payload, "poll_seconds": POLL_SECONDS})
    response["Cache-Control"] = "no-store"
    return response


def _call_json(call: PendingCall, card: CallerCard | None) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "caller": call.caller,
        "offered_at": call.offered_at.isoformat(),
        "answered": call.answered,
        "conversation_url": reverse("workplace:conversation", args=[call.post_id]),
        "customer": _card_json(card) if card else None,
    }


def _card_json(card: CallerCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "name": card.display_name,
        "tier": card.tier,
        "email": card.email,
        "phone": card.phone,
        "url": reverse("workplace:customer", args=[card.id]),
        "last_interactions": [
            {
                "occurred_at": entry.occurred_at.isoformat(),
                "channel": entry.channel,
                "label": entry.label,
                "summary": entry.summary,
            }
            for entry in card.last_interactions
        ],
    }
