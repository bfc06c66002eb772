"""Demo data: seeded once, reused on every later run, with one generated password kept in VAR_DIR."""

from __future__ import annotations

import json
import stat
from itertools import islice
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from pytest_django.fixtures import Settings

from hubbub.channels.models import ChannelAccount
from hubbub.channels.simulator import posts
from hubbub.core.models import Brand, BrandAccount, Membership, PostRecord
from hubbub.crm.models import (
    Address,
    Customer,
    Identity,
    Interaction,
    Invoice,
    MergeSuggestion,
    Note,
    Product,
    Purchase,
)
from hubbub.listening.models import Source, Topic, TrackedTerm
from hubbub.routing.models import Queue
from hubbub.runtime.assembly import build_pipeline
from hubbub.runtime.demo_data import seed_demo_data

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def var_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    # Seeding hashes four passwords; the default hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def counts() -> dict[str, int]:
    models = (
        Brand, BrandAccount, ChannelAccount, Topic, TrackedTerm, Source, Queue, Membership, Customer,
        Identity, User, Address, Product, Purchase, Invoice, Note, Interaction, MergeSuggestion,
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_seeds_acme_a_web_chat_account_allowing_the_configured_origins(settings) -> None:
    settings.HUBBUB_CHAT_ORIGINS = ["https://shop.example"]
    seed_demo_data()
    settings.HUBBUB_CHAT_ORIGINS = ["https://shop.example", "https://help.example"]
    seed_demo_data()

    channel = ChannelAccount.objects.get()
    assert (channel.account.brand.slug, channel.account.network, channel.account.handle) == (
        "acme",
        "chat",
        "acme-web",
    )
    assert channel.settings["allowed_origins"] == ["https://shop.example", "https://help.example"]


def test_seeds_acme_a_phone_line_its_regulars_can_call() -> None:
    seed_demo_data()

    line = BrandAccount.objects.get(network="phone")
    assert (line.brand.slug, line.handle) == ("acme", "+441615550000")
    assert Customer.objects.filter(brand__slug="acme", phone="+441615550001").exists()


def test_seeds_two_brands_with_accounts_topics_queues_people_and_customers() -> None:
    seed_demo_data()

    assert counts() == {
        "Brand": 2, "BrandAccount": 10, "ChannelAccount": 1, "Topic": 12, "TrackedTerm": 22, "Source": 6,
        "Queue": 8, "Membership": 5, "Customer": 8, "Identity": 8, "User": 4,
        "Address": 3, "Product": 3, "Purchase": 7, "Invoice": 18, "Note": 4, "Interaction": 7,
        "MergeSuggestion": 1,
    }  # fmt: skip
    assert list(Brand.objects.values_list("slug", "name")) == [
        ("acme", "Acme Mobile"),
        ("globex", "Globex Bank"),
    ]
    acme_queues = Queue.objects.filter(brand__slug="acme")
    assert list(acme_queues.values_list("name", "is_default")) == [
        ("Complaints", False), ("Sales", False), ("General", True), ("Rant sites", False),
    ]  # fmt: skip
    assert list(acme_queues.values_list("source_classes", flat=True)) == [[], [], [], ["rant"]]
    assert list(
        Source.objects.filter(brand__slug="acme").values_list(
            "name", "source_class", "rating", "match", "pattern"
        )
    ) == [
        ("Acme Fans", "fan", 3, "site", "acmefans.example.org"),
        ("Acme Sucks forum", "rant", 4, "site", "acmesucks.example.com"),
        ("Initech community", "competitor", 2, "site", "community.initech.example.com"),
        ("r/acmesucks", "rant", 3, "community", "r/acmesucks"),
    ]
    assert set(
        Queue.objects.get(brand__slug="acme", name="Complaints").topics.values_list("name", flat=True)
    ) == {"Service issues"}
    issues = TrackedTerm.objects.filter(topic__name="Service issues", topic__brand__slug="acme")
    assert set(issues.values_list("term", flat=True)) == {
        "battery",
        "outage",
        "refund",
        "signal",
        "#acmefail",
    }


def test_seeds_the_cast_with_their_roles_and_queues() -> None:
    seed_demo_data()

    roles = set(Membership.objects.values_list("user__username", "brand__slug", "role"))
    assert roles == {
        ("alice", "acme", "agent"), ("bob", "acme", "supervisor"), ("charlie", "globex", "agent"),
        ("admin", "acme", "admin"), ("admin", "globex", "admin"),
    }  # fmt: skip
    assert set(User.objects.get(username="alice").queues.values_list("brand__slug", "name")) == {
        ("acme", "Complaints"), ("acme", "Sales"), ("acme", "General"), ("acme", "Rant sites"),
    }  # fmt: skip
    assert not User.objects.get(username="charlie").queues.filter(brand__slug="acme").exists()
    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    assert User.objects.filter(is_superuser=True).count() == 1


def test_customers_have_tiers_and_identities() -> None:
    seed_demo_data()

    assert sorted(Customer.objects.values_list("display_name", "tier", "brand__slug"))[:3] == [
        ("Aiyana Brooks", "silver", "globex"),
        ("Lena Vogel", "silver", "acme"),
        ("Marco Rossi", "gold", "acme"),
    ]
    assert Identity.objects.get(external_id="demo-1001").customer.tier == "platinum"


def test_seeding_twice_reuses_the_data_and_the_password(var_dir: Path) -> None:
    first = seed_demo_data()
    before = counts()

    second = seed_demo_data()

    assert counts() == before
    assert second.password == first.password
    assert User.objects.get(username="bob").check_password(first.password)


def test_the_login_file_is_private_and_documents_every_user(var_dir: Path) -> None:
    login = seed_demo_data()

    path = var_dir / "demo-login.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["password"] == login.password
    assert len(login.password) >= 16
    assert [user["username"] for user in stored["users"]] == ["alice", "bob", "charlie", "admin"]
    assert stored["users"][0] == {
        "username": "alice",
        "role": "agent",
        "brands": ["acme"],
        "superuser": False,
    }
    assert all(User.objects.get(username=name).check_password(login.password) for name in ("alice", "admin"))


def test_a_lost_login_file_gets_a_new_password_that_works(var_dir: Path) -> None:
    first = seed_demo_data()
    (var_dir / "demo-login.json").unlink()

    second = seed_demo_data()

    assert second.password != first.password
    assert User.objects.get(username="charlie").check_password(second.password)
    assert not User.objects.get(username="charlie").check_password(first.password)


def test_simulated_posts_reach_the_demo_queues_with_their_customers_tiers() -> None:
    seed_demo_data()

    result = build_pipeline().process(list(islice(posts(seed=3), 400)))

    assert result.received == 400
    assert result.stored + result.unassigned == 400
    assert PostRecord.objects.filter(queue_id=None).count() == 0
    complaints = Queue.objects.get(brand__slug="acme", name="Complaints")
    assert PostRecord.objects.filter(queue_id=complaints.id, text__contains="#acmefail").exists()
    platinum = Customer.objects.get(display_name="Priya Raman")
    assert PostRecord.objects.filter(customer_id=platinum.id).exists()
    assert {
        post.priority_parts[0]["label"] for post in PostRecord.objects.filter(customer_id=platinum.id)
    } == {"platinum customer"}


def test_simulated_posts_on_rant_sites_reach_the_rant_queue_with_their_class_and_rating() -> None:
    seed_demo_data()

    build_pipeline().process(list(islice(posts(seed=3), 1500)))

    rants = Queue.objects.get(brand__slug="acme", name="Rant sites")
    on_rant_sites = PostRecord.objects.filter(brand__slug="acme", source_class="rant")
    assert on_rant_sites.exists()
    assert set(on_rant_sites.values_list("queue_id", flat=True)) == {rants.id}
    assert set(on_rant_sites.values_list("source", "source_rating")) == {
        ("acmesucks.example.com", 4),
        ("r/acmesucks", 3),
    }
    assert all({"label": "from a rant site", "points": 10} in post.priority_parts for post in on_rant_sites)
    fans = PostRecord.objects.filter(brand__slug="acme", source="acmefans.example.org")
    assert set(fans.values_list("source_class", "source_rating")) == {("fan", 3)}
    assert PostRecord.objects.filter(brand__slug="globex", source_class="industry").exists()


def test_acmes_regulars_have_a_customer_360_and_priya_a_suggested_duplicate() -> None:
    seed_demo_data()

    priya = Customer.objects.get(display_name="Priya Raman")
    assert sorted(Purchase.objects.filter(customer=priya).values_list("product__kind", flat=True)) == [
        "product", "service", "subscription",
    ]  # fmt: skip
    invoices = Invoice.objects.filter(customer=priya)
    assert invoices.count() == 6
    assert sum(1 for invoice in invoices if invoice.paid_on and invoice.paid_on > invoice.due_on) == 2
    assert sorted(Interaction.objects.filter(customer=priya).values_list("kind", flat=True)) == [
        "call", "email", "survey",
    ]  # fmt: skip
    suggestion = MergeSuggestion.objects.get()
    assert (suggestion.customer, suggestion.candidate.display_name, suggestion.status) == (
        priya, "Priya R.", "pending",
    )  # fmt: skip
    assert not Customer.objects.filter(brand__slug="globex").exclude(customer_since=None).exists()
