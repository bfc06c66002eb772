"""The customer 360: one customer's merge group loaded into frozen dataclasses, in a fixed number of queries.

A merged customer's rows stay where they are (see `hubbub.crm.models`), so every section reads the
whole group: the root customer and the customers whose `merged_into` is it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from hubbub.crm.facts import InvoiceFact
from hubbub.crm.models import (
    Address,
    Customer,
    Identity,
    Invoice,
    Merge,
    MergeSuggestion,
    Note,
    ProductKind,
    Purchase,
    PurchaseStatus,
    SuggestionStatus,
)
from hubbub.crm.reliability import Reliability, payment_reliability

SHOWN_PURCHASES = 50
SHOWN_INVOICES = 24
SHOWN_NOTES = 50
SHOWN_MERGES = 20
SHOWN_SUGGESTIONS = 10
# The tier explanation is JSON written by the tier policy; show it, bounded, whatever its shape.
MAX_EXPLANATION_VALUES = 20
MAX_EXPLANATION_CHARS = 200


@dataclass(frozen=True, slots=True)
class PurchaseLine:
    """A product bought, or a service or subscription held until `ends_on`."""

    order_number: str
    product_name: str
    sku: str
    kind: str
    kind_label: str
    purchased_on: date
    ends_on: date | None
    quantity: int
    amount: Decimal
    currency: str
    status: str
    is_active_subscription: bool


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """An invoice and whether it was paid on time."""

    number: str
    issued_on: date
    due_on: date
    amount: Decimal
    currency: str
    paid_on: date | None

    @property
    def state(self) -> str:
        """paid, late (paid after the due date), overdue or open."""
        if self.paid_on is not None:
            return "late" if self.paid_on > self.due_on else "paid"
        return "overdue" if self.due_on < timezone.localdate() else "open"


@dataclass(frozen=True, slots=True)
class Loyalty:
    """Tenure, spend over the last 12 months (per currency) and the programme level."""

    customer_since: date | None
    tenure_days: int | None
    spend_12m: tuple[tuple[str, Decimal], ...]
    level: str


@dataclass(frozen=True, slots=True)
class TierCheck:
    """One threshold of the winning rule: the fact, the minimum and the customer's value."""

    fact: str
    minimum: str
    value: str


@dataclass(frozen=True, slots=True)
class TierExplanation:
    """The rule that produced the tier, its checks and the values it saw, as stored with the customer."""

    rule: str
    checks: tuple[TierCheck, ...]
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class NoteLine:
    id: int
    text: str
    author: str
    created_at: Any


@dataclass(frozen=True, slots=True)
class MergeLine:
    """One merge of the group's audit trail; `is_active` until it is undone."""

    id: int
    survivor_name: str
    merged_name: str
    merged_id: int
    merged_by: str
    merged_at: Any
    unmerged_by: str
    unmerged_at: Any

    @property
    def is_active(self) -> bool:
        return self.unmerged_at is None


@dataclass(frozen=True, slots=True)
class SuggestionLine:
    """A pending merge suggestion: the other customer, the score and the evidence."""

    id: int
    other_id: int
    other_name: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Customer360:
    """Everything the customer page shows, for the customer's whole merge group."""

    customer: Customer
    merged_customers: tuple[Customer, ...]
    addresses: tuple[Address, ...]
    identities: tuple[Identity, ...]
    purchases: tuple[PurchaseLine, ...]
    invoices: tuple[InvoiceLine, ...]
    reliability: Reliability
    loyalty: Loyalty
    attributes: tuple[tuple[str, str], ...]
    notes: tuple[NoteLine, ...]
    tier_explanation: TierExplanation
    merges: tuple[MergeLine, ...]
    suggestions: tuple[SuggestionLine, ...]

    @property
    def group_ids(self) -> tuple[int, ...]:
        return (self.customer.id, *(merged.id for merged in self.merged_customers))


def root_id(customer: Customer) -> int:
    """The id of the customer a merge group is shown under: the survivor, or the customer itself."""
    return customer.merged_into_id or customer.id


def group_ids(root: int) -> QuerySet[Customer, int]:
    """The ids of a merge group, as a subquery: the root and the customers merged into it."""
    return Customer.objects.filter(Q(id=root) | Q(merged_into_id=root)).values_list("id", flat=True)


def customer_360(customer_id: int) -> Customer360:
    """The customer page's content for the merge group of `customer_id`, in a fixed number of queries."""
    members = list(Customer.objects.filter(Q(id=customer_id) | Q(merged_into_id=customer_id)))
    [customer] = [member for member in members if member.id == customer_id]
    ids = [member.id for member in members]
    purchases = _purchases(ids)
    return Customer360(
        customer=customer,
        merged_customers=tuple(member for member in members if member.id != customer_id),
        addresses=tuple(Address.objects.filter(customer_id__in=ids).order_by("kind", "id")),
        identities=tuple(Identity.objects.filter(customer_id__in=ids).order_by("network", "handle", "id")),
        purchases=purchases,
        invoices=_invoices(ids),
        reliability=_reliability(ids),
        loyalty=_loyalty(customer, ids),
        attributes=_attributes(customer.attributes),
        notes=_notes(ids),
        tier_explanation=explain_tier(customer.tier_explanation),
        merges=_merges(ids),
        suggestions=_suggestions(ids),
    )


def _purchases(ids: list[int]) -> tuple[PurchaseLine, ...]:
    today = timezone.localdate()
    rows = Purchase.objects.filter(customer_id__in=ids).select_related("product")[:SHOWN_PURCHASES]
    return tuple(
        PurchaseLine(
            order_number=row.order_number,
            product_name=row.product.name,
            sku=row.product.sku,
            kind=row.product.kind,
            kind_label=row.product.get_kind_display(),
            purchased_on=row.purchased_on,
            ends_on=row.ends_on,
            quantity=row.quantity,
            amount=row.amount,
            currency=row.currency,
            status=row.status,
            is_active_subscription=row.product.kind == ProductKind.SUBSCRIPTION
            and row.status == PurchaseStatus.ACTIVE
            and (row.ends_on is None or row.ends_on >= today),
        )
        for row in rows
    )


def _invoices(ids: list[int]) -> tuple[InvoiceLine, ...]:
    rows = Invoice.objects.filter(customer_id__in=ids)[:SHOWN_INVOICES]
    return tuple(
        InvoiceLine(row.number, row.issued_on, row.due_on, row.amount, row.currency, row.paid_on)
        for row in rows
    )


def _reliability(ids: list[int]) -> Reliability:
    dates = Invoice.objects.filter(customer_id__in=ids).values_list("due_on", "paid_on")
    return payment_reliability([InvoiceFact(due, paid) for due, paid in dates], timezone.localdate())


def _loyalty(customer: Customer, ids: list[int]) -> Loyalty:
    today = timezone.localdate()
    spend = (
        Purchase.objects.filter(customer_id__in=ids, purchased_on__gt=today - timedelta(days=365))
        .exclude(status__in=[PurchaseStatus.CANCELLED, PurchaseStatus.RETURNED])
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    since = customer.customer_since
    return Loyalty(
        customer_since=since,
        tenure_days=(today - since).days if since is not None else None,
        spend_12m=tuple((row["currency"], row["total"]) for row in spend),
        level=customer.loyalty_level,
    )


def _attributes(attributes: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(attributes, dict):
        return ()
    return tuple(sorted((str(key), _shown(value)) for key, value in attributes.items()))


def _notes(ids: list[int]) -> tuple[NoteLine, ...]:
    rows = Note.objects.filter(customer_id__in=ids).select_related("author")[:SHOWN_NOTES]
    return tuple(NoteLine(row.id, row.text, _person(row.author), row.created_at) for row in rows)


def _merges(ids: list[int]) -> tuple[MergeLine, ...]:
    rows = (
        Merge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids))
        .select_related("survivor", "merged", "merged_by", "unmerged_by")
        .order_by("-merged_at", "-id")[:SHOWN_MERGES]
    )
    return tuple(
        MergeLine(
            id=row.id,
            survivor_name=row.survivor.display_name,
            merged_name=row.merged.display_name,
            merged_id=row.merged_id,
            merged_by=_person(row.merged_by),
            merged_at=row.merged_at,
            unmerged_by=_person(row.unmerged_by),
            unmerged_at=row.unmerged_at,
        )
        for row in rows
    )


def _suggestions(ids: list[int]) -> tuple[SuggestionLine, ...]:
    rows = (
        MergeSuggestion.objects.filter(Q(customer_id__in=ids) | Q(candidate_id__in=ids))
        .filter(status=SuggestionStatus.PENDING)
        .select_related("customer", "candidate")
        .order_by("-score", "id")[:SHOWN_SUGGESTIONS]
    )
    lines = []
    for row in rows:
        other = row.candidate if row.customer_id in ids else row.customer
        reasons = row.reasons if isinstance(row.reasons, list) else []
        lines.append(
            SuggestionLine(row.id, other.id, other.display_name, row.score, tuple(map(_shown, reasons)))
        )
    return tuple(lines)


def explain_tier(explanation: object) -> TierExplanation:
    """The stored tier explanation (see `hubbub.crm.tiers`) as a rule, its checks and the facts."""
    if not isinstance(explanation, dict):
        return TierExplanation(rule="", checks=(), values=())
    checks = explanation.get("checks")
    facts = explanation.get("facts")
    return TierExplanation(
        rule=_shown(explanation.get("rule", "")),
        checks=tuple(
            TierCheck(_shown(check.get("fact")), _shown(check.get("minimum")), _shown(check.get("value")))
            for check in (checks if isinstance(checks, list) else [])[:MAX_EXPLANATION_VALUES]
            if isinstance(check, dict)
        ),
        values=tuple(
            sorted(
                (str(key), _shown(value)) for key, value in (facts if isinstance(facts, dict) else {}).items()
            )
        )[:MAX_EXPLANATION_VALUES],
    )


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return text[:MAX_EXPLANATION_CHARS]


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())
