"""Helpers for tests that run hubbub as a real process against a database of its own."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

HUBBUB = Path(sys.executable).with_name("hubbub")


@dataclass(frozen=True)
class OwnDatabase:
    """A throwaway database of the suite's engine, reachable by URL and by plain SQL."""

    url: str

    @property
    def is_postgresql(self) -> bool:
        return self.url.startswith("postgres")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one statement, run in its own short connection (autocommit)."""
        if self.is_postgresql:
            with psycopg.connect(self.url, autocommit=True) as connection:
                cursor = connection.execute(sql.replace("?", "%s"), params)
                return cursor.fetchall() if cursor.description else []
        with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=10)) as connection:
            rows = connection.execute(sql, params).fetchall()
            connection.commit()
            return rows


@contextmanager
def own_database(tmp_path: Path) -> Iterator[OwnDatabase]:
    """A new database: PostgreSQL when the suite runs on it (created and dropped here), else SQLite."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        yield OwnDatabase(f"sqlite:///{tmp_path / 'own.sqlite3'}")
        return
    name = f"hubbub_own_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(suite_url)
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield OwnDatabase(parts._replace(path=f"/{name}").geturl())
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hubbub_env(var_dir: Path, database: OwnDatabase) -> dict[str, str]:
    """The environment of a hubbub process using its own var dir and database."""
    return {**os.environ, "HUBBUB_VAR_DIR": str(var_dir), "DATABASE_URL": database.url}


def run_hubbub(
    args: Sequence[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `hubbub ARGS` to completion, failing the test on a non-zero exit."""
    return subprocess.run(
        [str(HUBBUB), *args], env=env, capture_output=True, text=True, timeout=timeout, check=True
    )


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; True when it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
