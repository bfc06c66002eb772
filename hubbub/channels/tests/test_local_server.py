"""The local server the connector tests stand in for networks with."""

from __future__ import annotations

import httpx

from hubbub.channels.tests.local_server import LocalServer, Reply


def test_local_server_answers_routes_and_records_what_it_received(local_server: LocalServer) -> None:
    local_server.route("POST", "/api/v1/statuses", Reply(200, {"id": "1"}, {"X-RateLimit-Remaining": "7"}))

    answer = httpx.post(f"{local_server.url}/api/v1/statuses?x=1", json={"status": "hi"})

    assert (answer.status_code, answer.json(), answer.headers["x-ratelimit-remaining"]) == (
        200,
        {"id": "1"},
        "7",
    )
    [received] = local_server.received("POST", "/api/v1/statuses")
    assert (received.query, received.json()) == ({"x": "1"}, {"status": "hi"})


def test_local_server_answers_404_for_unknown_routes(local_server: LocalServer) -> None:
    answer = httpx.get(f"{local_server.url}/nothing")

    assert answer.status_code == 404
    assert local_server.received("GET", "/nothing")[0].path == "/nothing"
