"""The customer 360 page and its forms: thin views that check access, call one query or action, render."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hubbub.core.networks import NETWORK_VALUES, Network
from hubbub.crm.actions.merging import (
    MergeRefusedError,
    NotAllowedError,
    accept_suggestion,
    reject_suggestion,
    unmerge_customer,
)
from hubbub.crm.actions.notes import NoteRefusedError, add_note
from hubbub.crm.queries.customers import customer_360
from hubbub.crm.queries.timeline import Cursor, timeline
from hubbub.workplace.customer_access import (
    active_merge_for,
    pending_suggestion_for,
    supervises,
    visible_customer_or_404,
)
from hubbub.workplace.queries import openable_post_ids

DECISIONS = frozenset({"accept", "reject"})
CHANNELS = tuple((network.value, network.label) for network in Network)


@require_GET
def customer_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Profile, purchases, invoices, loyalty, tier, notes, merges and the timeline of one customer."""
    customer = visible_customer_or_404(request.user, customer_id)
    if customer.merged_into_id is not None:
        return redirect("workplace:customer", customer.merged_into_id)
    channel = request.GET.get("channel") or None
    channel = channel if channel in NETWORK_VALUES else None
    before = Cursor.decode(request.GET.get("before", "")[:80])
    page = timeline(customer.id, channel=channel, before=before)
    context = {
        "c360": customer_360(customer.id),
        "page": page,
        "openable": openable_post_ids(request.user, (entry.post_id for entry in page.entries)),
        "channel": channel or "",
        "channels": CHANNELS,
        "is_older_page": before is not None,
        "can_decide_merges": supervises(request.user, customer),
    }
    return render(request, "workplace/customer.html", context)


@require_POST
def customer_note(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Add a note to the customer, then back to their page."""
    customer = visible_customer_or_404(request.user, customer_id)
    try:
        add_note(customer, request.user, request.POST.get("text", ""))
    except NoteRefusedError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Note added.")
    return redirect(reverse("workplace:customer", args=[customer.id]) + "#notes")


@require_POST
def customer_suggestion(
    request: HttpRequest, customer_id: int, suggestion_id: int, decision: str
) -> HttpResponse:
    """A supervisor accepts (merges) or rejects a pending merge suggestion."""
    if decision not in DECISIONS:
        raise Http404("No such decision.")
    suggestion = pending_suggestion_for(request.user, customer_id, suggestion_id)
    decide = accept_suggestion if decision == "accept" else reject_suggestion
    try:
        decide(suggestion, cast(User, request.user))
    except (MergeRefusedError, NotAllowedError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Merged." if decision == "accept" else "Suggestion rejected.")
    return redirect("workplace:customer", customer_id)


@require_POST
def customer_unmerge(request: HttpRequest, customer_id: int, merge_id: int) -> HttpResponse:
    """A supervisor undoes a merge: both customers stand alone again, nothing lost."""
    merge = active_merge_for(request.user, customer_id, merge_id)
    try:
        unmerge_customer(merge, cast(User, request.user))
    except (MergeRefusedError, NotAllowedError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Unmerged.")
    return redirect("workplace:customer", customer_id)
