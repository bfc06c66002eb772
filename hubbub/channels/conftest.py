"""Fixtures for every connector test under hubbub/channels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubbub.channels.tests.local_server import LocalServer, serving


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1 that answers like a network's API (see local_server.py)."""
    yield from serving()
