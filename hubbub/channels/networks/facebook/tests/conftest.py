"""A Facebook Page pointed at the local server, a budget on a fixed clock, and the fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import time_machine

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig

NOW = 1_714_557_600  # 2024-05-01 10:00:00 UTC
PAGE_ID = "104200000000001"
SECRETS = {
    "page_access_token": "page-token",
    "app_secret": "hubbub-test-app-secret",
    "verify_token": "hubbub-verify-1",
}


def fixture(name: str) -> Any:
    """A payload from tests/fixtures, parsed."""
    return json.loads((Path(__file__).parent / "fixtures" / name).read_text())


def fixture_bytes(name: str) -> bytes:
    """A payload from tests/fixtures, as the bytes Meta would sign."""
    return (Path(__file__).parent / "fixtures" / name).read_bytes()


def page_account(base_url: str) -> AccountConfig:
    """The brand's Facebook Page, its Graph API at `base_url`."""
    return AccountConfig(
        account_id=8,
        brand_id=3,
        network="facebook",
        handle="acme",
        external_id=PAGE_ID,
        settings={"graph_base_url": base_url},
        secrets=SECRETS,
    )


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def budget() -> RateBudget:
    return RateBudget(clock=lambda: NOW, jitter=lambda: 0.5)
