"""`hubbub serve`: the real ASGI server, started as an operator starts it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def _hubbub(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hubbub.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HUBBUB_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "hubbub.settings",
    }


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    assert _hubbub("migrate", "--no-input", env=env).returncode == 0
    port = _free_port()
    command = [sys.executable, "-m", "hubbub.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/login/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (local URL)
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"hubbub serve did not answer at {url}")


def _get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local URL)
        return response.status, response.headers["Content-Type"], response.read().decode()


def test_serve_answers_the_login_page_and_the_static_files_without_collectstatic(server: str) -> None:
    status, content_type, body = _get(f"{server}/login/")
    css_status, css_type, css = _get(f"{server}/static/workplace/workplace.css")

    assert (status, content_type) == (200, "text/html; charset=utf-8")
    assert "Log in to the Agent Workplace" in body
    assert css_status == 200
    assert css_type.startswith("text/css")
    assert ".post-row" in css


def test_serve_explains_its_options(env: dict[str, str]) -> None:
    result = _hubbub("serve", "--help", env=env)

    assert result.returncode == 0
    for option in ("--host HOST", "--port PORT", "--workers WORKERS", "default: 127.0.0.1", "default: 8000"):
        assert option in result.stdout


@pytest.mark.parametrize(("option", "value"), [("--port", "70000"), ("--port", "http"), ("--workers", "0")])
def test_serve_refuses_an_impossible_option(env: dict[str, str], option: str, value: str) -> None:
    result = _hubbub("serve", option, value, env=env)

    assert result.returncode == 2
    assert f"argument {option}: " in result.stderr
