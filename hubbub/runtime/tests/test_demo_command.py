"""`hubbub demo` as a real process: serves, streams posts within seconds, stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from hubbub.runtime.tests.processes import HUBBUB, OwnDatabase, free_port, hubbub_env, wait_until


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (a loopback URL we built)
            return bool(response.status == 200)
    except OSError:
        return False


def posts_stored(database: OwnDatabase) -> int:
    try:
        return int(database.query("SELECT COUNT(*) FROM core_postrecord")[0][0])
    except Exception:  # noqa: BLE001 (the table may not exist yet while the demo migrates)
        return 0


def test_demo_serves_streams_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    # The demo is the embedded deployment: always SQLite under its var dir, whatever the suite uses.
    database = OwnDatabase(f"sqlite:///{tmp_path / 'var' / 'demo.sqlite3'}")
    port = free_port()
    demo = subprocess.Popen(
        [str(HUBBUB), "demo", "--host", "127.0.0.1", "--port", str(port), "--rate", "2"],
        env=hubbub_env(tmp_path / "var", database),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(lambda: answers(f"http://127.0.0.1:{port}/login/"), timeout=90, interval=0.2)
        serving_since = time.monotonic()
        assert wait_until(lambda: posts_stored(database) > 0, timeout=5, interval=0.1)
        assert time.monotonic() - serving_since < 5
    finally:
        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=30)

    assert demo.returncode == 0, err
    login = json.loads((tmp_path / "var" / "demo-login.json").read_text())
    assert f"http://127.0.0.1:{port}/" in out
    assert login["password"] in out
    assert all(name in out for name in ("alice", "bob", "charlie", "admin"))
    assert "Traceback" not in err
