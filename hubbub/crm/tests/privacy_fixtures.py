"""A data subject with something in every section, for the export and erasure tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hubbub.core.models import Brand, PostRecord
from hubbub.core.networks import Network
from hubbub.core.tests.factories import PostRecordFactory
from hubbub.crm.actions.merging import merge_customers
from hubbub.crm.models import (
    Address,
    Customer,
    Interaction,
    InteractionKind,
    Invoice,
    MergeSuggestion,
    Note,
    Product,
    Purchase,
)
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory

HOSTILE_NOTES = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\tcalc", "\rcalc"]
# Every string below identifies the subject; none may survive an erasure anywhere.
IDENTIFIERS = [
    "Zelda Quixote",
    "Zee Q.",
    "zelda.quixote@example.net",
    "+4915550199887",
    "zeldaq_erasable",
    "zq-twitter-771",
    "zq.alt@example.net",
    "+4915550199000",
    "zq-email-identity@example.net",
    "Quixotestrasse 9",
    "ZQ-ORDER-5531",
    "ZQ-INV-8812",
    "Called about the Quixote contract",
    "Quixote post about a broken phone",
    "Thanks Quixote, we are on it",
    "Note on Quixote: prefers email",
]


@dataclass(frozen=True)
class DataSubject:
    survivor: Customer
    merged: Customer
    bystander: Customer
    bystander_post: PostRecord


def make_data_subject(brand: Brand, supervisor: Any) -> DataSubject:
    """Zelda Quixote: two merged customers with identities, posts, notes, purchases and more."""
    survivor = CustomerFactory(
        brand=brand, display_name="Zelda Quixote", email="zelda.quixote@example.net", phone="+4915550199887"
    )
    merged = CustomerFactory(
        brand=brand, display_name="Zee Q.", email="zq.alt@example.net", phone="+4915550199000"
    )
    IdentityFactory(
        customer=survivor, network=Network.TWITTER, external_id="zq-twitter-771", handle="zeldaq_erasable"
    )
    IdentityFactory(
        customer=merged, network=Network.EMAIL, external_id="zq-email-identity@example.net", handle=""
    )
    Address.objects.create(customer=survivor, line1="Quixotestrasse 9", city="Berlin", country="DE")
    Note.objects.create(customer=survivor, author=supervisor, text="Note on Quixote: prefers email")
    for text in HOSTILE_NOTES:
        Note.objects.create(customer=merged, author=supervisor, text=text)
    product = Product.objects.create(brand=brand, sku="PHONE-1", name="Phone One")
    Purchase.objects.create(
        customer=survivor,
        product=product,
        order_number="ZQ-ORDER-5531",
        purchased_on=date(2026, 3, 1),
        amount=Decimal("199.90"),
    )
    Invoice.objects.create(
        customer=merged,
        number="ZQ-INV-8812",
        issued_on=date(2026, 3, 1),
        due_on=date(2026, 3, 31),
        amount=Decimal("199.90"),
        paid_on=date(2026, 3, 20),
    )
    Interaction.objects.create(
        customer=survivor,
        kind=InteractionKind.CALL,
        channel=Network.PHONE,
        occurred_at=datetime(2026, 4, 1, 10, 0, tzinfo=UTC),
        summary="Called about the Quixote contract",
    )
    PostRecordFactory(
        brand=brand,
        external_id="zq-post-1",
        author_id="zq-twitter-771",
        author_handle="zeldaq_erasable",
        author_name="Zelda Quixote",
        text="Quixote post about a broken phone",
        customer_id=survivor.id,
    )
    PostRecordFactory(
        brand=brand,
        external_id="zq-post-2",
        author_id="zq-twitter-771",
        author_handle="zeldaq_erasable",
        author_name="Zelda Quixote",
        text="Quixote post about a broken phone, again",
    )
    PostRecordFactory(
        brand=brand,
        external_id="zq-reply-1",
        author_id="brand-account",
        author_handle="acmecare",
        author_name="Acme Care",
        text="Thanks Quixote, we are on it",
        in_reply_to_id="zq-post-1",
        is_inbound=False,
    )
    bystander = CustomerFactory(brand=brand, display_name="Bystander Bea")
    bystander_post = PostRecordFactory(brand=brand, text="Unrelated post", customer_id=bystander.id)
    MergeSuggestion.objects.create(
        brand=brand, customer=bystander, candidate=survivor, reasons=["same city"], score=0.4
    )
    merge_customers(survivor, merged, supervisor)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return DataSubject(survivor=survivor, merged=merged, bystander=bystander, bystander_post=bystander_post)
