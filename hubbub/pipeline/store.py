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
from hubbub.core.posts import Post

POST_TABLE = PostRecord._meta.db_table
POST_COLUMNS = (
    "brand_id", "network", "external_id", "author_id", "author_handle", "author_name", "author_followers",
    "text", "created_at", "received_at", "in_reply_to_id", "is_inbound", "matched_terms", "language",
    "sentiment", "sentiment_score", "customer_id", "queue_id", "priority", "priority_parts",
)  # fmt: skip
# SQLite allows 32,766 bound variables per statement; stay well below for IN (...) lists.
_IN_CHUNK = 900


def _row(post: Post, received_at: datetime) -> tuple[Any, ...]:
    adapt = connection.ops.adapt_datetimefield_value
    return (
        post.brand_id, post.network, post.external_id, post.author_id, post.author_handle,
        post.author_name, post.author_followers, post.text, adapt(post.created_at), adapt(received_at),
        post.in_reply_to_id, post.is_inbound, json.dumps(post.matched_terms), post.language,
        post.sentiment, post.sentiment_score, post.customer_id, post.queue_id, post.priority,
        json.dumps([{"label": part.label, "points": part.points} for part in post.priority_parts]),
    )  # fmt: skip


def write_posts(posts: Sequence[Post]) -> int:
    """Insert posts that are not stored yet; returns how many were new. Call inside a transaction."""
    storable = [post for post in posts if post.brand_id is not None]
    if not storable:
        return 0
    received_at = timezone.now()
    rows = [_row(post, received_at) for post in storable]
    if connection.vendor == "postgresql":
        return _copy_then_insert(rows)
    return _insert_many(rows)


def _insert_many(rows: list[tuple[Any, ...]]) -> int:
    columns = ", ".join(POST_COLUMNS)
    marks = ", ".join(["%s"] * len(POST_COLUMNS))
    sql = (
        f"INSERT INTO {POST_TABLE} ({columns}) VALUES ({marks}) "  # noqa: S608 (names are constants)
        "ON CONFLICT (network, external_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        return max(int(cursor.rowcount), 0)


def _copy_then_insert(rows: list[tuple[Any, ...]]) -> int:
    # COPY into a staging table is ~6x faster than INSERT on PostgreSQL; the final INSERT keeps
    # the idempotency of ON CONFLICT DO NOTHING, which COPY alone cannot give.
    columns = ", ".join(POST_COLUMNS)
    with connection.cursor() as cursor:
        # Only the written columns: LIKE would copy the NOT NULL `id`, which COPY leaves empty.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS hubbub_post_staging ON COMMIT DELETE ROWS "  # noqa: S608
            f"AS SELECT {columns} FROM {POST_TABLE} WITH NO DATA"
        )
        raw = cursor.cursor
        with raw.copy(f"COPY hubbub_post_staging ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {POST_TABLE} ({columns}) SELECT {columns} FROM hubbub_post_staging "  # noqa: S608
            "ON CONFLICT (network, external_id) DO NOTHING"
        )
        inserted = max(int(cursor.rowcount), 0)
        cursor.execute("TRUNCATE hubbub_post_staging")
        return inserted


def stored_keys(keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (network, external id) pairs among `keys` that are already stored."""
    by_network: dict[str, list[str]] = {}
    for network, external_id in keys:
        by_network.setdefault(network, []).append(external_id)
    found: set[tuple[str, str]] = set()
    with connection.cursor() as cursor:
        for network, ids in by_network.items():
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start : start + _IN_CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
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
