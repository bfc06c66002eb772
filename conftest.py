"""The cast of every test: alice (agent, brand A), bob (supervisor, brand A), charlie (agent, brand B)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from hubbub.core.models import Brand, Role
from hubbub.core.tests.factories import BrandFactory, MembershipFactory, UserFactory
from hubbub.routing.models import Queue

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _block_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite never reaches the internet: only loopback and local sockets may connect."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or self.family == socket.AF_UNIX
        ):
            raise RuntimeError(f"tests may not reach the network ({host})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture
def brand_a(db: None) -> Brand:
    return BrandFactory(slug="acme", name="Acme Mobile")


@pytest.fixture
def brand_b(db: None) -> Brand:
    return BrandFactory(slug="globex", name="Globex Bank")


@pytest.fixture
def queue_a(brand_a: Brand) -> Queue:
    return Queue.objects.create(brand=brand_a, name="General", is_default=True)


@pytest.fixture
def queue_b(brand_b: Brand) -> Queue:
    return Queue.objects.create(brand=brand_b, name="General", is_default=True)


@pytest.fixture
def alice(brand_a: Brand, queue_a: Queue) -> Any:
    """An agent of brand A, working its general queue."""
    user = UserFactory(username="alice", first_name="Alice")
    MembershipFactory(user=user, brand=brand_a, role=Role.AGENT)
    queue_a.members.add(user)
    return user


@pytest.fixture
def bob(brand_a: Brand, queue_a: Queue) -> Any:
    """A supervisor of brand A."""
    user = UserFactory(username="bob", first_name="Bob")
    MembershipFactory(user=user, brand=brand_a, role=Role.SUPERVISOR)
    queue_a.members.add(user)
    return user


@pytest.fixture
def charlie(brand_b: Brand, queue_b: Queue) -> Any:
    """An agent of brand B, who must never see anything of brand A."""
    user = UserFactory(username="charlie", first_name="Charlie")
    MembershipFactory(user=user, brand=brand_b, role=Role.AGENT)
    queue_b.members.add(user)
    return user
