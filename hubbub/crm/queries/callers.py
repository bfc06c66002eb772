"""The caller card of a screen pop: who is calling from a number, and their last interactions.

A number is found as a phone identity of the brand (the CTI endpoint's pipeline links or creates
it); the card shows the merge group's survivor and the group's latest posts and interactions, as the
timeline orders them. Cards for many callers cost the same four queries as one: identities with
their customers, the merge groups, then the latest rows per customer by a window function.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from hubbub.core.models import PostRecord
from hubbub.core.networks import Network
from hubbub.crm.models import Customer, Identity, Interaction, InteractionKind

SHOWN_INTERACTIONS = 5
SUMMARY_CHARS = 500
CallerKey = tuple[int, str]  # (brand id, E.164 number)
_POST_FIELDS = ("id", "customer_id", "brand_id", "created_at", "network", "text", "is_inbound")
_INTERACTION_FIELDS = ("id", "customer_id", "occurred_at", "channel", "kind", "summary")


@dataclass(frozen=True, slots=True)
class CardInteraction:
    """One of the caller's latest touches: a post or another interaction."""

    occurred_at: datetime
    channel: str
    label: str
    summary: str


@dataclass(frozen=True, slots=True)
class CallerCard:
    """The customer behind a number, as the screen pop shows them."""

    id: int
    display_name: str
    tier: str
    email: str
    phone: str
    last_interactions: tuple[CardInteraction, ...]


def caller_card(brand_id: int, number: str) -> CallerCard | None:
    """The card of the brand's customer calling from `number` (E.164), None for an unknown number."""
    return caller_cards([(brand_id, number)]).get((brand_id, number))


def caller_cards(callers: Iterable[CallerKey]) -> dict[CallerKey, CallerCard]:
    """The cards of the known callers among (brand id, number) pairs, in four queries however many."""
    roots = _roots_by_caller(set(callers))
    members = _members_by_root({root.id for root in roots.values()})
    latest = _latest_interactions(members, {root.id: root.brand_id for root in roots.values()})
    return {key: _card(root, latest.get(root.id, [])) for key, root in roots.items()}


def _roots_by_caller(callers: set[CallerKey]) -> dict[CallerKey, Customer]:
    """The customer each caller's identity belongs to, or the survivor it was merged into."""
    if not callers:
        return {}
    identities = Identity.objects.filter(
        network=Network.PHONE,
        brand_id__in={brand for brand, _ in callers},
        external_id__in={number for _, number in callers},
    ).select_related("customer", "customer__merged_into")
    found = {}
    for identity in identities:
        key = (identity.brand_id, identity.external_id)
        if key in callers:
            found[key] = identity.customer.merged_into or identity.customer
    return found


def _members_by_root(roots: set[int]) -> dict[int, int]:
    """Each customer of the merge groups of `roots`, mapped to its group's root."""
    rows = Customer.objects.filter(Q(id__in=roots) | Q(merged_into_id__in=roots)).values_list(
        "id", "merged_into_id"
    )
    return {id_: merged_into or id_ for id_, merged_into in rows}


def _latest_interactions(members: dict[int, int], brands: dict[int, int]) -> dict[int, list[CardInteraction]]:
    """The latest SHOWN_INTERACTIONS posts and interactions of each group, newest first, by root."""
    entries: dict[int, list[tuple[tuple[datetime, str, int], CardInteraction]]] = defaultdict(list)
    posts = PostRecord.objects.filter(brand_id__in=set(brands.values()))
    for row in _latest(posts, members, "created_at", _POST_FIELDS):
        root = members[row["customer_id"]]
        if row["brand_id"] == brands[root]:
            entries[root].append(((row["created_at"], "post", row["id"]), _post_entry(row)))
    for row in _latest(Interaction.objects.all(), members, "occurred_at", _INTERACTION_FIELDS):
        key = (row["occurred_at"], "interaction", row["id"])
        entries[members[row["customer_id"]]].append((key, _interaction_entry(row)))
    return {
        root: [entry for _, entry in heapq.nlargest(SHOWN_INTERACTIONS, rows, key=lambda pair: pair[0])]
        for root, rows in entries.items()
    }


def _latest(
    rows: QuerySet[Any], members: dict[int, int], field: str, fields: tuple[str, ...]
) -> QuerySet[Any, dict[str, Any]]:
    """Each member's latest SHOWN_INTERACTIONS rows: enough for any group's latest, in one query."""
    newest_first = Window(
        RowNumber(), partition_by=[F("customer_id")], order_by=[F(field).desc(), F("id").desc()]
    )
    latest: QuerySet[Any, dict[str, Any]] = (
        rows.filter(customer_id__in=list(members))
        .annotate(place=newest_first)
        .filter(place__lte=SHOWN_INTERACTIONS)
        .values(*fields)
    )
    return latest


def _post_entry(row: dict[str, Any]) -> CardInteraction:
    return CardInteraction(
        occurred_at=row["created_at"],
        channel=row["network"],
        label="Post" if row["is_inbound"] else "Reply",
        summary=row["text"][:SUMMARY_CHARS],
    )


def _interaction_entry(row: dict[str, Any]) -> CardInteraction:
    kind = row["kind"]
    return CardInteraction(
        occurred_at=row["occurred_at"],
        channel=row["channel"],
        label=str(InteractionKind(kind).label) if kind in InteractionKind.values else kind,
        summary=row["summary"][:SUMMARY_CHARS],
    )


def _card(customer: Customer, latest: list[CardInteraction]) -> CallerCard:
    return CallerCard(
        id=customer.id,
        display_name=customer.display_name,
        tier=customer.tier,
        email=customer.email,
        phone=customer.phone,
        last_interactions=tuple(latest),
    )
