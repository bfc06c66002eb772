"""Customer search within a set of brands: by name (accents and case folded), handle, email or phone.

The query's shape picks where to look: `@name` searches handles, `someone@host` email addresses,
a run of digits (with `+`, spaces, dashes, dots or brackets) phone numbers, and anything else names
and handles. Results are merge-group roots (a merged customer's identities find their survivor),
ordered by (display name, id) and cut by a keyset cursor, never by OFFSET.

Names are compared folded (`hubbub.core.text.fold`: case, accents and whitespace runs), against the
`search_name` column that holds each customer's folded name, so the whole match runs in SQL.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from hubbub.core.networks import Network
from hubbub.core.text import fold
from hubbub.crm.models import Customer, Identity

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_QUERY_CHARS = 200
MIN_PHONE_DIGITS = 4
_PHONE = re.compile(r"^\+?[\d\s().\-/]+$")
_EMAIL = re.compile(r"^[^@\s]+@\S*$")
_STREAM_CHUNK = 2000

Row = tuple[str, int]  # (display name, customer id): the sort key of every result


@dataclass(frozen=True, slots=True)
class Cursor:
    """The last customer of a page: results after it in (display name, id) order come next."""

    name: str
    id: int

    def encode(self) -> str:
        """An opaque, URL-safe token."""
        return base64.urlsafe_b64encode(json.dumps([self.name, self.id]).encode()).decode()

    @classmethod
    def decode(cls, token: str) -> Cursor | None:
        """The cursor a token names, or None for anything malformed."""
        try:
            name, id_ = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            return None
        valid = isinstance(name, str) and isinstance(id_, int) and not isinstance(id_, bool)
        return cls(name, id_) if valid else None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of customers, their merge groups' identities by customer id, and the next page's cursor."""

    customers: list[Customer]
    identities: dict[int, list[Identity]]
    next_cursor: Cursor | None


def phone_digits(text: str) -> str:
    """A phone number's digits for matching: "+49 (30) 123-456" -> "4930123456", "030 123" -> "30123"."""
    digits = "".join(char for char in text if char.isascii() and char.isdigit())
    if text.lstrip().startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    # A national number's trunk zero is not part of its E.164 form.
    return digits.lstrip("0")


def search_customers(
    brand_ids: Collection[int],
    query: str = "",
    *,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> SearchPage:
    """The brands' customers matching `query` (all of them when blank), one page after `after`."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = _printable(query)[:MAX_QUERY_CHARS]
    roots = _roots(brand_ids, after)
    rows = islice(_matching_rows(roots, brand_ids, query), limit + 1)
    found = list(rows)
    page = found[:limit]
    customers = Customer.objects.in_bulk([id_ for _, id_ in page])
    ordered = [customers[id_] for _, id_ in page if id_ in customers]
    next_cursor = Cursor(*page[-1]) if len(found) > limit else None
    return SearchPage(customers=ordered, identities=_group_identities(ordered), next_cursor=next_cursor)


def _printable(query: str) -> str:
    # Control characters match nothing a person types, and PostgreSQL rejects NUL in parameters.
    return "".join(char if char.isprintable() else " " for char in query).strip()


def _roots(brand_ids: Collection[int], after: Cursor | None) -> QuerySet[Customer]:
    roots = Customer.objects.filter(brand_id__in=list(brand_ids), merged_into__isnull=True)
    if after is not None:
        roots = roots.filter(Q(display_name__gt=after.name) | Q(display_name=after.name, id__gt=after.id))
    return roots.order_by("display_name", "id")


def _matching_rows(roots: QuerySet[Customer], brand_ids: Collection[int], query: str) -> Iterator[Row]:
    if not query:
        return _stream(roots)
    if query.startswith("@"):
        return _stream(roots.filter(id__in=_handle_roots(brand_ids, query[1:])))
    if _EMAIL.match(query):
        return _exact_else_prefix(
            roots.filter(
                Q(email__in={query, query.lower()}) | Q(id__in=_email_roots(brand_ids, query, exact=True))
            ),
            roots.filter(Q(email__istartswith=query) | Q(id__in=_email_roots(brand_ids, query))),
        )
    digits = phone_digits(query)
    if _PHONE.match(query) and len(digits) >= MIN_PHONE_DIGITS:
        return _stream(roots.filter(Q(phone__contains=digits) | Q(id__in=_phone_roots(brand_ids, digits))))
    by_name = _names_containing(roots, fold(query))
    by_handle = _stream(roots.filter(id__in=_handle_roots(brand_ids, query)))
    # Both streams are in (name, id) order: merge them and drop a customer found by both.
    return _unique(heapq.merge(by_name, by_handle))


def _exact_else_prefix(exact: QuerySet[Customer], prefix: QuerySet[Customer]) -> Iterator[Row]:
    """The exact matches (found by index) when there are any, else the prefix matches (a scan)."""
    rows = list(exact.values_list("display_name", "id")[: MAX_PAGE_SIZE + 1])
    yield from rows if rows else _stream(prefix)


def _unique(rows: Iterator[Row]) -> Iterator[Row]:
    seen: set[int] = set()
    for row in rows:
        if row[1] not in seen:
            seen.add(row[1])
            yield row


def _stream(roots: QuerySet[Customer]) -> Iterator[Row]:
    return roots.values_list("display_name", "id").iterator(chunk_size=_STREAM_CHUNK)


def _names_containing(roots: QuerySet[Customer], folded: str) -> Iterator[Row]:
    return _stream(roots.filter(search_name__contains=folded))


def _group_roots(identities: QuerySet[Identity]) -> QuerySet[Identity, int]:
    """The merge-group roots of the identities' customers, as a subquery."""
    return identities.annotate(root=Coalesce(F("customer__merged_into_id"), F("customer_id"))).values_list(
        "root", flat=True
    )


def _handle_roots(brand_ids: Collection[int], handle: str) -> QuerySet[Identity, int]:
    handle = handle.strip()
    if not handle:
        return Identity.objects.none().values_list("id", flat=True)
    return _group_roots(Identity.objects.filter(brand_id__in=list(brand_ids), handle__istartswith=handle))


def _email_roots(brand_ids: Collection[int], email: str, *, exact: bool = False) -> QuerySet[Identity, int]:
    identities = Identity.objects.filter(brand_id__in=list(brand_ids), network=Network.EMAIL)
    if exact:
        return _group_roots(identities.filter(external_id__in={email, email.lower()}))
    return _group_roots(identities.filter(external_id__istartswith=email))


def _phone_roots(brand_ids: Collection[int], digits: str) -> QuerySet[Identity, int]:
    return _group_roots(
        Identity.objects.filter(
            brand_id__in=list(brand_ids), network=Network.PHONE, external_id__contains=digits
        )
    )


def _group_identities(customers: list[Customer]) -> dict[int, list[Identity]]:
    """Each customer's identities, those of customers merged into it included, in one query."""
    ids = [customer.id for customer in customers]
    by_root: dict[int, list[Identity]] = {id_: [] for id_ in ids}
    identities = Identity.objects.filter(Q(customer_id__in=ids) | Q(customer__merged_into_id__in=ids))
    for identity in identities.select_related("customer").order_by("network", "handle", "id"):
        by_root[identity.customer.merged_into_id or identity.customer_id].append(identity)
    return by_root
