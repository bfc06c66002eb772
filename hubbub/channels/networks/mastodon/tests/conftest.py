"""A local server answering like a Mastodon server, and a connector pointed at it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.mastodon.connector import SPEC, MastodonConnector
from hubbub.channels.tests.local_server import LocalServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"
NOW = 1714651200.0  # 2024-05-02T12:00:00Z


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def mastodon_account(server: LocalServer | str, **settings: Any) -> AccountConfig:
    return AccountConfig(
        account_id=5,
        brand_id=2,
        network="mastodon",
        handle="acme",
        external_id="109000000000000001",
        settings={"base_url": server if isinstance(server, str) else server.url, **settings},
        secrets={"access_token": "token-5"},
    )


@pytest.fixture
def mastodon(local_server: LocalServer) -> LocalServer:
    """The local server with the instance description Mastodon.py asks for."""
    instance = fixture("instance_v2.json")
    instance["configuration"]["urls"]["streaming"] = local_server.url
    local_server.route("GET", "/api/v2/instance/", Reply(200, instance))
    return local_server


@pytest.fixture
def budget() -> RateBudget:
    return RateBudget(clock=lambda: NOW, jitter=lambda: 0.0)


@pytest.fixture
def connector(mastodon: LocalServer, budget: RateBudget) -> MastodonConnector:
    connected = SPEC.connect(mastodon_account(mastodon, hashtags=["acme"]), budget)
    assert isinstance(connected, MastodonConnector)
    return connected
