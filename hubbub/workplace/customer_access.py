"""Who may open a customer page: the members of the customer's brand (agents and supervisors).

As for posts, everyone else gets 404, so that nobody learns that a customer exists. Deciding merges
is for the brand's supervisors: an agent of the brand who tries gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from hubbub.core.models import Membership
from hubbub.crm.models import Customer, Merge, MergeSuggestion, SuggestionStatus
from hubbub.workplace.queries import SUPERVISING_ROLES, AnyUser


def visible_customer_or_404(user: AnyUser, customer_id: int) -> Customer:
    """The customer if `user` is a member of its brand; Http404 otherwise, as for a missing customer."""
    if not user.is_authenticated:
        raise Http404("No such customer.")
    brands = Membership.objects.filter(user_id=user.pk).values("brand_id")
    try:
        return Customer.objects.get(id=customer_id, brand_id__in=brands)
    except Customer.DoesNotExist:
        raise Http404("No such customer.") from None


def supervises(user: AnyUser, customer: Customer) -> bool:
    """Whether `user` supervises (or administers) the customer's brand: merges are theirs to decide."""
    if not user.is_authenticated:
        return False
    supervising = Membership.objects.filter(user_id=user.pk, role__in=SUPERVISING_ROLES)
    return supervising.filter(brand_id=customer.brand_id).exists()


def pending_suggestion_for(user: AnyUser, customer_id: int, suggestion_id: int) -> MergeSuggestion:
    """A pending suggestion of the customer's brand that `user` may decide (404 unseen, 403 an agent)."""
    customer = _supervised_customer(user, customer_id)
    try:
        return MergeSuggestion.objects.get(
            id=suggestion_id, brand_id=customer.brand_id, status=SuggestionStatus.PENDING
        )
    except MergeSuggestion.DoesNotExist:
        raise Http404("No such suggestion.") from None


def active_merge_for(user: AnyUser, customer_id: int, merge_id: int) -> Merge:
    """A merge of the customer's brand not yet undone that `user` may undo (404 unseen, 403 an agent)."""
    customer = _supervised_customer(user, customer_id)
    try:
        return Merge.objects.get(id=merge_id, brand_id=customer.brand_id, unmerged_at=None)
    except Merge.DoesNotExist:
        raise Http404("No such merge.") from None


def _supervised_customer(user: AnyUser, customer_id: int) -> Customer:
    customer = visible_customer_or_404(user, customer_id)
    if not supervises(user, customer):
        raise PermissionDenied("Only a supervisor of the brand decides merges.")
    return customer
