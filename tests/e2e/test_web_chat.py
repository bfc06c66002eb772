"""Web chat end to end in Chromium: a visitor's widget on another site, the agent's reply in the workplace.

A test page on its own origin (a tiny static server) embeds `<script src=".../chat/widget.js">` from a
real `hubbub demo` process. The visitor writes; the agent sees the message arrive in the inbox, opens
the conversation and replies; the visitor's widget shows the reply live. Set
HUBBUB_E2E_SCREENSHOTS=docs/img to refresh docs/img/chat.png.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

REPO = Path(__file__).resolve().parents[2]
STREAM_SECONDS = 3  # short streams: the widget and the page reconnect during the test
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Demo:
    url: str
    password: str
    account_id: int


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


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A static web server on its own port: another origin than hubbub's, like a brand's shop."""
    root = tmp_path_factory.mktemp("shop")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    SimpleHTTPRequestHandler.log_message = lambda *_args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, shop: tuple[str, Path]) -> Iterator[Demo]:
    """`hubbub demo` on a free port, with Acme's chat widget allowed on the shop's origin."""
    var_dir = tmp_path_factory.mktemp("e2e-chat-var")
    port = _free_port()
    env = {
        **os.environ,
        "HUBBUB_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'e2e.sqlite3'}",
        "HUBBUB_LIVE_STREAM_SECONDS": str(STREAM_SECONDS),
        "HUBBUB_LIVE_POLL_MS": "250",
        "HUBBUB_CHAT_ORIGINS": shop[0],
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
        "1",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process, log)
        password = json.loads((var_dir / "demo-login.json").read_text())["password"]
        account_id = _chat_account_id(var_dir / "e2e.sqlite3")
        yield Demo(url=url, password=password, account_id=account_id)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _chat_account_id(database: Path) -> int:
    """The id of the chat account `hubbub demo` seeded for Acme."""
    with closing(sqlite3.connect(database)) as connection:
        row = connection.execute(
            "SELECT account.id FROM core_brandaccount AS account JOIN core_brand AS brand"
            " ON brand.id = account.brand_id WHERE account.network = 'chat' AND brand.slug = 'acme'"
        ).fetchone()
    assert row is not None, "hubbub demo seeded no chat account for Acme"
    return int(row[0])


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    return context.new_page()


def _shop_page(shop: tuple[str, Path], demo: Demo) -> str:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Acme shop</title></head>"
        "<body style='font-family: sans-serif; margin: 2rem'><h1>Acme Mobile shop</h1>"
        "<p>The Acme X5, now in three colours.</p>"
        f"<script src='{demo.url}/chat/widget.js' data-account='{demo.account_id}' "
        "data-visitor-name='Dana Example' async></script></body></html>"
    )
    (shop[1] / "index.html").write_text(html, encoding="utf-8")
    return f"{shop[0]}/index.html"


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


def test_a_visitor_chats_with_an_agent_live_both_ways(
    demo: Demo, shop: tuple[str, Path], browser: Browser, tmp_path: Path
) -> None:
    marker = uuid.uuid4().hex[:8]
    visitor = _new_page(browser)
    visitor.goto(_shop_page(shop, demo))
    widget = visitor.locator("[data-hubbub-chat]")

    widget.locator(".launcher").click()
    widget.locator("textarea").fill(f"Hi! My new Acme X5 arrived with a cracked screen, order {marker}.")
    widget.locator("textarea").press("Enter")
    sent = widget.locator(".msg--visitor", has_text=marker)
    expect(sent).to_be_visible()
    expect(sent).to_have_class("msg msg--visitor", timeout=20_000)  # no longer pending: delivered

    agent = _new_page(browser)
    _log_in(agent, demo, "alice")
    row = agent.locator(".post-row", has_text=marker)
    expect(row).to_be_visible(timeout=20_000)
    post_id = row.get_attribute("data-post-id")
    agent.goto(f"{demo.url}/conversations/{post_id}/")
    expect(agent.get_by_role("heading", name="Dana Example")).to_be_visible()
    expect(agent.locator(".conversation__message", has_text=marker)).to_be_visible()
    expect(agent.locator("[data-live-status]")).to_have_attribute("data-state", "live")

    # Let both event streams end and reconnect at least once before the reply must arrive live.
    visitor.wait_for_timeout((STREAM_SECONDS + 1.5) * 1000)
    agent.get_by_label("Reply to Dana Example").fill("Sorry to hear that, Dana! A new X5 ships to you today.")
    agent.get_by_role("button", name="Send chat message").click()
    expect(agent.locator(".conversation__message--outbound", has_text="ships to you today")).to_be_visible()

    expect(widget.locator(".msg--agent", has_text="ships to you today")).to_be_visible(timeout=20_000)
    _screenshot(visitor, "chat.png", tmp_path)
    widget.locator("textarea").fill(f"Thank you! {HOSTILE}")
    widget.locator("textarea").press("Enter")
    answer = agent.locator(".conversation__message--inbound", has_text="Thank you!")
    expect(answer).to_contain_text(HOSTILE, timeout=20_000)

    expect(widget.locator(".msg--visitor", has_text="Thank you!")).to_contain_text(HOSTILE)
    assert visitor.evaluate("window.__pwned") is None
    assert agent.evaluate("window.__pwned") is None
    assert widget.locator(".log img, .log script").count() == 0
    assert agent.locator(".conversation__messages img, .conversation__messages script").count() == 0
    assert widget.locator(".msg--agent").count() == 1
    assert widget.locator(".msg--visitor").count() == 2


def test_a_page_on_an_origin_that_is_not_allowed_gets_no_chat(demo: Demo, browser: Browser) -> None:
    page = _new_page(browser)
    page.goto(f"{demo.url}/login/")

    status = page.evaluate(
        """async (accountId) => {
            const response = await fetch(`/chat/${accountId}/sessions`, {
                method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"});
            return response.status;
        }""",
        demo.account_id,
    )

    assert status == 403
