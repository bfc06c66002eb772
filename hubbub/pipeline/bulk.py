"""Bulk SQL shared by the hot-path writers: idempotent inserts and chunked IN lists, per backend.

Table and column names passed here are constants from Django models, never user input; values
always travel as bound parameters or through COPY.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection

# SQLite allows 32,766 bound variables per statement; stay well below for IN (...) lists.
IN_CHUNK = 900


def in_chunks(values: Sequence[Any]) -> Iterator[tuple[str, list[Any]]]:
    """("%s, %s, …", chunk) pairs covering `values`, each small enough for one IN (...) list."""
    for start in range(0, len(values), IN_CHUNK):
        chunk = list(values[start : start + IN_CHUNK])
        yield ", ".join(["%s"] * len(chunk)), chunk


def insert_ignoring_conflicts(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], conflict: Sequence[str]
) -> int:
    """Insert rows, skipping those that clash on the `conflict` columns; returns how many were new."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _copy_then_insert(table, columns, rows, conflict)
    return _insert_many(table, columns, rows, conflict)


def _insert_many(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], conflict: Sequence[str]
) -> int:
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({', '.join(conflict)}) DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        return max(int(cursor.rowcount), 0)


def _copy_then_insert(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], conflict: Sequence[str]
) -> int:
    # COPY into a staging table is several times faster than INSERT on PostgreSQL; the final INSERT
    # keeps the idempotency of ON CONFLICT DO NOTHING, which COPY alone cannot give.
    names = ", ".join(columns)
    staging = f"hubbub_staging_{table}"
    with connection.cursor() as cursor:
        # Only the written columns: LIKE would copy the NOT NULL `id`, which COPY leaves empty.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS "  # noqa: S608
            f"AS SELECT {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} "  # noqa: S608
            f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
        )
        inserted = max(int(cursor.rowcount), 0)
        # Several batches may share one transaction (tests, nested atomics): empty it now.
        cursor.execute(f"TRUNCATE {staging}")
        return inserted
