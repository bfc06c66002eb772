"""The phone's screen pop in Chromium: a telephone system reports a call, the agent's workplace pops the card.

A real `hubbub demo` process seeds Acme's support line; a token for alice is made with `hubbub
api_token`, as an operator connecting a PBX would. With alice's inbox open, an offered call is
POSTed to `/api/v1/cti/events` and the caller's card appears without a reload; dismissing it keeps
it gone, and an ended call takes its card away. Set HUBBUB_E2E_SCREENSHOTS=docs/img to refresh
docs/img/screen-pop.png.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[2]
LINE = "+441615550000"  # hubbub/runtime/demo_data.py DEMO_PHONE_LINE
REGULAR = "+441615550001"  # Acme's first regular
OTHER_REGULAR = "+441615550002"
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
POP_SECONDS = 15  # the page polls every 4 s

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Demo:
    url: str
    password: str
    token: str
    database: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"hubbub demo exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"hubbub demo did not answer within 90 s:\n{log.read_text()}")


def _api_token(env: dict[str, str], username: str) -> str:
    """A personal API token made by `hubbub api_token create`, as the PBX's operator would."""
    created = subprocess.run(
        [sys.executable, "-m", "hubbub.cli", "api_token", "create", "--user", username, "--name", "e2e pbx"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return created.stdout.strip()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`hubbub demo` on a free port with its own SQLite database, and an API token for alice."""
    var_dir = tmp_path_factory.mktemp("e2e-phone-var")
    port = _free_port()
    database = var_dir / "e2e.sqlite3"
    env = {
        **os.environ,
        "HUBBUB_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "hubbub.settings",
    }
    log = var_dir / "demo.log"
    command = [sys.executable, "-m", "hubbub.cli", "demo", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process, log)
        password = json.loads((var_dir / "demo-login.json").read_text())["password"]
        yield Demo(url=url, password=password, token=_api_token(env, "alice"), database=database)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _customer(demo: Demo, phone: str) -> tuple[int, str, str]:
    """(id, name, tier) of the demo customer with this phone number."""
    with closing(sqlite3.connect(demo.database)) as connection:
        row = connection.execute(
            "SELECT id, display_name, tier FROM crm_customer WHERE phone = ?", (phone,)
        ).fetchone()
    assert row is not None, f"hubbub demo seeded no customer with the phone number {phone}"
    return int(row[0]), str(row[1]), str(row[2])


def _rename_customer(demo: Demo, customer_id: int, name: str) -> None:
    with closing(sqlite3.connect(demo.database, timeout=10)) as connection, connection:
        connection.execute("UPDATE crm_customer SET display_name = ? WHERE id = ?", (name, customer_id))


def _report_call(demo: Demo, event: str, call_id: str, caller: str) -> dict[str, Any]:
    """POST one call event to the CTI endpoint, as a telephone system would."""
    body = {
        "event": event,
        "call_id": call_id,
        "caller": caller,
        "called": LINE,
        "agent": "alice",
        "at": datetime.now(UTC).isoformat(),
    }
    request = urllib.request.Request(  # noqa: S310 (local URL)
        f"{demo.url}/api/v1/cti/events",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {demo.token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local URL)
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def _log_in(page: Page, demo: Demo, username: str) -> None:
    page.goto(f"{demo.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()


def _screenshot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("HUBBUB_E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), animations="disabled")


def test_an_offered_call_pops_the_callers_card_in_the_open_workplace(
    demo: Demo, page: Page, tmp_path: Path
) -> None:
    customer_id, name, tier = _customer(demo, REGULAR)
    _log_in(page, demo, "alice")
    page.evaluate("window.__sameDocument = true")

    answer = _report_call(demo, "offered", "e2e.1", REGULAR)

    assert (answer["stored"], answer["customer"]["id"]) == (True, customer_id)
    card = page.locator(".screen-pop__card", has_text=REGULAR)
    expect(card).to_be_visible(timeout=POP_SECONDS * 1000)
    expect(card.locator(".screen-pop__state")).to_have_text("Incoming call")
    expect(card.get_by_role("link", name=name)).to_have_attribute("href", f"/customers/{customer_id}/")
    expect(card.locator(".tier")).to_have_text(tier.title())
    expect(card.locator(".screen-pop__history li").first).to_contain_text(f"Incoming call from {REGULAR}")
    conversation = card.get_by_role("link", name="Open the call's conversation")
    expect(conversation).to_have_attribute("href", f"/conversations/{_call_post_id(demo, 'e2e.1')}/")
    assert page.evaluate("window.__sameDocument") is True  # no reload
    _screenshot(page, "screen-pop.png", tmp_path)

    _report_call(demo, "answered", "e2e.1", REGULAR)
    expect(card.locator(".screen-pop__state")).to_have_text("On the call", timeout=POP_SECONDS * 1000)
    _report_call(demo, "ended", "e2e.1", REGULAR)
    expect(card).to_have_count(0, timeout=POP_SECONDS * 1000)


def test_a_hostile_callers_name_stays_text_and_a_dismissed_card_stays_gone(demo: Demo, page: Page) -> None:
    customer_id, _, _ = _customer(demo, OTHER_REGULAR)
    _rename_customer(demo, customer_id, HOSTILE)
    _log_in(page, demo, "alice")

    _report_call(demo, "offered", "e2e.2", OTHER_REGULAR)

    card = page.locator(".screen-pop__card", has_text=OTHER_REGULAR)
    expect(card.locator(".screen-pop__name")).to_have_text(HOSTILE, timeout=POP_SECONDS * 1000)
    assert page.locator(".screen-pop img, .screen-pop script").count() == 0
    assert page.evaluate("window.__pwned") is None
    card.get_by_role("button", name=f"Dismiss the call from {OTHER_REGULAR}").click()
    expect(card).to_have_count(0)
    page.wait_for_timeout(5_000)  # a poll or more later, the dismissed call is still hidden
    expect(card).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    page.wait_for_timeout(5_000)
    expect(card).to_have_count(0)


def _call_post_id(demo: Demo, call_id: str) -> int:
    with closing(sqlite3.connect(demo.database)) as connection:
        row = connection.execute(
            "SELECT id FROM core_postrecord WHERE network = 'phone' AND external_id = ?",
            (f"{call_id}:offered",),
        ).fetchone()
    assert row is not None, f"the call {call_id} was not stored"
    return int(row[0])
