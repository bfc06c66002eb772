"""Demo data: two brands, their accounts, topics, sources, queues, people, customers. Generated, idempotent.

Each brand's sites from the simulator's scenario are seeded as classed sources (a rant site, a fan
site, a competitor's community, an industry newsletter), and a "Rant sites" queue takes the posts
published on rant sites.

Acme's regulars get a full customer 360 (addresses, products, purchases with a subscription,
invoices with some paid late, notes, calls and surveys), and a near-duplicate of Priya Raman waits
as a pending merge suggestion for a supervisor.

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
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from hubbub.channels.models import ChannelAccount
from hubbub.channels.simulator import DEMO_SCENARIO, BrandScript, Persona, Scenario, SiteScript
from hubbub.core.models import Brand, BrandAccount, Membership, Role
from hubbub.core.networks import Network
from hubbub.crm.facts import InvoiceFact
from hubbub.crm.models import (
    Address,
    Customer,
    Identity,
    Interaction,
    InteractionKind,
    Invoice,
    MergeSuggestion,
    Note,
    Product,
    ProductKind,
    Purchase,
)
from hubbub.crm.reliability import payment_reliability
from hubbub.listening.models import Source, SourceClass, SourceMatch, Topic, TopicKind, TrackedTerm
from hubbub.routing.models import Queue

LOGIN_FILE = "demo-login.json"
DEMO_PHONE_LINE = "+441615550000"  # Acme's support line; its regulars call from +44161555000N


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
    """Create (or reuse) the demo brands, listening, sources, queues, customers and users."""
    login, is_new = load_or_create_login(login_path())
    with transaction.atomic():
        brands = {script.slug: _seed_brand(script) for script in scenario.brands}
        customers = [_seed_customer(brands[persona.brand], persona) for persona in scenario.regulars]
        for user in DEMO_USERS:
            _seed_user(user, brands, login.password, reset_password=is_new)
        if "acme" in brands:
            _seed_customer_360(brands["acme"], [c for c in customers if c.brand_id == brands["acme"].id])
            _seed_chat_account(brands["acme"])
            _seed_phone_line(brands["acme"])
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
    for site in script.sites:
        _seed_source(brand, site)
    if script.sites:
        _seed_queue(brand, "Rant sites", 3, [], source_classes=[SourceClass.RANT])
    return brand


def _seed_chat_account(brand: Brand) -> None:
    """A web-chat account whose widget may be embedded on the pages in HUBBUB_CHAT_ORIGINS."""
    account, _ = BrandAccount.objects.get_or_create(
        network=Network.CHAT, handle=f"{brand.slug}-web", defaults={"brand": brand}
    )
    wanted = {
        "allowed_origins": list(settings.HUBBUB_CHAT_ORIGINS),
        "greeting": f"Hi! {brand.name} support here.",
    }
    channel, created = ChannelAccount.objects.get_or_create(account=account, defaults={"settings": wanted})
    if not created and channel.settings.get("allowed_origins") != wanted["allowed_origins"]:
        channel.settings = {**channel.settings, "allowed_origins": wanted["allowed_origins"]}
        channel.save(update_fields=["settings"])


def _seed_phone_line(brand: Brand) -> None:
    """The brand's support line, to which a telephone system reports calls (POST /api/v1/cti/events)."""
    BrandAccount.objects.get_or_create(
        network=Network.PHONE, handle=DEMO_PHONE_LINE, defaults={"brand": brand}
    )


def _seed_source(brand: Brand, site: SiteScript) -> None:
    match = SourceMatch.COMMUNITY if "/" in site.source else SourceMatch.SITE
    Source.objects.get_or_create(
        brand=brand,
        name=site.name,
        defaults={
            "source_class": site.source_class,
            "rating": site.rating,
            "match": match,
            "pattern": site.source,
        },
    )


def _seed_topic(brand: Brand, name: str, kind: str, terms: list[str]) -> Topic:
    topic, _ = Topic.objects.get_or_create(brand=brand, name=name, defaults={"kind": kind})
    for term in terms:
        TrackedTerm.objects.get_or_create(topic=topic, term=term)
    return topic


def _seed_queue(
    brand: Brand,
    name: str,
    position: int,
    topics: list[Topic],
    *,
    is_default: bool = False,
    source_classes: list[str] | None = None,
) -> None:
    queue, _ = Queue.objects.get_or_create(
        brand=brand,
        name=name,
        defaults={"position": position, "is_default": is_default, "source_classes": source_classes or []},
    )
    queue.topics.add(*topics)


def _seed_customer(brand: Brand, persona: Persona) -> Customer:
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
    return customer


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


# The customer 360 of Acme's regulars. Dates are relative to the first seeding day; rows are keyed by
# their natural keys (SKU, order number, invoice number, ...), so seeding again adds nothing.
DEMO_PRODUCTS = (
    ("5G-UNL", "Unlimited 5G plan", ProductKind.SUBSCRIPTION),
    ("PHONE-X2", "Acme Phone X2", ProductKind.PRODUCT),
    ("CARE-PLUS", "Device Care+", ProductKind.SERVICE),
)
# (months ago, paid this many days after the due date, or None while unpaid)
DEMO_INVOICES = ((5, -3), (4, 0), (3, 6), (2, -1), (1, 12), (0, None))
# (minimum spend over 12 months, minimum tenure in days) of the rule each seeded tier stands for.
DEMO_TIER_MINIMUMS = {"platinum": ("1000", 1095), "gold": ("500", 365), "silver": ("100", 0)}
DEMO_ADDRESSES = {
    "Priya Raman": ("14 Canal Street", "Flat 3", "M1 3HN", "Manchester", "GB"),
    "Marco Rossi": ("Via Roma 21", "", "20121", "Milano", "IT"),
    "Lena Vogel": ("Lindenstraße 8", "", "10969", "Berlin", "DE"),
}


def _seed_customer_360(brand: Brand, customers: list[Customer]) -> None:
    today = timezone.localdate()
    products = {
        sku: Product.objects.get_or_create(brand=brand, sku=sku, defaults={"name": name, "kind": kind})[0]
        for sku, name, kind in DEMO_PRODUCTS
    }
    author = get_user_model().objects.filter(username="alice").first()
    for number, customer in enumerate(customers, start=1):
        _seed_profile(customer, number, today)
        _seed_purchases(customer, number, products, today)
        _seed_invoices(customer, number, today)
        _seed_touches(customer, number, author, today)
        _explain_demo_tier(customer, today)
    priya = next((customer for customer in customers if customer.display_name == "Priya Raman"), None)
    if priya is not None:
        _seed_duplicate(brand, priya)


def _seed_profile(customer: Customer, number: int, today: date) -> None:
    if customer.customer_since is None:
        customer.customer_since = today - timedelta(days=400 + 380 * (4 - min(number, 4)))
        customer.language = customer.language or "en"
        customer.loyalty_level = ("Platinum club", "Gold club", "Member", "Member")[min(number, 4) - 1]
        customer.billing_account = f"ACM-{100200 + number}"
        customer.payment_method = "Direct debit" if number % 2 else "Credit card"
        customer.phone = customer.phone or f"+44161555{number:04d}"
        customer.marketing_consent = number % 2 == 1
        customer.attributes = {"plan": "Unlimited 5G", "device": "Acme Phone X2", "preferred contact": "DM"}
        customer.save()
    address = DEMO_ADDRESSES.get(customer.display_name)
    if address is not None:
        line1, line2, postcode, city, country = address
        Address.objects.get_or_create(
            customer=customer,
            line1=line1,
            defaults={"line2": line2, "postcode": postcode, "city": city, "country": country},
        )


def _explain_demo_tier(customer: Customer, today: date) -> None:
    """Why a demo customer has its seeded tier, from its seeded data (the demo seeds tiers, not rules)."""
    if customer.tier_explanation:
        return
    purchases = Purchase.objects.filter(customer=customer, purchased_on__gt=today - timedelta(days=365))
    spend = purchases.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    invoices = Invoice.objects.filter(customer=customer).values_list("due_on", "paid_on")
    reliability = payment_reliability([InvoiceFact(due, paid) for due, paid in invoices], today).score
    tenure = (today - customer.customer_since).days if customer.customer_since else 0
    facts = {
        "spend_12m": str(spend),
        "tenure_days": tenure,
        "payment_reliability": None if reliability is None else str(reliability),
        "active_products": purchases.filter(Q(ends_on=None) | Q(ends_on__gte=today)).count(),
    }
    minimums = DEMO_TIER_MINIMUMS.get(customer.tier)
    checks = [] if minimums is None else [
        {"fact": "spend_12m", "minimum": minimums[0], "value": str(spend)},
        {"fact": "tenure_days", "minimum": minimums[1], "value": tenure},
    ]  # fmt: skip
    rule = f"{customer.get_tier_display()} customers" if minimums else "no rule matched"
    customer.tier_explanation = {"tier": customer.tier, "rule": rule, "checks": checks, "facts": facts}
    customer.save(update_fields=["tier_explanation"])


def _seed_purchases(customer: Customer, number: int, products: dict[str, Product], today: date) -> None:
    lines = [
        ("PHONE-X2", today - timedelta(days=200), None, Decimal("899.00")),
        ("5G-UNL", today - timedelta(days=190), today + timedelta(days=175), Decimal("45.00")),
        ("CARE-PLUS", today - timedelta(days=60), today + timedelta(days=305), Decimal("79.00")),
    ]
    for line, (sku, bought, ends, amount) in enumerate(lines[: 4 - min(number, 3)], start=1):
        Purchase.objects.get_or_create(
            customer=customer,
            order_number=f"ACM-{customer.id:04d}-{line}",
            product=products[sku],
            defaults={"purchased_on": bought, "ends_on": ends, "amount": amount},
        )


def _seed_invoices(customer: Customer, number: int, today: date) -> None:
    for months_ago, paid_after in DEMO_INVOICES[number - 1 :]:
        due = today - timedelta(days=30 * months_ago + 5)
        Invoice.objects.get_or_create(
            customer=customer,
            number=f"INV-{customer.id:04d}-{months_ago:02d}",
            defaults={
                "issued_on": due - timedelta(days=14),
                "due_on": due,
                "amount": Decimal("45.00"),
                "paid_on": None if paid_after is None else due + timedelta(days=paid_after),
            },
        )


def _seed_touches(customer: Customer, number: int, author: Any, today: date) -> None:
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    touches = (
        (
            InteractionKind.CALL,
            Network.PHONE,
            9,
            "Called about a dropped signal at home; reset the network profile.",
        ),
        (
            InteractionKind.SURVEY,
            Network.EMAIL,
            8,
            'Satisfaction survey: 4 of 5, "quick answer on the phone".',
        ),
        (InteractionKind.EMAIL, Network.EMAIL, 30, "Asked for a copy of the last three invoices."),
    )
    for kind, channel, days_ago, summary in touches[: 4 - min(number, 3)]:
        Interaction.objects.get_or_create(
            customer=customer,
            reference=f"demo:{kind}:{customer.id}",
            defaults={
                "kind": kind,
                "channel": channel,
                "occurred_at": noon - timedelta(days=days_ago, hours=number),
                "summary": summary,
            },
        )
    if not Note.objects.filter(customer=customer).exists():
        Note.objects.create(
            customer=customer,
            author=author,
            text="Prefers direct messages over calls. Promised a callback when the 5G mast upgrade lands.",
        )


def _seed_duplicate(brand: Brand, priya: Customer) -> None:
    """A second Priya, known by email only: the merge suggestion a supervisor decides on."""
    duplicate, _ = Customer.objects.get_or_create(
        source_key=f"demo:{brand.slug}:email:{priya.email}",
        defaults={"brand": brand, "display_name": "Priya R.", "email": priya.email, "language": "en"},
    )
    Identity.objects.get_or_create(
        brand=brand,
        network=Network.EMAIL,
        external_id=priya.email,
        defaults={"customer": duplicate, "handle": ""},
    )
    MergeSuggestion.objects.get_or_create(
        brand=brand,
        customer=priya,
        candidate=duplicate,
        defaults={"score": 0.92, "reasons": ["same email address", "similar name"]},
    )
