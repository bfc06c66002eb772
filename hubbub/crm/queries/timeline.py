"""The interaction timeline: a merge group's posts and other interactions, newest first, keyset-paginated.

Two limited queries (posts, interactions) merged in Python: a page costs two queries however long the
history is. Pages are cut by a cursor of (occurred_at, kind, id), never by OFFSET, so rows arriving
while an agent reads do not shift the next page, and rows sharing a timestamp are neither lost nor
repeated.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

from hubbub.core.models import PostRecord
from hubbub.core.networks import NETWORK_VALUES, Network
from hubbub.crm.models import Customer, Interaction, InteractionKind
from hubbub.crm.queries.customers import group_ids

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SUMMARY_CHARS = 500
POST = "post"
INTERACTION = "interaction"
KINDS = frozenset({POST, INTERACTION})
SENTIMENTS = frozenset({"positive", "negative", "neutral", "mixed"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_MICROS = 2**62


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """A position in the timeline: entries strictly older than it come next."""

    occurred_at: datetime
    kind: str
    id: int

    def encode(self) -> str:
        """A URL-safe token: microseconds since the epoch, the kind, the id."""
        micros = (self.occurred_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.kind}.{self.id}"

    @classmethod
    def decode(cls, token: str) -> Cursor | None:
        """The cursor a token names, or None for anything malformed."""
        parts = token.split(".")
        if len(parts) != 3 or parts[1] not in KINDS:
            return None
        micros, kind, id_ = parts
        if not (_is_number(micros) and _is_number(id_)) or int(micros) > _MAX_MICROS:
            return None
        try:
            occurred_at = _EPOCH + timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(occurred_at, kind, int(id_))


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A post or an interaction as the timeline shows it."""

    kind: str
    id: int
    occurred_at: datetime
    channel: str
    channel_label: str
    label: str
    summary: str
    is_inbound: bool
    sentiment: str = ""
    reference: str = ""

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.occurred_at, self.kind, self.id)

    @property
    def sentiment_class(self) -> str:
        """A CSS modifier from a closed set, whatever the column holds."""
        return self.sentiment if self.sentiment in SENTIMENTS else "unknown"

    @property
    def post_id(self) -> int | None:
        return self.id if self.kind == POST else None


@dataclass(frozen=True, slots=True)
class TimelinePage:
    """One page of the timeline and the cursor of the next (older) page, if there is one."""

    entries: tuple[TimelineEntry, ...]
    next_cursor: Cursor | None


def timeline(
    customer_id: int, *, channel: str | None = None, before: Cursor | None = None, limit: int = PAGE_SIZE
) -> TimelinePage:
    """The merge group's posts and interactions, newest first, older than `before`, on one channel."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if channel is not None and channel not in NETWORK_VALUES:
        return TimelinePage(entries=(), next_cursor=None)
    posts = _post_entries(customer_id, channel, before, limit + 1)
    interactions = _interaction_entries(customer_id, channel, before, limit + 1)
    merged = list(heapq.merge(posts, interactions, key=lambda entry: entry.cursor, reverse=True))
    page = tuple(merged[:limit])
    return TimelinePage(entries=page, next_cursor=page[-1].cursor if len(merged) > limit else None)


def _older_than(before: Cursor | None, kind: str, field: str) -> Q:
    """Rows of `kind` strictly after `before` in newest-first order of (occurred_at, kind, id)."""
    if before is None:
        return Q()
    older = Q(**{f"{field}__lt": before.occurred_at})
    if kind < before.kind:
        return older | Q(**{field: before.occurred_at})
    if kind == before.kind:
        return older | Q(**{field: before.occurred_at, "id__lt": before.id})
    return older


def _post_entries(root: int, channel: str | None, before: Cursor | None, limit: int) -> list[TimelineEntry]:
    posts: QuerySet[PostRecord] = PostRecord.objects.filter(
        _older_than(before, POST, "created_at"),
        customer_id__in=group_ids(root),
        brand_id__in=Customer.objects.filter(id=root).values("brand_id"),
    )
    if channel is not None:
        posts = posts.filter(network=channel)
    rows = posts.order_by("-created_at", "-id").values(
        "id", "created_at", "network", "text", "is_inbound", "sentiment"
    )[:limit]
    return [
        TimelineEntry(
            kind=POST,
            id=row["id"],
            occurred_at=row["created_at"],
            channel=row["network"],
            channel_label=_channel_label(row["network"]),
            label="Post" if row["is_inbound"] else "Reply",
            summary=row["text"][:SUMMARY_CHARS],
            is_inbound=row["is_inbound"],
            sentiment=row["sentiment"],
        )
        for row in rows
    ]


def _interaction_entries(
    root: int, channel: str | None, before: Cursor | None, limit: int
) -> list[TimelineEntry]:
    interactions = Interaction.objects.filter(
        _older_than(before, INTERACTION, "occurred_at"), customer_id__in=group_ids(root)
    )
    if channel is not None:
        interactions = interactions.filter(channel=channel)
    rows = interactions.order_by("-occurred_at", "-id").values(
        "id", "occurred_at", "channel", "kind", "summary", "is_inbound", "reference"
    )[:limit]
    return [
        TimelineEntry(
            kind=INTERACTION,
            id=row["id"],
            occurred_at=row["occurred_at"],
            channel=row["channel"],
            channel_label=_channel_label(row["channel"]),
            label=_kind_label(row["kind"]),
            summary=row["summary"][:SUMMARY_CHARS],
            is_inbound=row["is_inbound"],
            reference=row["reference"],
        )
        for row in rows
    ]


def _channel_label(value: str) -> str:
    return str(Network(value).label) if value in NETWORK_VALUES else value


def _kind_label(value: str) -> str:
    return str(InteractionKind(value).label) if value in InteractionKind.values else value


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 20
