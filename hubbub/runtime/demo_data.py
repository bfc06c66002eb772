"""Demo data: two brands, their accounts, topics, queues, people and customers. Generated, idempotent.

Seeding again reuses what is there. One generated password serves every demo user; it is created on
the first seed and kept in `<VAR_DIR>/demo-login.json` (mode 600), whose exact shape is:

    {
      "password": "<the password of every demo user>",
      "users": [
        {"username": "alice", "role": "agent", "brands": ["acme"], "superuser": false},
        {"username": "bob", "role": "supervisor", "brands": ["acme"], "superuser": false},
        {"username": "charlie", "role": "agent", "brands": ["globex"], "superuser": false},
        {"username": "admin", "role": "admin", "brands": ["acme", "globex"], "superuser": true}
      ]
    }
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from hubbub.channels.simulator import DEMO_SCENARIO, BrandScript, Persona, Scenario
from hubbub.core.models import Brand, BrandAccount, Membership, Role
from hubbub.crm.models import Customer, Identity
from hubbub.listening.models import Topic, TopicKind, TrackedTerm
from hubbub.routing.models import Queue

LOGIN_FILE = "demo-login.json"


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo user: what they may do, and for which brands."""

    username: str
    role: str
    brands: tuple[str, ...]
    superuser: bool = False


DEMO_USERS = (
    DemoUser("alice", Role.AGENT.value, ("acme",)),
    DemoUser("bob", Role.SUPERVISOR.value, ("acme",)),
    DemoUser("charlie", Role.AGENT.value, ("globex",)),
    DemoUser("admin", Role.ADMIN.value, ("acme", "globex"), superuser=True),
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """The password of every demo user, and who they are."""

    password: str
    users: tuple[DemoUser, ...]

    def as_json(self) -> dict[str, Any]:
        """The shape written to demo-login.json (see the module docstring)."""
        return {
            "password": self.password,
            "users": [
                {"username": u.username, "role": u.role, "brands": list(u.brands), "superuser": u.superuser}
                for u in self.users
            ],
        }


def login_path() -> Path:
    """Where the demo login is kept."""
    return Path(settings.VAR_DIR) / LOGIN_FILE


def load_or_create_login(path: Path) -> tuple[DemoLogin, bool]:
    """The stored demo login, or a new one written with mode 600; True when it is new."""
    if path.exists():
        return DemoLogin(json.loads(path.read_text())["password"], DEMO_USERS), False
    login = DemoLogin(secrets.token_urlsafe(12), DEMO_USERS)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(login.as_json(), handle, indent=2)
    path.chmod(0o600)
    return login, True


def seed_demo_data(scenario: Scenario = DEMO_SCENARIO) -> DemoLogin:
    """Create (or reuse) the demo brands, listening, queues, customers and users."""
    login, is_new = load_or_create_login(login_path())
    with transaction.atomic():
        brands = {script.slug: _seed_brand(script) for script in scenario.brands}
        for persona in scenario.regulars:
            _seed_customer(brands[persona.brand], persona)
        for user in DEMO_USERS:
            _seed_user(user, brands, login.password, reset_password=is_new)
    return login


def _seed_brand(script: BrandScript) -> Brand:
    brand, _ = Brand.objects.get_or_create(slug=script.slug, defaults={"name": script.name})
    for network, handle in script.accounts:
        BrandAccount.objects.get_or_create(network=network, handle=handle, defaults={"brand": brand})
    _seed_topic(brand, script.name, TopicKind.BRAND, [script.name, script.name.split()[0]])
    products = [_seed_topic(brand, p, TopicKind.PRODUCT, [p]) for p in script.products]
    rivals = [_seed_topic(brand, c, TopicKind.COMPETITOR, [c]) for c in script.competitors]
    issues = _seed_topic(brand, "Service issues", TopicKind.SERVICE, [*script.issues, script.fail_tag])
    _seed_queue(brand, "Complaints", 0, [issues])
    _seed_queue(brand, "Sales", 1, [*products, *rivals])
    _seed_queue(brand, "General", 2, [], is_default=True)
    return brand


def _seed_topic(brand: Brand, name: str, kind: str, terms: list[str]) -> Topic:
    topic, _ = Topic.objects.get_or_create(brand=brand, name=name, defaults={"kind": kind})
    for term in terms:
        TrackedTerm.objects.get_or_create(topic=topic, term=term)
    return topic


def _seed_queue(
    brand: Brand, name: str, position: int, topics: list[Topic], *, is_default: bool = False
) -> None:
    queue, _ = Queue.objects.get_or_create(
        brand=brand, name=name, defaults={"position": position, "is_default": is_default}
    )
    queue.topics.add(*topics)


def _seed_customer(brand: Brand, persona: Persona) -> None:
    customer, _ = Customer.objects.get_or_create(
        source_key=f"demo:{brand.slug}:{persona.network}:{persona.author_id}",
        defaults={
            "brand": brand,
            "display_name": persona.name,
            "email": f"{persona.handle.replace('.', '_')}@example.com",
            "tier": persona.tier,
        },
    )
    Identity.objects.get_or_create(
        brand=brand,
        network=persona.network,
        external_id=persona.author_id,
        defaults={"customer": customer, "handle": persona.handle},
    )


def _seed_user(user: DemoUser, brands: dict[str, Brand], password: str, *, reset_password: bool) -> None:
    model = get_user_model()
    account, created = model.objects.get_or_create(
        username=user.username,
        defaults={"first_name": user.username.title(), "email": f"{user.username}@example.com"},
    )
    if created or reset_password:
        account.set_password(password)
        account.is_staff = account.is_superuser = user.superuser
        account.save()
    for slug in user.brands:
        Membership.objects.get_or_create(user=account, brand=brands[slug], defaults={"role": user.role})
        if not user.superuser:
            for queue in Queue.objects.filter(brand=brands[slug]):
                queue.members.add(account)
