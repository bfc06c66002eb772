"""Who may see and change which customers through the API: members of the customer's brand.

Everything else answers 404, exactly as for a customer that does not exist. Merging and erasing are
for the brand's supervisors and administrators; an agent of the brand gets 403.
"""

from __future__ import annotations

from typing import Any

from ninja.errors import HttpError

from hubbub.core.models import Brand, Membership, Role
from hubbub.crm.models import Customer

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)
NOT_FOUND = "No such customer."


def member_brands(user: Any) -> dict[int, Brand]:
    """The brands `user` is a member of, by id."""
    memberships = Membership.objects.filter(user_id=user.pk).select_related("brand")
    return {membership.brand_id: membership.brand for membership in memberships}


def visible_customer_or_404(user: Any, customer_id: int) -> Customer:
    """The customer if `user` is a member of its brand; a 404 otherwise."""
    brands = Membership.objects.filter(user_id=user.pk).values("brand_id")
    customer = Customer.objects.filter(id=customer_id, brand_id__in=brands).select_related("brand").first()
    if customer is None:
        raise HttpError(404, NOT_FOUND)
    return customer


def supervised_customer_or_error(user: Any, customer_id: int, action: str) -> Customer:
    """The customer if `user` supervises its brand; 404 for strangers, 403 for the brand's agents."""
    customer = visible_customer_or_404(user, customer_id)
    supervising = Membership.objects.filter(
        user_id=user.pk, brand_id=customer.brand_id, role__in=SUPERVISING_ROLES
    )
    if not supervising.exists():
        raise HttpError(403, f"Only a supervisor or administrator of the brand may {action}.")
    return customer
