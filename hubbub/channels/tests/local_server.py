"""A real HTTP server on 127.0.0.1 for connector tests: it answers like a network's API.

Routes map (method, path) to a canned `Reply` or a function of the `Received` request. Every
request is recorded, so a test can assert what the client library actually sent (headers,
query, body). The real client library is pointed at `server.url` instead of the network.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Received:
    """One request the server got."""

    method: str
    path: str
    query: dict[str, str]
    query_list: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """A canned answer."""

    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, dict | list):
            headers.setdefault("Content-Type", "application/json")
            return json.dumps(self.body).encode(), headers
        if isinstance(self.body, str):
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            return self.body.encode(), headers
        return self.body, headers


Route = Reply | Callable[[Received], Reply]


class LocalServer:
    """Serves `routes`; unknown routes get a 404 with a JSON error, like most APIs."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[Received] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        # A short poll interval: stopping waits for it, and every test stops a server.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, method: str, path: str, answer: Route) -> None:
        """Answer `method path` (path without the query) with `answer`."""
        self.routes[(method.upper(), path)] = answer

    def received(self, method: str, path: str) -> list[Received]:
        """The requests made to `method path`, in order."""
        return [r for r in self.requests if (r.method, r.path) == (method.upper(), path)]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, request: Received) -> Reply:
        self.requests.append(request)
        route = self.routes.get((request.method, request.path))
        if route is None:
            return Reply(404, {"error": f"no route for {request.method} {request.path}"})
        return route(request) if callable(route) else route

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                pairs = parse_qsl(parts.query, keep_blank_values=True)
                request = Received(
                    method=self.command,
                    path=parts.path,
                    query=dict(pairs),
                    query_list=pairs,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                reply = server._answer(request)
                body, headers = reply.encoded()
                self.send_response(reply.status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            # http.server dispatches on these names.
            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests assert on `server.requests` instead."""

        return Handler


def serving() -> Iterator[LocalServer]:
    """A started server, stopped afterwards (the body of the `local_server` fixture)."""
    server = LocalServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
