"""The customer 360 page: who sees it, what it shows, what it costs, and that hostile text stays text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubbub.core.models import Brand, PostRecord
from hubbub.core.networks import Network
from hubbub.core.tests.factories import PostRecordFactory
from hubbub.crm.models import (
    Address,
    Customer,
    Interaction,
    Invoice,
    Note,
    Product,
    ProductKind,
    Purchase,
)
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory
from hubbub.routing.models import Queue
from hubbub.workplace.tests.conftest import HOSTILE_TEXT, MakePost

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _url(customer: Customer, **query: str) -> str:
    url = reverse("workplace:customer", args=[customer.id])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def _page(client: Client, user: Any, customer: Customer, **query: str) -> Any:
    client.force_login(user)
    response = client.get(_url(customer, **query))
    assert response.status_code == 200
    return response


def _rich_customer(brand: Brand) -> Customer:
    customer = CustomerFactory(
        brand=brand,
        display_name="Dana Customer",
        email="dana@example.com",
        customer_since=date(2020, 3, 1),
        loyalty_level="Gold club",
        attributes={"plan": "Unlimited 5G"},
        tier="gold",
        tier_explanation={
            "tier": "gold",
            "rule": "Loyal spenders",
            "checks": [{"fact": "spend_12m", "minimum": "500", "value": "812.40"}],
            "facts": {"spend_12m": "812.40", "tenure_days": 2000},
        },
    )
    IdentityFactory(customer=customer, network=Network.TWITTER, handle="dana_tw")
    Address.objects.create(
        customer=customer, line1="1 Main St", city="Berlin", country="DE", postcode="10115"
    )
    product, _ = Product.objects.get_or_create(
        brand=brand, sku="5G-UNL", defaults={"name": "Unlimited 5G", "kind": ProductKind.SUBSCRIPTION}
    )
    Purchase.objects.create(
        customer=customer,
        product=product,
        order_number="A-1",
        purchased_on=date.today(),
        amount=Decimal("40.00"),
    )
    Invoice.objects.create(
        customer=customer,
        number="INV-1",
        issued_on=date(2026, 1, 1),
        due_on=date(2026, 1, 15),
        paid_on=date(2026, 1, 20),
        amount=Decimal("40.00"),
    )
    return customer


def test_alice_sees_the_customer_360(client: Client, alice: Any, brand_a: Brand) -> None:
    customer = _rich_customer(brand_a)

    response = _page(client, alice, customer)

    c360 = response.context["c360"]
    assert c360.customer == customer
    assert [purchase.product_name for purchase in c360.purchases] == ["Unlimited 5G"]
    assert c360.purchases[0].is_active_subscription is True
    assert [invoice.state for invoice in c360.invoices] == ["late"]
    assert c360.loyalty.spend_12m == (("EUR", Decimal("40.00")),)
    assert c360.reliability.score == Decimal("0.000")
    assert c360.tier_explanation.rule == "Loyal spenders"
    text = response.text
    assert '<h1 id="customer-title">Dana Customer</h1>' in text
    assert '<p class="c360-rule">Rule <b>Loyal spenders</b></p>' in text
    assert '<tr><td>spend_12m</td><td class="num">500</td><td class="num">812.40</td></tr>' in text
    assert "<dt>plan</dt><dd>Unlimited 5G</dd>" in text
    assert "1 Main St<br>10115 Berlin<br>DE" in text
    assert '<span class="badge state state--late">late</span>' in text


def test_bob_sees_the_customer_360(client: Client, bob: Any, brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)

    assert _page(client, bob, customer).context["c360"].customer == customer


def test_charlie_cannot_see_a_customer_of_brand_a(client: Client, charlie: Any, brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    client.force_login(charlie)

    assert client.get(_url(customer)).status_code == 404
    assert client.get(reverse("workplace:customer", args=[customer.id + 1000])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client, brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)

    response = client.get(_url(customer))

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/customers/{customer.id}/"


def test_a_merged_customers_page_redirects_to_the_survivor(
    client: Client, alice: Any, brand_a: Brand
) -> None:
    survivor = CustomerFactory(brand=brand_a)
    merged = CustomerFactory(brand=brand_a, merged_into=survivor)
    client.force_login(alice)

    response = client.get(_url(merged))

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{survivor.id}/"


def test_the_survivors_page_shows_the_merged_customers_identities_and_posts(
    client: Client, alice: Any, brand_a: Brand
) -> None:
    survivor = CustomerFactory(brand=brand_a, display_name="Dana")
    merged = CustomerFactory(brand=brand_a, display_name="Dana M.", merged_into=survivor)
    IdentityFactory(customer=merged, network=Network.MASTODON, handle="dana@social.example")
    post = PostRecordFactory(brand=brand_a, customer_id=merged.id, text="From the merged account")

    response = _page(client, alice, survivor)

    assert [identity.handle for identity in response.context["c360"].identities] == ["dana@social.example"]
    assert [entry.id for entry in response.context["page"].entries] == [post.id]
    assert "From the merged account" in response.text
    assert '<span class="chip">Dana M. #' in response.text


def test_hostile_text_is_escaped_on_the_customer_page(client: Client, alice: Any, brand_a: Brand) -> None:
    customer = CustomerFactory(
        brand=brand_a, display_name=HOSTILE_TEXT, attributes={HOSTILE_TEXT: HOSTILE_TEXT}
    )
    IdentityFactory(customer=customer, handle=HOSTILE_TEXT)
    Note.objects.create(customer=customer, author=alice, text=HOSTILE_TEXT)
    PostRecordFactory(brand=brand_a, customer_id=customer.id, text=HOSTILE_TEXT)
    Interaction.objects.create(
        customer=customer, kind="call", channel="phone", occurred_at=NOON, summary=HOSTILE_TEXT
    )

    text = _page(client, alice, customer).text

    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text
    # title, heading, identity, attribute name and value, note, post, interaction
    assert text.count(ESCAPED) == 8


def test_the_timeline_pages_with_a_load_older_link(client: Client, alice: Any, brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    posts = [
        PostRecordFactory(brand=brand_a, customer_id=customer.id, created_at=NOON - timedelta(minutes=n))
        for n in range(51)
    ]

    first = _page(client, alice, customer)
    cursor = first.context["page"].next_cursor
    older = _page(client, alice, customer, before=cursor.encode())

    assert f'href="?before={cursor.encode()}#timeline">Load older</a>' in first.text
    assert [entry.id for entry in older.context["page"].entries] == [posts[50].id]
    assert older.context["page"].next_cursor is None
    assert "Load older" not in older.text


def test_a_malformed_cursor_shows_the_newest_page(client: Client, alice: Any, brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    post = PostRecordFactory(brand=brand_a, customer_id=customer.id)

    response = _page(client, alice, customer, before="1.post.x%3Cscript%3E")

    assert [entry.id for entry in response.context["page"].entries] == [post.id]
    assert response.context["is_older_page"] is False


def test_the_channel_filter_keeps_one_channel_and_stays_on_the_load_older_link(
    client: Client, alice: Any, brand_a: Brand
) -> None:
    customer = CustomerFactory(brand=brand_a)
    PostRecordFactory(brand=brand_a, customer_id=customer.id, network=Network.TWITTER)
    call = Interaction.objects.create(
        customer=customer, kind="call", channel="phone", occurred_at=NOON, summary="Hi"
    )

    response = _page(client, alice, customer, channel="phone")

    assert [entry.id for entry in response.context["page"].entries] == [call.id]
    assert '<option value="phone" selected>Phone</option>' in response.text
    unknown = _page(client, alice, customer, channel="nope")
    assert len(unknown.context["page"].entries) == 2


def _fill_history(customer: Customer, count: int) -> None:
    PostRecord.objects.bulk_create(
        PostRecordFactory.build(
            brand=customer.brand,
            customer_id=customer.id,
            external_id=f"{customer.id}-{n}",
            created_at=NOON - timedelta(minutes=n),
        )
        for n in range(count)
    )
    Interaction.objects.bulk_create(
        Interaction(customer=customer, kind="call", channel="phone", occurred_at=NOON, summary="Call")
        for _ in range(count)
    )


def _query_count(client: Client, customer: Customer) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(customer)).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_with_1_and_with_500_interactions(
    client: Client, bob: Any, brand_a: Brand
) -> None:
    small, large = _rich_customer(brand_a), _rich_customer(brand_a)
    _fill_history(small, 1)
    _fill_history(large, 500)
    client.force_login(bob)

    assert _query_count(client, small) == _query_count(client, large) == 17


def test_alice_adds_a_note(client: Client, alice: Any, brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    client.force_login(alice)

    response = client.post(
        reverse("workplace:customer_note", args=[customer.id]), {"text": "  Prefers email. "}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.id}/#notes"
    assert list(Note.objects.values_list("customer_id", "author__username", "text")) == [
        (customer.id, "alice", "Prefers email.")
    ]
    assert "Prefers email." in client.get(_url(customer)).text


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_a_blank_or_overlong_note_is_refused(client: Client, alice: Any, brand_a: Brand, text: str) -> None:
    customer = CustomerFactory(brand=brand_a)
    client.force_login(alice)

    response = client.post(
        reverse("workplace:customer_note", args=[customer.id]), {"text": text}, follow=True
    )

    assert Note.objects.count() == 0
    assert 'class="alert alert--error"' in response.text


def test_charlie_cannot_add_a_note_to_a_customer_of_brand_a(
    client: Client, charlie: Any, brand_a: Brand
) -> None:
    customer = CustomerFactory(brand=brand_a)
    client.force_login(charlie)

    response = client.post(reverse("workplace:customer_note", args=[customer.id]), {"text": "hello"})

    assert response.status_code == 404
    assert Note.objects.count() == 0


def test_a_note_needs_a_post_with_a_csrf_token(alice: Any, brand_a: Brand) -> None:
    customer = CustomerFactory(brand=brand_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(reverse("workplace:customer_note", args=[customer.id]), {"text": "hello"})

    assert response.status_code == 403
    assert Note.objects.count() == 0


def test_the_post_page_and_the_inbox_link_to_the_customer_page(
    client: Client, alice: Any, brand_a: Brand, queue_a: Queue, make_post: MakePost
) -> None:
    customer = CustomerFactory(brand=brand_a)
    post = make_post(queue_a, customer_id=customer.id)
    client.force_login(alice)

    link = f'href="/customers/{customer.id}/"'
    assert link in client.get(reverse("workplace:post", args=[post.id])).text
    assert link in client.get(reverse("workplace:inbox")).text


def test_the_timeline_links_only_the_posts_the_agent_may_open(
    client: Client, alice: Any, brand_a: Brand, queue_a: Queue
) -> None:
    customer = CustomerFactory(brand=brand_a, display_name="Dana Customer")
    other_queue = Queue.objects.create(brand=brand_a, name="Sales")
    mine = PostRecordFactory(brand=brand_a, customer_id=customer.id, queue_id=queue_a.id, text="in my queue")
    theirs = PostRecordFactory(
        brand=brand_a, customer_id=customer.id, queue_id=other_queue.id, text="in sales"
    )

    html = _page(client, alice, customer).content.decode()

    assert f'href="{reverse("workplace:post", args=[mine.id])}"' in html
    assert f'href="{reverse("workplace:post", args=[theirs.id])}"' not in html
    assert "in sales" in html
