"""The Agent Workplace in a real browser against the real ASGI server (`hubbub demo`).

Headless Chromium (Debian's /usr/bin/chromium) is driven by Playwright. A post ingested while the
inbox is open must appear without a reload, also after the event stream has reconnected, and its
page must show the author's history. Set HUBBUB_E2E_SCREENSHOTS=docs/img to refresh the screenshots.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

REPO = Path(__file__).resolve().parents[2]
AUTHOR = {"author_id": "e2e-dana", "author_handle": "dana_e2e", "author_name": "Dana Example"}
# Short streams, so that the browser reconnects (with Last-Event-ID) during the test.
STREAM_SECONDS = 3

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Demo:
    url: str
    password: str
    env: dict[str, str]
    var_dir: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"hubbub demo exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"hubbub demo did not answer within 60 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`hubbub demo` on a free port with its own SQLite database, streaming simulated posts."""
    var_dir = tmp_path_factory.mktemp("e2e-var")
    port = _free_port()
    env = {
        **os.environ,
        "HUBBUB_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'e2e.sqlite3'}",
        "HUBBUB_LIVE_STREAM_SECONDS": str(STREAM_SECONDS),
        "HUBBUB_LIVE_POLL_MS": "250",
        "DJANGO_SETTINGS_MODULE": "hubbub.settings",
    }
    log = var_dir / "demo.log"
    command = [
        sys.executable,
        "-m",
        "hubbub.cli",
        "demo",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--rate",
        "3",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process, log)
        password = json.loads((var_dir / "demo-login.json").read_text())["password"]
        yield Demo(url=url, password=password, env=env, var_dir=var_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ingest(demo: Demo, *rows: dict[str, Any]) -> None:
    """Feed posts through the pipeline by `hubbub ingest`, as an operator would."""
    path = demo.var_dir / f"rows-{uuid.uuid4().hex}.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "hubbub.cli", "ingest", str(path)],
        cwd=REPO,
        env=demo.env,
        check=True,
        capture_output=True,
    )


def dana_says(text: str) -> dict[str, Any]:
    return {
        "network": "twitter",
        "external_id": f"e2e-{uuid.uuid4().hex}",
        "text": text,
        "created_at": datetime.now(UTC).isoformat(),
        "author_followers": 48_000,
        **AUTHOR,
    }


def screenshot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("HUBBUB_E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), animations="disabled")


def log_in(page: Page, demo: Demo, username: str) -> None:
    page.goto(f"{demo.url}/")
    expect(page).to_have_url(f"{demo.url}/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()


def test_a_post_arrives_live_and_opens_with_the_authors_history(
    demo: Demo, page: Page, tmp_path: Path
) -> None:
    ingest(demo, dana_says("@acmecare my Acme X5 battery died again, second phone this month"))
    stream_requests: list[str] = []

    def count_stream(request: Request) -> None:
        if "/events/inbox" in request.url:
            stream_requests.append(request.url)

    page.on("request", count_stream)
    log_in(page, demo, "alice")
    expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "live")
    page.evaluate("window.__sameDocument = true")

    # Let the stream end and reconnect at least once, then send a post that must still arrive.
    page.wait_for_timeout((STREAM_SECONDS + 1.5) * 1000)
    marker = uuid.uuid4().hex[:8]
    ingest(demo, dana_says(f"@acmecare still no refund for the broken Acme X5, case {marker} #acmefail"))
    row = page.locator(".post-row", has_text=marker)
    expect(row).to_be_visible(timeout=15_000)

    assert len(stream_requests) >= 2
    assert page.evaluate("window.__sameDocument") is True
    assert int(page.locator("[data-new-count]").inner_text()) >= 1
    ids = page.locator(".post-row").evaluate_all("rows => rows.map(row => row.dataset.postId)")
    assert len(ids) == len(set(ids))
    row.locator(".priority").hover()
    expect(row.locator(".tooltip")).to_be_visible()
    screenshot(page, "inbox.png", tmp_path)

    row.locator(".post-row__link").click()
    expect(page.get_by_role("heading", name="Dana Example")).to_be_visible()
    expect(page.locator(".detail__text")).to_contain_text(marker)
    history = page.locator(".history__item")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("battery died again")
    expect(page.get_by_role("heading", name="Customer")).to_be_visible()
    screenshot(page, "post.png", tmp_path)


def test_an_agent_of_another_brand_sees_none_of_its_posts(demo: Demo, page: Page) -> None:
    marker = uuid.uuid4().hex[:8]
    ingest(demo, dana_says(f"@acmecare hello from case {marker}"))
    log_in(page, demo, "charlie")
    expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "live")

    page.wait_for_timeout(1500)

    expect(page.locator(".post-row", has_text=marker)).to_have_count(0)
    expect(page.locator(".post-row", has_text="Acme")).to_have_count(0)


def test_the_inbox_is_worked_from_the_keyboard(demo: Demo, page: Page) -> None:
    log_in(page, demo, "bob")
    expect(page.locator(".post-row").nth(2)).to_be_visible(timeout=15_000)
    focused_link = "() => document.activeElement.closest('.post-row__link')?.getAttribute('href')"

    page.keyboard.press("j")
    first = page.evaluate(focused_link)
    page.keyboard.press("j")
    second = page.evaluate(focused_link)
    page.keyboard.press("k")
    page.keyboard.press("j")
    chosen = page.evaluate(focused_link)
    page.keyboard.press("Enter")

    assert first.startswith("/posts/")
    assert second.startswith("/posts/")
    assert first != second
    expect(page).to_have_url(f"{demo.url}{chosen}")
    expect(page.get_by_role("heading", name="What the pipeline found")).to_be_visible()
