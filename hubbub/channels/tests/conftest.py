"""The toy network's service on local servers, and a rate budget without randomness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.tests.local_server import LocalServer, serving
from hubbub.channels.tests.toy_network import ToyService


@pytest.fixture
def budget() -> RateBudget:
    """A budget whose back-off always waits the full exponential cap."""
    return RateBudget(jitter=lambda: 1.0)


@pytest.fixture
def toy(local_server: LocalServer) -> ToyService:
    """The toy network, served by the local server."""
    return ToyService(local_server)


@pytest.fixture
def other_toy() -> Iterator[ToyService]:
    """A second toy network server, for a second account that fails (or not) on its own."""
    for server in serving():
        yield ToyService(server, first_id=1000)
