"""A fake Asterisk manager interface: a real TCP server on 127.0.0.1 speaking the documented AMI format.

It greets with the banner, answers `Action: Login` (Success or Error), then sends the events of the
next script, one `Key: Value` block each, and closes the connection (`hold=True` keeps it open).
Every action it receives is recorded.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubbub.channels.networks.phone.ami import format_action, read_message

FIXTURES = Path(__file__).parent / "fixtures"
BANNER = b"Asterisk Call Manager/9.0.0\r\n"


def fixture_events(name: str) -> list[dict[str, str]]:
    """The AMI events of a fixture file."""
    events: list[dict[str, str]] = json.loads((FIXTURES / name).read_text())
    return events


@dataclass
class FakeAmi:
    """What the fake AMI sends on each connection (`scripts`, in order) and what it received."""

    username: str = "hubbub"
    secret: str = "ami-secret"
    scripts: list[list[dict[str, str]]] = field(default_factory=list)
    hold: bool = False
    actions: list[dict[str, str]] = field(default_factory=list)
    connections: int = 0
    port: int = 0
    released: threading.Event = field(default_factory=threading.Event)

    def serve(self, handler: socketserver.StreamRequestHandler) -> None:
        self.connections += 1
        handler.wfile.write(BANNER)
        action = read_message(handler.rfile)
        if action is None:
            return
        self.actions.append(action)
        ok = (action.get("Username"), action.get("Secret")) == (self.username, self.secret)
        handler.wfile.write(_login_answer(action, ok=ok))
        if not ok:
            return
        for event in self.scripts.pop(0) if self.scripts else []:
            handler.wfile.write(format_action(event))
        handler.wfile.flush()
        if self.hold:
            self.released.wait(10)


def _login_answer(action: dict[str, str], *, ok: bool) -> bytes:
    answer = {"Response": "Success" if ok else "Error", "ActionID": action.get("ActionID", "")}
    answer["Message"] = "Authentication accepted" if ok else "Authentication failed"
    return format_action(answer)


def running(ami: FakeAmi) -> Generator[FakeAmi, None, None]:
    """Serve `ami` on a free port of 127.0.0.1 until the test ends."""

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            ami.serve(self)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ami.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ami
    finally:
        ami.released.set()
        server.shutdown()
        server.server_close()


def wait_for(condition: Any, timeout: float = 5.0) -> None:
    """Wait until `condition()` is true (the listener works in its own thread)."""
    done = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        done.wait(0.02)
    raise AssertionError("condition not reached in time")
