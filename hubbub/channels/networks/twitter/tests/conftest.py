"""An X account pointed at the local server, a budget on a fixed clock, and the fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import time_machine

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig

NOW = 1_714_557_600  # 2024-05-01 10:00:00 UTC
BRAND_USER_ID = "1500000000000000001"
SECRETS = {
    "bearer_token": "app-bearer",
    "consumer_key": "ck-test",
    "consumer_secret": "hubbub-test-consumer-secret",
    "access_token": "at-test",
    "access_token_secret": "ats-test",
}


def fixture(name: str) -> Any:
    """A payload from tests/fixtures, parsed."""
    return json.loads((Path(__file__).parent / "fixtures" / name).read_text())


def fixture_bytes(name: str) -> bytes:
    return (Path(__file__).parent / "fixtures" / name).read_bytes()


def x_account(base_url: str, **settings: Any) -> AccountConfig:
    """The brand's X account, its API at `base_url`."""
    return AccountConfig(
        account_id=7,
        brand_id=3,
        network="twitter",
        handle="AcmeHelp",
        external_id=BRAND_USER_ID,
        settings={"api_base_url": base_url, **settings},
        secrets=SECRETS,
    )


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def budget() -> RateBudget:
    return RateBudget(clock=lambda: NOW, jitter=lambda: 0.5)
