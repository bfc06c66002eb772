"""Reads of the listening configuration, and who may change it: the brand's supervisors and admins.

Someone who is not a member of the brand gets 404, as for a brand that does not exist; an agent of
the brand gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from hubbub.core.models import Brand, Membership, Role
from hubbub.listening.models import Exclusion, Source, Topic, TrackedTerm

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class ListeningOverview:
    """A brand's topics (with terms and exclusions) and sources, and the other brands one may switch to."""

    brand: Brand
    topics: list[Topic]
    sources: list[Source]
    brands: list[Brand]


def supervised_brands(user: Any) -> list[Brand]:
    """The brands `user` supervises or administers, by name."""
    if not user.is_authenticated:
        return []
    memberships = Membership.objects.filter(user_id=user.pk, role__in=SUPERVISING_ROLES)
    return list(Brand.objects.filter(id__in=memberships.values("brand_id")).order_by("name"))


def supervised_brand_or_error(user: Any, slug: str) -> Brand:
    """The brand if `user` supervises it; 404 for a stranger, 403 for one of its agents."""
    if not user.is_authenticated:
        raise Http404("No such brand.")
    roles = set(Membership.objects.filter(user_id=user.pk, brand__slug=slug).values_list("role", flat=True))
    if not roles:
        raise Http404("No such brand.")
    if not roles & set(SUPERVISING_ROLES):
        raise PermissionDenied("Only a supervisor or administrator of the brand configures listening.")
    return Brand.objects.get(slug=slug)


def listening_overview(user: Any, brand: Brand) -> ListeningOverview:
    """Everything the listening page shows, in a fixed number of queries however many rows."""
    topics = Topic.objects.filter(brand=brand).prefetch_related(
        Prefetch("terms", queryset=TrackedTerm.objects.order_by("term")),
        Prefetch("exclusions", queryset=Exclusion.objects.order_by("term")),
    )
    return ListeningOverview(
        brand=brand,
        topics=list(topics),
        sources=list(Source.objects.filter(brand=brand)),
        brands=supervised_brands(user),
    )


def topic_of_brand_or_404(brand: Brand, topic_id: int) -> Topic:
    """One of the brand's topics; 404 for a topic of another brand, as for one that does not exist."""
    try:
        return Topic.objects.get(id=topic_id, brand=brand)
    except Topic.DoesNotExist:
        raise Http404("No such topic.") from None


def source_of_brand_or_404(brand: Brand, source_id: int) -> Source:
    """One of the brand's sources; 404 for a source of another brand, as for one that does not exist."""
    try:
        return Source.objects.get(id=source_id, brand=brand)
    except Source.DoesNotExist:
        raise Http404("No such source.") from None


def name_is_taken(model: type[Topic] | type[Source], brand: Brand, name: str, *, but: int | None) -> bool:
    """Whether another topic (or source) of the brand already has this name."""
    same_name = model.objects.filter(brand=brand, name=name)
    return (same_name if but is None else same_name.exclude(id=but)).exists()


def source_match_is_taken(brand: Brand, match: str, network: str, pattern: str, *, but: int | None) -> bool:
    """Whether another source of the brand already matches the same site, community or account."""
    others = Source.objects.filter(brand=brand, match=match, network=network, pattern=pattern)
    return (others if but is None else others.exclude(id=but)).exists()
