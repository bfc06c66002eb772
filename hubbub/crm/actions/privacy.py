"""Data-subject rights (GDPR): access and portability (Art. 15, 20), erasure (Art. 17), objection (Art. 21).

A data subject is a person, so every right covers the customer's whole merge group: the root and the
customers merged into it. The same selection feeds the export and the erasure, so what is erased is
exactly what an export shows:

- the customer rows, their identities, addresses, notes, purchases, invoices and interactions;
- merge suggestions and merge audit rows naming any of them;
- stored posts of the brand linked to them (`customer_id`) or written by one of their identities,
  and the brand's replies to those posts;
- the admin back office's log entries about the customer rows.

Erasure then forgets the customer in every other store, one function per store: today Redis keys and
stream entries, where `REDIS_URL` is configured (see `_OUTSIDE_STORES` for the resolution cache).
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import redis
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hubbub.core.csv_safety import SafeCsvWriter
from hubbub.core.models import PostRecord
from hubbub.crm.actions.tiers import recompute_tier
from hubbub.crm.models import (
    Address,
    Customer,
    Erasure,
    Identity,
    Interaction,
    Invoice,
    Merge,
    MergeSuggestion,
    Note,
    Purchase,
)

logger = logging.getLogger(__name__)

EXPORT_FORMAT_VERSION = 1
CSV_EXPORT_README = (
    "One CSV file per section, a header row first. Cells that a spreadsheet could run as a formula "
    "(starting with = + - @, a tab or a carriage return) start with an apostrophe.\n"
)


@dataclass(frozen=True, slots=True)
class Subject:
    """The people a data-subject request covers: a merge group of one brand and its identities."""

    brand_id: int
    root_id: int
    customer_ids: tuple[int, ...]
    identity_keys: tuple[tuple[str, str], ...]  # (network, external id)
    identifiers: frozenset[str]  # names, handles, addresses, numbers: what other stores may hold


def subject_of(customer: Customer) -> Subject:
    """The merge group `customer` belongs to, with everything that identifies its members."""
    root_id = customer.merged_into_id or customer.id
    members = list(Customer.objects.filter(Q(id=root_id) | Q(merged_into_id=root_id)).order_by("id"))
    identities = list(Identity.objects.filter(customer_id__in=[member.id for member in members]))
    texts = [text for member in members for text in (member.display_name, member.email, member.phone)]
    texts += [text for identity in identities for text in (identity.external_id, identity.handle)]
    return Subject(
        brand_id=customer.brand_id,
        root_id=root_id,
        customer_ids=tuple(member.id for member in members),
        identity_keys=tuple(sorted({(identity.network, identity.external_id) for identity in identities})),
        identifiers=frozenset(text for text in texts if text),
    )


# --- Selection: the rows of each section -------------------------------------------------------


def _posts(subject: Subject) -> QuerySet[PostRecord]:
    authored = Q(customer_id__in=subject.customer_ids)
    for network, external_id in subject.identity_keys:
        authored |= Q(network=network, author_id=external_id)
    own = PostRecord.objects.filter(authored, brand_id=subject.brand_id)
    replies = Q(in_reply_to_id__in=own.values("external_id"), network__in=own.values("network"))
    return PostRecord.objects.filter(Q(id__in=own.values("id")) | replies, brand_id=subject.brand_id)


def _sections(subject: Subject) -> dict[str, QuerySet[Any]]:
    ids = subject.customer_ids
    return {
        "profile": Customer.objects.filter(id__in=ids).order_by("id"),
        "identities": Identity.objects.filter(customer_id__in=ids).order_by("id"),
        "addresses": Address.objects.filter(customer_id__in=ids).order_by("id"),
        "notes": Note.objects.filter(customer_id__in=ids).order_by("id"),
        "purchases": Purchase.objects.filter(customer_id__in=ids).order_by("id"),
        "invoices": Invoice.objects.filter(customer_id__in=ids).order_by("id"),
        "interactions": Interaction.objects.filter(customer_id__in=ids).order_by("id"),
        "posts": _posts(subject).order_by("id"),
        "merges": Merge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids)).order_by("id"),
        "suggestions": MergeSuggestion.objects.filter(
            Q(customer_id__in=ids) | Q(candidate_id__in=ids)
        ).order_by("id"),
    }


# Columns added to a section beyond its model's own, so that an export reads without lookups.
_EXTRA_COLUMNS = {"purchases": ("product__sku", "product__name", "product__kind")}


def _columns(section: str, rows: QuerySet[Any]) -> list[str]:
    own = [field.attname for field in rows.model._meta.concrete_fields]
    return own + list(_EXTRA_COLUMNS.get(section, ()))


# --- Export (Art. 15 and 20) -------------------------------------------------------------------


def export_customer(customer: Customer) -> dict[str, Any]:
    """Everything hubbub holds about the customer's merge group, as JSON-ready data."""
    subject = subject_of(customer)
    sections = {
        section: [
            {column: _json_value(value) for column, value in row.items()}
            for row in rows.values(*_columns(section, rows))
        ]
        for section, rows in _sections(subject).items()
    }
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "customer_id": subject.root_id,
        **sections,
    }


def export_customer_csv(customer: Customer) -> bytes:
    """The export as a zip archive: one formula-safe CSV per section (profile.csv, posts.csv, …)."""
    subject = subject_of(customer)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("README.txt", CSV_EXPORT_README)
        for section, rows in _sections(subject).items():
            columns = _columns(section, rows)
            stream = io.StringIO(newline="")
            writer = SafeCsvWriter(stream)
            writer.writerow(columns)
            writer.writerows([_csv_value(row[column]) for column in columns] for row in rows.values(*columns))
            zipped.writestr(f"{section}.csv", stream.getvalue())
    return archive.getvalue()


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


# --- Erasure (Art. 17) -------------------------------------------------------------------------


def erase_customer(customer: Customer, by: Any) -> Erasure:
    """Erase the customer's merge group from every store; returns the record, which holds counts only."""
    subject = subject_of(customer)
    with transaction.atomic():
        removed = _erase_database(subject)
        erasure = Erasure.objects.create(
            brand_id=subject.brand_id,
            customer_number=subject.root_id,
            requested_by_id=_actor(by),
            erased_at=timezone.now(),
            removed=removed,
        )
    # Outside the transaction: a cache or Redis entry dropped too eagerly is only refetched, never wrong.
    for store, erase in _OUTSIDE_STORES.items():
        count = erase(subject)
        if count is not None:
            removed[store] = count
    Erasure.objects.filter(id=erasure.id).update(removed=removed)
    erasure.removed = removed
    return erasure


def _erase_database(subject: Subject) -> dict[str, int]:
    sections = _sections(subject)
    removed = {"admin_log_entries": _erase_admin_log(subject)}
    # Posts first (they hold no foreign key), customers last (merged ones before their survivor).
    for section in ("posts", "suggestions", "merges", "notes", "purchases", "invoices", "interactions"):
        removed[section] = _delete(sections[section])
    for section in ("addresses", "identities"):
        removed[section] = _delete(sections[section])
    merged = Customer.objects.filter(id__in=subject.customer_ids).exclude(id=subject.root_id)
    removed["customers"] = _delete(merged) + _delete(Customer.objects.filter(id=subject.root_id))
    return removed


def _delete(rows: QuerySet[Any]) -> int:
    # Children go first, so nothing cascades; count the section's own rows all the same.
    _, per_model = rows.delete()
    return per_model.get(rows.model._meta.label, 0)


def _erase_admin_log(subject: Subject) -> int:
    content_type = ContentType.objects.get_for_model(Customer)
    entries = LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(id_) for id_ in subject.customer_ids]
    )
    return int(entries.delete()[0])


def _erase_redis(subject: Subject) -> int | None:
    """Delete Redis keys and stream entries that mention the subject; None when Redis is not configured."""
    if not settings.REDIS_URL:
        return None
    client = redis.Redis.from_url(settings.REDIS_URL)
    needles = [text.encode() for text in subject.identifiers]
    needles += [f"customer:{id_}".encode() for id_ in subject.customer_ids]
    removed = 0
    for key in client.scan_iter(count=1000):
        removed += _erase_redis_key(client, key, needles)
    return removed


def _erase_redis_key(client: Any, key: bytes, needles: list[bytes]) -> int:
    if _mentions(key, needles):
        return int(client.delete(key))
    kind = client.type(key)
    if kind == b"stream":
        return _erase_stream_entries(client, key, needles)
    if kind == b"string" and _mentions(client.get(key) or b"", needles):
        return int(client.delete(key))
    return 0


def _erase_stream_entries(client: Any, key: bytes, needles: list[bytes]) -> int:
    """Rewrite the stream without the entries that mention the subject; returns how many went.

    XDEL only flags an entry as deleted: its bytes stay in the stream's listpack until the whole node
    goes. So the stream is rebuilt under WATCH with the same entry ids, the same last generated id
    and each consumer group at its last delivered id (pending-entry lists start empty again).
    """
    with client.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                entries = pipe.xrange(key)
                doomed = {entry_id for entry_id, fields in entries if _entry_mentions(fields, needles)}
                if not doomed:
                    return 0
                info, groups = pipe.xinfo_stream(key), pipe.xinfo_groups(key)
                pipe.multi()
                pipe.delete(key)
                for entry_id, fields in entries:
                    if entry_id not in doomed:
                        pipe.xadd(key, fields, id=entry_id)
                for group in groups:
                    pipe.xgroup_create(key, group["name"], id=group["last-delivered-id"], mkstream=True)
                if len(doomed) < len(entries) or groups:
                    pipe.execute_command("XSETID", key, info["last-generated-id"])
                pipe.execute()
                return len(doomed)
            except redis.WatchError:
                continue


def _entry_mentions(fields: dict[bytes, bytes], needles: list[bytes]) -> bool:
    return any(_mentions(value, needles) for pair in fields.items() for value in pair)


def _mentions(blob: bytes, needles: Iterable[bytes]) -> bool:
    return any(needle in blob for needle in needles)


# The resolution cache (`hubbub.crm.resolution`) needs no entry: it maps identity keys to customer ids
# and checks every cached id against the database on each batch, so an erased customer is never
# resolved again. The stale key stays in a pipeline process's memory until that author is seen again.
_OUTSIDE_STORES: dict[str, Callable[[Subject], int | None]] = {"redis": _erase_redis}


# --- Objection (Art. 21) -----------------------------------------------------------------------


def record_objection(customer: Customer, by: Any) -> None:
    """The customer objects to profiling: no influence score from now on, and the tier recomputed."""
    _set_objection(customer, objects=True)
    logger.info("objection to profiling recorded for customer %s by user %s", customer.id, _actor(by))


def withdraw_objection(customer: Customer, by: Any) -> None:
    """The customer withdraws the objection: influence is scored again, and the tier recomputed."""
    _set_objection(customer, objects=False)
    logger.info("objection to profiling withdrawn for customer %s by user %s", customer.id, _actor(by))


@transaction.atomic
def _set_objection(customer: Customer, *, objects: bool) -> None:
    subject = subject_of(customer)
    changes: dict[str, Any] = {
        "objects_to_profiling": objects,
        "objection_recorded_at": timezone.now() if objects else None,
        "updated_at": timezone.now(),
    }
    if objects:
        changes["influence"] = None
    Customer.objects.filter(id__in=subject.customer_ids).update(**changes)
    recompute_tier(customer)
    customer.refresh_from_db()


def _actor(by: Any) -> int | None:
    """The acting user's id (None for an operator's command); logs and records hold ids, not names."""
    return getattr(by, "pk", None)
