"""A local server answering like a Bluesky PDS, and a connector logged in to it."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.bluesky.connector import SPEC, BlueskyConnector
from hubbub.channels.tests.local_server import LocalServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"
ACME_DID = "did:plc:z72i7hdynmk6r22z27h6abc2"
NOW = 1714651200.0  # 2024-05-02T12:00:00Z


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def session_token(scope: str) -> str:
    """A JWT shaped like a PDS's (the SDK reads its expiry; nobody checks the signature here)."""
    claims = {"scope": scope, "sub": ACME_DID, "iat": 1714600000, "exp": 4102444800}
    return f"{_segment({'alg': 'ES256K', 'typ': 'at+jwt'})}.{_segment(claims)}.c2lnbmF0dXJl"


def bluesky_account(server: LocalServer | str, **settings: Any) -> AccountConfig:
    return AccountConfig(
        account_id=9,
        brand_id=2,
        network="bluesky",
        handle="acme.example.com",
        external_id=ACME_DID,
        settings={"base_url": server if isinstance(server, str) else server.url, **settings},
        secrets={"app_password": "abcd-efgh-ijkl-mnop"},
    )


@pytest.fixture
def pds(local_server: LocalServer) -> LocalServer:
    """The local server, accepting the account's app password."""
    session = {
        "did": ACME_DID,
        "handle": "acme.example.com",
        "accessJwt": session_token("com.atproto.appPass"),
        "refreshJwt": session_token("com.atproto.refresh"),
        "active": True,
    }
    local_server.route("POST", "/xrpc/com.atproto.server.createSession", Reply(200, session))
    return local_server


@pytest.fixture
def budget() -> RateBudget:
    return RateBudget(clock=lambda: NOW, jitter=lambda: 0.0)


@pytest.fixture
def connector(pds: LocalServer, budget: RateBudget) -> BlueskyConnector:
    connected = SPEC.connect(bluesky_account(pds, search_terms=["acme"]), budget)
    assert isinstance(connected, BlueskyConnector)
    return connected
