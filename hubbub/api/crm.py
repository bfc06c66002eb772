"""The CRM endpoints: customers listed and searched, their detail and timeline, merge, GDPR rights."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from hubbub.api import schemas
from hubbub.api.access import member_brands, supervised_customer_or_error, visible_customer_or_404
from hubbub.api.auth import ApiRequest
from hubbub.core.models import Brand
from hubbub.crm.actions.merging import MergeRefusedError, NotAllowedError, merge_customers
from hubbub.crm.actions.privacy import (
    erase_customer,
    export_customer,
    export_customer_csv,
    record_objection,
    withdraw_objection,
)
from hubbub.crm.facts import InvoiceFact
from hubbub.crm.models import Customer, Identity, Invoice
from hubbub.crm.queries import search, timeline
from hubbub.crm.reliability import payment_reliability

router = Router(tags=["customers"])
ERRORS: dict[int, type[schemas.Error]] = {400: schemas.Error, 403: schemas.Error, 404: schemas.Error}


@router.get("", response=schemas.CustomerPage, summary="List and search customers")
def list_customers(
    request: ApiRequest, q: str = "", brand: str = "", cursor: str = "", limit: int = search.PAGE_SIZE
) -> dict[str, Any]:
    """The customers of your brands, by name; `q` searches names, @handles, email addresses and phones."""
    brands = {id_: row for id_, row in member_brands(request.auth).items() if brand in ("", row.slug)}
    after = _decoded(search.Cursor.decode, cursor)
    page = search.search_customers(list(brands), q, after=after, limit=limit)
    return {
        "results": [_summary(customer, brands, page.identities[customer.id]) for customer in page.customers],
        "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
    }


@router.get("/{customer_id}", response={200: schemas.CustomerDetail, **ERRORS}, summary="A customer")
def customer_detail(request: ApiRequest, customer_id: int) -> dict[str, Any]:
    """Profile, identities of the whole merge group, tier with its explanation, payment reliability."""
    customer = _root(visible_customer_or_404(request.auth, customer_id))
    return _detail(customer)


@router.get("/{customer_id}/timeline", response={200: schemas.TimelinePage, **ERRORS}, summary="Timeline")
def customer_timeline(
    request: ApiRequest, customer_id: int, channel: str | None = None, cursor: str = ""
) -> dict[str, Any]:
    """The merge group's posts and interactions, newest first; pass `next_cursor` for older ones."""
    customer = _root(visible_customer_or_404(request.auth, customer_id))
    before = _decoded(timeline.Cursor.decode, cursor)
    page = timeline.timeline(customer.id, channel=channel, before=before)
    return {
        "results": [_entry(entry) for entry in page.entries],
        "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
    }


@router.post("/{customer_id}/merge", response={200: schemas.MergeResult, 409: schemas.Error, **ERRORS})
def merge_customer(request: ApiRequest, customer_id: int, body: schemas.MergeRequest) -> dict[str, Any]:
    """Merge this customer into the customer `into` (supervisors and administrators)."""
    merged = supervised_customer_or_error(request.auth, customer_id, "merge customers")
    survivor = visible_customer_or_404(request.auth, body.into)
    try:
        merge = merge_customers(survivor, merged, request.auth)
    except NotAllowedError as error:
        raise HttpError(403, str(error)) from None
    except MergeRefusedError as error:
        raise HttpError(409, str(error)) from None
    return {"merge_id": merge.id, "survivor_id": merge.survivor_id, "merged_id": merge.merged_id}


@router.get("/{customer_id}/export", response={200: dict[str, Any], **ERRORS}, summary="Export (GDPR)")
def export(request: ApiRequest, customer_id: int, format: str = "json") -> Any:
    """Everything about the customer's merge group: JSON, or `format=csv` for a zip of CSV files."""
    customer = visible_customer_or_404(request.auth, customer_id)
    if format == "json":
        return export_customer(customer)
    if format != "csv":
        raise HttpError(400, "format must be json or csv.")
    response = HttpResponse(export_customer_csv(customer), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.id}.zip"'
    return response


@router.post("/{customer_id}/erase", response={200: schemas.ErasureResult, **ERRORS}, summary="Erase (GDPR)")
def erase(request: ApiRequest, customer_id: int) -> dict[str, Any]:
    """Erase the customer's merge group from every store (supervisors and administrators)."""
    customer = supervised_customer_or_error(request.auth, customer_id, "erase customers")
    erasure = erase_customer(customer, request.auth)
    return {"erasure_id": erasure.id, "customer_number": erasure.customer_number, "removed": erasure.removed}


@router.post("/{customer_id}/objection", response={200: schemas.Objection, **ERRORS}, summary="Object")
def object_to_profiling(request: ApiRequest, customer_id: int) -> dict[str, Any]:
    """Record the customer's objection to profiling (GDPR Art. 21): no influence score from now on."""
    customer = visible_customer_or_404(request.auth, customer_id)
    record_objection(customer, request.auth)
    return _objection(customer)


@router.delete("/{customer_id}/objection", response={200: schemas.Objection, **ERRORS}, summary="Withdraw")
def withdraw(request: ApiRequest, customer_id: int) -> dict[str, Any]:
    """Withdraw the customer's objection to profiling."""
    customer = visible_customer_or_404(request.auth, customer_id)
    withdraw_objection(customer, request.auth)
    return _objection(customer)


def _decoded(decode: Any, token: str) -> Any:
    if not token:
        return None
    cursor = decode(token)
    if cursor is None:
        raise HttpError(400, "cursor is not one this API gave out.")
    return cursor


def _root(customer: Customer) -> Customer:
    """The merge group's root: a merged customer's page is its survivor's."""
    if customer.merged_into_id is None:
        return customer
    return Customer.objects.select_related("brand").get(id=customer.merged_into_id)


def _summary(customer: Customer, brands: dict[int, Brand], identities: list[Identity]) -> dict[str, Any]:
    return {
        "id": customer.id,
        "brand": brands[customer.brand_id].slug,
        "display_name": customer.display_name,
        "email": customer.email,
        "phone": customer.phone,
        "tier": customer.tier,
        "influence": customer.influence,
        "objects_to_profiling": customer.objects_to_profiling,
        "identities": [_identity(identity) for identity in identities],
    }


def _identity(identity: Identity) -> dict[str, Any]:
    return {
        "network": identity.network,
        "external_id": identity.external_id,
        "handle": identity.handle,
        "followers": identity.followers,
    }


def _detail(customer: Customer) -> dict[str, Any]:
    merged_ids = list(
        Customer.objects.filter(merged_into=customer).order_by("id").values_list("id", flat=True)
    )
    group = [customer.id, *merged_ids]
    identities = Identity.objects.filter(customer_id__in=group).order_by("network", "handle", "id")
    invoices = Invoice.objects.filter(customer_id__in=group).values_list("due_on", "paid_on")
    reliability = payment_reliability(
        [InvoiceFact(due, paid) for due, paid in invoices], timezone.localdate()
    )
    return {
        **_summary(customer, {customer.brand_id: customer.brand}, list(identities)),
        "language": customer.language,
        "customer_since": customer.customer_since,
        "loyalty_level": customer.loyalty_level,
        "attributes": customer.attributes if isinstance(customer.attributes, dict) else {},
        "tier_explanation": customer.tier_explanation if isinstance(customer.tier_explanation, dict) else {},
        "reliability": {
            "score": None if reliability.score is None else str(reliability.score),
            "on_time": reliability.on_time,
            "late": reliability.late,
            "not_yet_due": reliability.not_yet_due,
            "explanation": reliability.explanation,
        },
        "merged_customer_ids": merged_ids,
        "created_at": customer.created_at,
    }


def _entry(entry: timeline.TimelineEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "id": entry.id,
        "occurred_at": entry.occurred_at,
        "channel": entry.channel,
        "label": entry.label,
        "summary": entry.summary,
        "is_inbound": entry.is_inbound,
        "sentiment": entry.sentiment,
        "reference": entry.reference,
    }


def _objection(customer: Customer) -> dict[str, Any]:
    customer.refresh_from_db(fields=["objects_to_profiling", "influence"])
    return {
        "customer_id": customer.id,
        "objects_to_profiling": customer.objects_to_profiling,
        "influence": customer.influence,
    }
