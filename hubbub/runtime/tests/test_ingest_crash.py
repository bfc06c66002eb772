"""An ingest killed with SIGKILL mid-file loses nothing and duplicates nothing when run again."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

from hubbub.runtime.tests.processes import (
    HUBBUB,
    OwnDatabase,
    hubbub_env,
    own_database,
    run_hubbub,
    wait_until,
)

ROWS = 40_000


def write_posts(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            row = {
                "network": "twitter",
                "external_id": f"crash-{number}",
                "author_id": f"author-{number % 700}",
                "text": f"my phone broke again, ticket number {number}",
                "created_at": "2026-04-01T08:00:00Z",
            }
            handle.write(json.dumps(row) + "\n")


def stored(database: OwnDatabase) -> tuple[int, int]:
    """(rows, distinct external ids) in the post table."""
    return database.query("SELECT COUNT(*), COUNT(DISTINCT external_id) FROM core_postrecord")[0]


def test_a_killed_ingest_rerun_stores_every_row_exactly_once(tmp_path: Path) -> None:
    posts_file = tmp_path / "big.jsonl"
    write_posts(posts_file, ROWS)
    with own_database(tmp_path) as database:
        env = hubbub_env(tmp_path / "var", database)
        run_hubbub(["migrate", "-v0"], env)
        database.query("INSERT INTO core_brand (slug, name) VALUES ('acme', 'Acme Mobile')")
        command = [str(HUBBUB), "ingest", str(posts_file), "--brand", "acme", "--batch-size", "500"]

        first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert wait_until(lambda: stored(database)[0] > 0, timeout=120), "the ingest stored nothing"
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        at_kill, _ = stored(database)
        assert first.returncode == -signal.SIGKILL
        assert 0 < at_kill < ROWS

        second = run_hubbub(command[1:], env, timeout=300)

        assert stored(database) == (ROWS, ROWS)
        assert f"stored new           {ROWS - at_kill:>10,}" in second.stdout
        assert f"already stored       {at_kill:>10,}" in second.stdout
        if not database.is_postgresql:
            assert database.query("PRAGMA integrity_check") == [("ok",)]
