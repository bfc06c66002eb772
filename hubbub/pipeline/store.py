"""Bulk SQL for the hot path: posts are written here, not through the ORM (see docs/architecture.md).

The table and its constraints are defined by `hubbub.core.models.PostRecord` and its migrations;
this module only writes rows into it, idempotently on (network, external_id).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from hubbub.core.models import PostRecord
from hubbub.core.posts import Post, PriorityPart
from hubbub.pipeline.bulk import in_chunks, insert_ignoring_conflicts

POST_TABLE = PostRecord._meta.db_table
POST_COLUMNS = (
    "brand_id", "network", "external_id", "author_id", "author_handle", "author_name", "author_followers",
    "text", "created_at", "received_at", "in_reply_to_id", "is_inbound", "matched_terms", "language",
    "sentiment", "sentiment_score", "customer_id", "queue_id", "priority", "priority_parts",
    "emotion", "intent", "decision", "call_for_help", "virality_risk", "urgency", "analysis_why",
    "kind", "thread_id", "account_id", "url", "source", "source_class", "source_rating",
)  # fmt: skip


def _row(post: Post, received_at: datetime) -> tuple[Any, ...]:
    adapt = connection.ops.adapt_datetimefield_value
    return (
        post.brand_id, post.network, post.external_id, post.author_id, post.author_handle,
        post.author_name, post.author_followers, post.text, adapt(post.created_at), adapt(received_at),
        post.in_reply_to_id, post.is_inbound, json.dumps(post.matched_terms), post.language,
        post.sentiment, post.sentiment_score, post.customer_id, post.queue_id, post.priority,
        json.dumps(_parts(post.priority_parts)),
        post.emotion, post.intent, post.decision, post.call_for_help, post.virality_risk, post.urgency,
        json.dumps(_analysis_why(post)),
        post.kind, post.thread_id, post.account_id, post.url, post.source, post.source_class,
        post.source_rating,
    )  # fmt: skip


def _parts(parts: Sequence[PriorityPart]) -> list[dict[str, Any]]:
    return [{"label": part.label, "points": part.points} for part in parts]


def _analysis_why(post: Post) -> dict[str, Any]:
    return {
        "reasons": dict(post.analysis_reasons),
        "virality": _parts(post.virality_parts),
        "urgency": _parts(post.urgency_parts),
    }


def write_posts(posts: Sequence[Post]) -> int:
    """Insert posts that are not stored yet; returns how many were new. Call inside a transaction."""
    received_at = timezone.now()
    rows = [_row(post, received_at) for post in posts if post.brand_id is not None]
    return insert_ignoring_conflicts(POST_TABLE, POST_COLUMNS, rows, conflict=("network", "external_id"))


def stored_keys(keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (network, external id) pairs among `keys` that are already stored."""
    by_network: dict[str, list[str]] = {}
    for network, external_id in keys:
        by_network.setdefault(network, []).append(external_id)
    found: set[tuple[str, str]] = set()
    with connection.cursor() as cursor:
        for network, ids in by_network.items():
            for marks, chunk in in_chunks(ids):
                cursor.execute(
                    f"SELECT external_id FROM {POST_TABLE} "  # noqa: S608 (names are constants)
                    f"WHERE network = %s AND external_id IN ({marks})",
                    [network, *chunk],
                )
                found.update((network, row[0]) for row in cursor.fetchall())
    return found


def drop_stored(posts: list[Post]) -> list[Post]:
    """Pipeline stage: skip posts stored by an earlier run, so a redelivery changes nothing."""
    if not posts:
        return posts
    stored = stored_keys(post.key for post in posts)
    return [post for post in posts if post.key not in stored] if stored else posts
