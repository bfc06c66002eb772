"""Recompute customers' tiers from their facts and their brand's rules, and store why.

A group (a customer and everyone merged into it) is judged as one person: the facts add up the
purchases, invoices and identities of every member, and the tier is stored on the group's root,
which is the tier the pipeline gives the group's posts. Loading takes a fixed number of queries,
whatever the number of customers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hubbub.crm.facts import CustomerFacts, InvoiceFact
from hubbub.crm.influence_estimate import Audience, InfluenceEstimate, estimate_influence
from hubbub.crm.models import Customer, Identity, Invoice, Purchase, PurchaseStatus, TierRule
from hubbub.crm.reliability import payment_reliability
from hubbub.crm.tiers import Rule, TierDecision, decide_tier

SPEND_WINDOW_DAYS = 365


def recompute_tier(customer: Customer) -> TierDecision:
    """Recompute the tier of the customer's group (stored on its root); returns the decision."""
    root_id = customer.merged_into_id or customer.id
    return recompute_tiers([root_id])[root_id]


# Groups recomputed per transaction when a whole brand is: bounded IN lists and short write locks.
BRAND_CHUNK = 1000


def recompute_brand_tiers(brand_id: int, on_progress: Callable[[int], object] | None = None) -> int:
    """Recompute every group of a brand (after its rules changed, or daily as tenure and spend move)."""
    ids = list(Customer.objects.filter(brand_id=brand_id, merged_into=None).values_list("id", flat=True))
    for start in range(0, len(ids), BRAND_CHUNK):
        chunk = ids[start : start + BRAND_CHUNK]
        recompute_tiers(chunk)
        if on_progress is not None:
            on_progress(len(chunk))
    return len(ids)


@transaction.atomic
def recompute_tiers(customer_ids: Iterable[int]) -> dict[int, TierDecision]:
    """Recompute the tiers of these customers' groups; returns the decision per root id."""
    ids = list(customer_ids)
    roots = list(
        Customer.objects.filter(Q(id__in=ids, merged_into=None) | Q(merged_customers__id__in=ids)).distinct()
    )
    if not roots:
        return {}
    now = timezone.now()
    today = timezone.localdate()
    facts, estimates = _load_facts(roots, today)
    rules = _load_rules({root.brand_id for root in roots})
    decisions = {}
    for root in roots:
        decision = decide_tier(rules[root.brand_id], facts[root.id])
        estimate = estimates[root.id]
        root.tier = decision.tier
        root.tier_explanation = _explanation(decision, estimate)
        root.influence = None if estimate is None else estimate.score
        root.updated_at = now
        decisions[root.id] = decision
    Customer.objects.bulk_update(roots, ["tier", "tier_explanation", "influence", "updated_at"])
    return decisions


def _explanation(decision: TierDecision, estimate: InfluenceEstimate | None) -> dict[str, object]:
    explanation = decision.as_explanation()
    explanation["influence"] = None if estimate is None else estimate.as_json()
    return explanation


def _load_rules(brand_ids: set[int]) -> dict[int, list[Rule]]:
    rules: dict[int, list[Rule]] = {brand_id: [] for brand_id in brand_ids}
    for row in TierRule.objects.filter(brand_id__in=brand_ids).order_by("position", "id"):
        rules[row.brand_id].append(
            Rule(
                name=row.name,
                tier=row.tier,
                position=row.position,
                min_spend_12m=row.min_spend_12m,
                min_tenure_days=row.min_tenure_days,
                min_payment_reliability=row.min_payment_reliability,
                min_products=row.min_products,
                min_influence=row.min_influence,
            )
        )
    return rules


def _load_facts(
    roots: list[Customer], today: date
) -> tuple[dict[int, CustomerFacts], dict[int, InfluenceEstimate | None]]:
    root_ids = [root.id for root in roots]
    members = list(
        Customer.objects.filter(Q(id__in=root_ids) | Q(merged_into__in=root_ids)).values_list(
            "id", "merged_into_id", "customer_since", "created_at"
        )
    )
    root_of = {member_id: merged_into or member_id for member_id, merged_into, _, _ in members}
    started: dict[int, date] = {}
    for member_id, _, since, created in members:
        first = since or timezone.localdate(created)
        started[root_of[member_id]] = min(first, started.get(root_of[member_id], first))
    spend, products = _purchases(root_of, today)
    invoices = _invoices(root_of)
    audiences = _audiences(root_of)
    facts, estimates = {}, {}
    for root in roots:
        estimate = estimates[root.id] = estimate_influence(
            audiences[root.id], objects_to_profiling=root.objects_to_profiling
        )
        facts[root.id] = CustomerFacts(
            spend_12m=spend[root.id],
            tenure_days=max((today - started[root.id]).days, 0),
            payment_reliability=payment_reliability(invoices[root.id], today).score,
            active_products=len(products[root.id]),
            influence=None if estimate is None else estimate.score,
            loyalty_level=root.loyalty_level,
        )
    return facts, estimates


def _purchases(root_of: dict[int, int], today: date) -> tuple[dict[int, Decimal], dict[int, set[int]]]:
    spend: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    products: dict[int, set[int]] = defaultdict(set)
    since = today - timedelta(days=SPEND_WINDOW_DAYS)
    rows = Purchase.objects.filter(customer_id__in=list(root_of), status=PurchaseStatus.ACTIVE)
    for customer_id, product_id, purchased_on, ends_on, amount in rows.values_list(
        "customer_id", "product_id", "purchased_on", "ends_on", "amount"
    ):
        root_id = root_of[customer_id]
        if purchased_on >= since:
            spend[root_id] += amount
        if ends_on is None or ends_on >= today:
            products[root_id].add(product_id)
    return spend, products


def _invoices(root_of: dict[int, int]) -> dict[int, list[InvoiceFact]]:
    invoices: dict[int, list[InvoiceFact]] = defaultdict(list)
    rows = Invoice.objects.filter(customer_id__in=list(root_of))
    for customer_id, due_on, paid_on in rows.values_list("customer_id", "due_on", "paid_on"):
        invoices[root_of[customer_id]].append(InvoiceFact(due_on, paid_on))
    return invoices


def _audiences(root_of: dict[int, int]) -> dict[int, list[Audience]]:
    audiences: dict[int, list[Audience]] = defaultdict(list)
    rows = Identity.objects.filter(customer_id__in=list(root_of))
    for customer_id, network, handle, followers in rows.values_list(
        "customer_id", "network", "handle", "followers"
    ):
        audiences[root_of[customer_id]].append(Audience(network, handle, followers))
    return audiences
