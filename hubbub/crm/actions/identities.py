"""Identities: a customer's accounts, and automatic linking when a new one matches exactly.

Where automatic linking runs: the pipeline's `CustomerResolver` calls `find_exact_matches` for the
authors it meets for the first time (cold path only, a few queries per batch), before it would
create a customer; `link_identity` is the one-row version for imports, the API and the back office.

An exact match, always within the brand, is one of:
- an identity on the same network with the same handle (e.g. a handle imported before its id was known);
- on the email channel, an address equal to a customer's email (as written, or in lower case);
- on the phone channel, a number equal to a customer's phone (as written, or normalised).
Only an unambiguous match links: when the matches belong to more than one customer group, nothing
is linked, a new customer is created, and the merge suggestions show the pair to a supervisor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.db import IntegrityError, transaction

from hubbub.core.models import Brand
from hubbub.core.networks import Network
from hubbub.crm.models import Customer, Identity
from hubbub.crm.suggestions import normalise_email, normalise_phone

# The customer field an author on a contact channel is matched with, and how it is normalised.
CONTACT_FIELDS: dict[str, tuple[str, Callable[[str], str]]] = {
    Network.EMAIL: ("email", normalise_email),
    # A chat visitor's author id is the email they gave (or chat:<thread> when they gave none).
    Network.CHAT: ("email", normalise_email),
    Network.PHONE: ("phone", normalise_phone),
}
Author = tuple[str, str]  # (external id, handle)
Match = tuple[int, int]  # (customer id, the id of its group's root)


class IdentityTakenError(Exception):
    """The identity already belongs to another customer (merging, not relinking, joins them)."""


def source_key(brand_id: int, network: str, external_id: str) -> str:
    """The unique key of a customer created from this identity."""
    return f"{brand_id}:{network}:{external_id}"


def find_exact_matches(brand_id: int, network: str, authors: Sequence[Author]) -> dict[str, int]:
    """External id -> the existing customer a new author matches exactly and unambiguously."""
    matches: dict[str, set[Match]] = defaultdict(set)
    for external_id, match in _handle_matches(brand_id, network, authors):
        matches[external_id].add(match)
    for external_id, match in _contact_matches(brand_id, network, [author[0] for author in authors]):
        matches[external_id].add(match)
    return {
        external_id: min(customer_id for customer_id, _ in found)
        for external_id, found in matches.items()
        if len({root_id for _, root_id in found}) == 1
    }


@transaction.atomic
def link_identity(
    customer: Customer | None,
    network: str,
    external_id: str,
    handle: str = "",
    *,
    brand: Brand | None = None,
    followers: int = 0,
) -> Identity:
    """The identity, linked to `customer`, else to the customer it matches exactly, else to a new one."""
    brand_id = customer.brand_id if customer is not None else _required(brand).id
    existing = Identity.objects.filter(brand_id=brand_id, network=network, external_id=external_id).first()
    if existing is not None:
        if customer is not None and existing.customer_id != customer.id:
            raise IdentityTakenError(f"{network}:{external_id} belongs to customer {existing.customer_id}")
        return existing
    owner = customer or _matched_or_new(brand_id, network, external_id, handle)
    try:
        with transaction.atomic():
            return Identity.objects.create(
                customer=owner,
                brand_id=brand_id,
                network=network,
                external_id=external_id,
                handle=handle,
                followers=followers,
            )
    except IntegrityError:  # created meanwhile by the pipeline: the same identity, keep theirs
        return Identity.objects.get(brand_id=brand_id, network=network, external_id=external_id)


def _required(brand: Brand | None) -> Brand:
    if brand is None:
        raise TypeError("link_identity needs a brand when no customer is given")
    return brand


def _matched_or_new(brand_id: int, network: str, external_id: str, handle: str) -> Customer:
    matched = find_exact_matches(brand_id, network, [(external_id, handle)]).get(external_id)
    if matched is not None:
        return Customer.objects.get(id=matched)
    customer, _ = Customer.objects.get_or_create(
        source_key=source_key(brand_id, network, external_id),
        defaults={"brand_id": brand_id, "display_name": handle or external_id},
    )
    return customer


def _handle_matches(brand_id: int, network: str, authors: Sequence[Author]) -> Iterable[tuple[str, Match]]:
    by_handle: dict[str, list[str]] = defaultdict(list)
    for external_id, handle in authors:
        if handle:
            by_handle[handle].append(external_id)
    if not by_handle:
        return
    rows = Identity.objects.filter(brand_id=brand_id, network=network, handle__in=list(by_handle))
    for handle, customer_id, merged_into in rows.values_list(
        "handle", "customer_id", "customer__merged_into_id"
    ):
        for external_id in by_handle[handle]:
            yield external_id, (customer_id, merged_into or customer_id)


def _contact_matches(brand_id: int, network: str, external_ids: list[str]) -> Iterable[tuple[str, Match]]:
    if network not in CONTACT_FIELDS:
        return
    field, normalise = CONTACT_FIELDS[network]
    wanted: dict[str, list[str]] = defaultdict(list)
    for external_id in external_ids:
        wanted[normalise(external_id)].append(external_id)
    spellings = {*external_ids, *wanted}
    rows = Customer.objects.filter(brand_id=brand_id, **{f"{field}__in": list(spellings)})
    for value, customer_id, merged_into in rows.values_list(field, "id", "merged_into_id"):
        for external_id in wanted.get(normalise(value), []):
            yield external_id, (customer_id, merged_into or customer_id)
