"""What every database benchmark needs: a throwaway database, Django set up on it, and the machine's name."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


@contextmanager
def benchmark_database(url: str | None, tmp: Path) -> Iterator[str]:
    """A fresh SQLite file in `tmp`, or the PostgreSQL database `url` names (created, then dropped)."""
    if url is None:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    if not url.startswith("postgres"):
        sys.exit("--database takes a postgresql:// URL (without it, the benchmark uses SQLite)")
    with _throwaway_postgresql(url) as created:
        yield created


@contextmanager
def _throwaway_postgresql(url: str) -> Iterator[str]:
    import psycopg  # noqa: PLC0415 (only needed for this option)

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            sys.exit(f"database {name!r} exists: name one that does not, the benchmark creates and drops it")
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(var_dir: Path, database_url: str) -> None:
    """Point hubbub's settings at the benchmark's database, set Django up, and migrate."""
    os.environ["HUBBUB_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubbub.settings")
    import django  # noqa: PLC0415 (settings come from the environment set above)

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)


def describe_machine() -> str:
    """Cores, architecture, Python and database versions, for the figures' record."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    database = version if connection.vendor == "postgresql" else f"SQLite {version} (WAL)"
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, {database}"
