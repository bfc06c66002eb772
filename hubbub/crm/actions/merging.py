"""Merge suggestions, and merging and unmerging customers, with an audit trail that loses nothing.

Merging links, it never moves: the merged customer points at the survivor (`merged_into`), its
identities, posts, purchases and interactions stay its own, and the group is read through the link.
Groups stay one level deep (no chains): customers already merged into the merged one are re-pointed
to the survivor, and the Merge row records them under REPOINTED so that unmerging puts them back.
Blank profile fields of the survivor may be filled from the merged customer; the Merge row keeps
each such field's value before, and unmerging restores it exactly. Only supervisors and
administrators of the brand may merge, unmerge or decide on suggestions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from hubbub.core.models import Brand, Membership, PostRecord, Role
from hubbub.core.networks import Network
from hubbub.crm.actions.tiers import recompute_tiers
from hubbub.crm.models import Customer, Identity, Merge, MergeSuggestion, Purchase, SuggestionStatus
from hubbub.crm.suggestions import (
    PairScore,
    Profile,
    normalise_email,
    normalise_phone,
    stated_order_numbers,
    suggested_pairs,
)

DECIDING_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# Profile fields a merge may fill on the survivor when they are blank there (never names or consent).
FILLABLE_FIELDS = (
    "email",
    "phone",
    "language",
    "customer_since",
    "loyalty_level",
    "billing_account",
    "tax_id",
    "payment_method",
)


class NotAllowedError(Exception):
    """Only a supervisor or administrator of the customer's brand may do this."""


class MergeRefusedError(Exception):
    """The merge, unmerge or decision cannot be done; nothing was changed."""


def require_supervisor(user: User, brand_id: int) -> None:
    """Raise NotAllowedError unless the user supervises or administers the brand."""
    allowed = Membership.objects.filter(user_id=user.pk, brand_id=brand_id, role__in=DECIDING_ROLES)
    if not allowed.exists():
        raise NotAllowedError(f"only a supervisor or administrator of brand {brand_id} may do this")


@transaction.atomic
def merge_customers(
    survivor: Customer, merged: Customer, by: User, suggestion: MergeSuggestion | None = None
) -> Merge:
    """Link `merged` (and its group) to `survivor`, fill the survivor's blanks, record it all."""
    require_supervisor(by, survivor.brand_id)
    locked = Customer.objects.select_for_update().in_bulk([survivor.id, merged.id])
    survivor, merged = locked[survivor.id], locked[merged.id]
    _check_mergeable(survivor, merged)
    now = timezone.now()
    before = _fill_blanks(survivor, merged)
    children = sorted(Customer.objects.filter(merged_into=merged).values_list("id", flat=True))
    Customer.objects.filter(id__in=children).update(merged_into=survivor, updated_at=now)
    Customer.objects.filter(id=merged.id).update(merged_into=survivor, updated_at=now)
    survivor.save()
    merge = Merge.objects.create(
        brand_id=survivor.brand_id,
        survivor=survivor,
        merged=merged,
        suggestion=suggestion,
        merged_by=by,
        merged_at=now,
        filled_fields=before,
        repointed=children,
    )
    recompute_tiers([survivor.id])
    return merge


@transaction.atomic
def unmerge_customer(merge: Merge, by: User) -> Merge:
    """Undo a merge: the merged customer and the group it brought stand alone again, fields restored."""
    require_supervisor(by, merge.brand_id)
    merge = Merge.objects.select_for_update().get(id=merge.id)
    if merge.unmerged_at is not None:
        raise MergeRefusedError(f"merge {merge.id} was already undone")
    merged = Customer.objects.select_for_update().get(id=merge.merged_id)
    now = timezone.now()
    returning = _returning_children(merge, merged.merged_into_id)
    Customer.objects.filter(id__in=returning).update(merged_into=merged, updated_at=now)
    Customer.objects.filter(id=merged.id).update(merged_into=None, updated_at=now)
    survivor = Customer.objects.select_for_update().get(id=merge.survivor_id)
    for field, value in merge.filled_fields.items():
        setattr(survivor, field, value)
    survivor.save()
    merge.unmerged_by, merge.unmerged_at = by, now
    merge.save(update_fields=["unmerged_by", "unmerged_at"])
    recompute_tiers([survivor.id, merged.id])
    return merge


def _check_mergeable(survivor: Customer, merged: Customer) -> None:
    if survivor.id == merged.id:
        raise MergeRefusedError("a customer cannot be merged into itself")
    if survivor.brand_id != merged.brand_id:
        raise MergeRefusedError("customers of different brands cannot be merged")
    if survivor.merged_into_id is not None:
        raise MergeRefusedError(
            f"the survivor is merged into customer {survivor.merged_into_id}: merge into that"
        )
    if merged.merged_into_id is not None:
        raise MergeRefusedError(
            f"customer {merged.id} is already merged into customer {merged.merged_into_id}"
        )


def _fill_blanks(survivor: Customer, merged: Customer) -> dict[str, Any]:
    before: dict[str, Any] = {}
    for field in FILLABLE_FIELDS:
        value = getattr(merged, field)
        if getattr(survivor, field) in ("", None) and value not in ("", None):
            before[field] = getattr(survivor, field)
            setattr(survivor, field, value)
    missing = {key: value for key, value in merged.attributes.items() if key not in survivor.attributes}
    if missing:
        before["attributes"] = dict(survivor.attributes)
        survivor.attributes = {**survivor.attributes, **missing}
    return before


def _returning_children(merge: Merge, root_id: int | None) -> list[int]:
    # A re-pointed customer goes back only while it is still in the group through the merge that
    # first put it with the merged customer (an older merge, still in force).
    children = merge.repointed
    still_linked = Merge.objects.filter(
        merged_id__in=children, merged__merged_into_id=root_id, unmerged_at=None, id__lt=merge.id
    )
    return sorted(set(still_linked.values_list("merged_id", flat=True)))


@transaction.atomic
def accept_suggestion(suggestion: MergeSuggestion, by: User) -> Merge | None:
    """Accept a pending suggestion: merge the two groups (the older root survives); None if one already."""
    require_supervisor(by, suggestion.brand_id)
    suggestion = _pending(suggestion)
    roots = Customer.objects.filter(id__in=[suggestion.customer_id, suggestion.candidate_id])
    root_ids = sorted({customer.merged_into_id or customer.id for customer in roots})
    merge = None
    if len(root_ids) == 2:
        survivor, merged = (Customer.objects.get(id=root_id) for root_id in root_ids)
        merge = merge_customers(survivor, merged, by, suggestion)
    _decide(suggestion, SuggestionStatus.ACCEPTED, by)
    return merge


@transaction.atomic
def reject_suggestion(suggestion: MergeSuggestion, by: User) -> MergeSuggestion:
    """Reject a pending suggestion; later runs of `suggest_merges` leave the pair rejected."""
    require_supervisor(by, suggestion.brand_id)
    suggestion = _pending(suggestion)
    _decide(suggestion, SuggestionStatus.REJECTED, by)
    return suggestion


def _pending(suggestion: MergeSuggestion) -> MergeSuggestion:
    locked = MergeSuggestion.objects.select_for_update().get(id=suggestion.id)
    if locked.status != SuggestionStatus.PENDING:
        raise MergeRefusedError(f"suggestion {locked.id} was already {locked.status}")
    return locked


def _decide(suggestion: MergeSuggestion, status: str, by: User) -> None:
    suggestion.status, suggestion.decided_by, suggestion.decided_at = status, by, timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def suggest_merges(brand: Brand, customer_ids: list[int] | None = None) -> list[MergeSuggestion]:
    """Create or refresh pending suggestions for the brand (pairs involving `customer_ids`, if given)."""
    pairs = suggested_pairs(_profiles(brand.id))
    if customer_ids is not None:
        scope = _roots_of(customer_ids)
        pairs = [pair for pair in pairs if {pair.customer_id, pair.candidate_id} & scope]
    existing = {
        (row.customer_id, row.candidate_id): row
        for row in MergeSuggestion.objects.filter(brand=brand).select_for_update()
    }
    touched = [_upsert(brand, pair, existing.get((pair.customer_id, pair.candidate_id))) for pair in pairs]
    return [row for row in touched if row is not None]


def _upsert(brand: Brand, pair: PairScore, row: MergeSuggestion | None) -> MergeSuggestion | None:
    reasons = [reason.as_json() for reason in pair.reasons]
    if row is None:
        return MergeSuggestion.objects.create(
            brand=brand,
            customer_id=pair.customer_id,
            candidate_id=pair.candidate_id,
            reasons=reasons,
            score=pair.score,
        )
    if row.status != SuggestionStatus.PENDING:
        return None
    row.reasons, row.score = reasons, pair.score
    row.save(update_fields=["reasons", "score"])
    return row


def _roots_of(customer_ids: list[int]) -> set[int]:
    rows = Customer.objects.filter(id__in=customer_ids).values_list("id", "merged_into_id")
    return {merged_into or customer_id for customer_id, merged_into in rows}


def _profiles(brand_id: int) -> list[Profile]:
    members = Customer.objects.filter(brand_id=brand_id).values_list(
        "id", "merged_into_id", "display_name", "email", "phone"
    )
    root_of: dict[int, int] = {}
    names: dict[int, str] = {}
    emails: dict[int, set[str]] = defaultdict(set)
    phones: dict[int, set[str]] = defaultdict(set)
    for customer_id, merged_into, name, email, phone in members:
        root = root_of[customer_id] = merged_into or customer_id
        if merged_into is None:
            names[customer_id] = name
        emails[root].update([normalise_email(email)] if email else [])
        phones[root].update([normalise_phone(phone)] if phone else [])
    contacts = Identity.objects.filter(brand_id=brand_id, network__in=[Network.EMAIL, Network.PHONE])
    for customer_id, network, external_id in contacts.values_list("customer_id", "network", "external_id"):
        if network == Network.EMAIL:
            emails[root_of[customer_id]].add(normalise_email(external_id))
        else:
            phones[root_of[customer_id]].add(normalise_phone(external_id))
    orders, stated = _orders(brand_id, root_of)
    return [
        Profile(
            root_id,
            brand_id,
            name,
            frozenset(emails[root_id]),
            frozenset(phones[root_id]),
            frozenset(orders[root_id]),
            stated[root_id],
        )
        for root_id, name in names.items()
    ]


def _orders(brand_id: int, root_of: dict[int, int]) -> tuple[dict[int, set[str]], dict[int, frozenset[str]]]:
    orders: dict[int, set[str]] = defaultdict(set)
    purchases = Purchase.objects.filter(customer__brand_id=brand_id)
    for customer_id, number in purchases.values_list("customer_id", "order_number"):
        orders[root_of[customer_id]].add(number)
    known = frozenset(number for numbers in orders.values() for number in numbers)
    texts: dict[int, list[str]] = defaultdict(list)
    if known:
        posts = PostRecord.objects.filter(brand_id=brand_id, is_inbound=True, customer_id__isnull=False)
        for author_id, text in posts.values_list("customer_id", "text").iterator():
            if author_id is not None and author_id in root_of:
                texts[root_of[author_id]].append(text)
    stated = defaultdict(frozenset, {root: stated_order_numbers(t, known) for root, t in texts.items()})
    return orders, stated
