"""A local server answering like Reddit (token endpoint included), and a connector pointed at it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.reddit.connector import SPEC, RedditConnector
from hubbub.channels.tests.local_server import LocalServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"
NOW = 1714651200.0  # 2024-05-02T12:00:00Z
SECRETS = {"client_id": "client-7", "client_secret": "secret-7", "refresh_token": "refresh-7"}
# What Reddit sends with every API answer (reddit.com/dev/api, "Rate limits"): used, remaining, reset.
RATE = {"X-Ratelimit-Used": "4", "X-Ratelimit-Remaining": "596.0", "X-Ratelimit-Reset": "372"}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def listing(children: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    """A page in Reddit's Listing format."""
    return {"kind": "Listing", "data": {"after": after, "before": None, "children": children}}


def reddit_account(
    server: LocalServer | str, secrets: dict[str, str] | None = None, **settings: Any
) -> AccountConfig:
    url = server if isinstance(server, str) else server.url
    return AccountConfig(
        account_id=7,
        brand_id=2,
        network="reddit",
        handle="AcmeSupport",
        external_id="AcmeSupport",
        settings={"base_url": url, "auth_url": url, **settings},
        secrets=SECRETS if secrets is None else secrets,
    )


@pytest.fixture
def reddit(local_server: LocalServer) -> LocalServer:
    """The local server with Reddit's token endpoint."""
    local_server.route("POST", "/api/v1/access_token", Reply(200, fixture("access_token.json")))
    return local_server


@pytest.fixture
def budget() -> RateBudget:
    return RateBudget(clock=lambda: NOW, jitter=lambda: 0.0)


@pytest.fixture
def connector(reddit: LocalServer, budget: RateBudget) -> RedditConnector:
    connected = SPEC.connect(reddit_account(reddit, subreddits=["acme"], search=["acme x2"]), budget)
    assert isinstance(connected, RedditConnector)
    return connected
