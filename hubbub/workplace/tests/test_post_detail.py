"""The post page: the pipeline's findings, the author as a customer, and the author's history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hubbub.core.networks import Network
from hubbub.crm.models import Tier
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory
from hubbub.routing.models import Queue
from hubbub.workplace.queries import HISTORY_LIMIT, post_detail_for
from hubbub.workplace.tests.conftest import HOSTILE_TEXT, MakePost

pytestmark = pytest.mark.django_db


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, 9, 0, tzinfo=UTC)


def _detail_page(client: Client, user: Any, post_id: int) -> Any:
    client.force_login(user)
    response = client.get(reverse("workplace:post", args=[post_id]))
    assert response.status_code == 200
    return response


def test_the_post_page_shows_what_the_pipeline_found(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    post = make_post(
        queue_a,
        text="Battery dead again",
        language="en",
        sentiment="negative",
        sentiment_score=-0.71,
        matched_terms=["battery"],
        priority=32,
        priority_parts=[{"label": "gold customer", "points": 20}, {"label": "negative", "points": 12}],
    )

    text = _detail_page(client, alice, post.id).text

    assert '<blockquote class="detail__text">Battery dead again</blockquote>' in text
    assert "<dt>Language</dt><dd>en</dd>" in text
    assert '<span class="muted">score -0.71</span>' in text
    assert '<span class="chip">battery</span>' in text
    assert "<dd>Acme Mobile · General</dd>" in text
    assert '<tr><td>gold customer</td><td class="num">+20</td></tr>' in text
    assert '<tr><td>negative</td><td class="num">+12</td></tr>' in text
    assert "Why priority 32</h2>" in text


def test_the_post_page_explains_the_analysis(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    post = make_post(
        queue_a,
        emotion="anger",
        intent="complaint",
        decision="service_recovery",
        call_for_help=True,
        virality_risk=41,
        urgency=63,
        analysis_why={
            "reasons": {"intent": "complaint cue: refund", "decision": "an unhappy customer: recover"},
            "virality": [{"label": "reach", "points": 30}],
            "urgency": [{"label": "call for help", "points": 40}],
        },
    )

    text = _detail_page(client, alice, post.id).text

    assert "<dt>Emotion</dt><dd>Anger</dd>" in text
    assert '<dd>Complaint <span class="muted">· complaint cue: refund</span></dd>' in text
    assert (
        '<strong>Service recovery</strong> <span class="muted">· an unhappy customer: recover</span>' in text
    )
    assert '<span class="badge sentiment sentiment--negative">Yes</span>' in text
    assert '<dd>41/100 <span class="chip">reach +30</span></dd>' in text
    assert '<dd>63/100 <span class="chip">call for help +40</span></dd>' in text


def test_the_post_page_shows_the_customer_their_tier_and_identities(
    client: Client, alice: Any, brand_a: Any, queue_a: Queue, make_post: MakePost
) -> None:
    customer = CustomerFactory(brand=brand_a, display_name="Dana Customer", tier=Tier.PLATINUM)
    IdentityFactory(customer=customer, network=Network.TWITTER, handle="dana_tw")
    IdentityFactory(customer=customer, network=Network.MASTODON, handle="dana@social.example")
    post = make_post(queue_a, customer_id=customer.id)

    response = _detail_page(client, alice, post.id)

    detail = response.context["detail"]
    assert detail.item.customer == customer
    assert [identity.handle for identity in detail.identities] == ["dana@social.example", "dana_tw"]
    assert '<span class="badge tier tier--platinum">Platinum</span>' in response.text


def test_the_history_lists_the_customers_other_posts_newest_first(
    client: Client, alice: Any, brand_a: Any, queue_a: Queue, make_post: MakePost
) -> None:
    customer = CustomerFactory(brand=brand_a)
    oldest = make_post(queue_a, customer_id=customer.id, created_at=_at(1))
    post = make_post(queue_a, customer_id=customer.id, created_at=_at(2))
    newest = make_post(queue_a, customer_id=customer.id, created_at=_at(3), network=Network.MASTODON)
    make_post(queue_a, customer_id=CustomerFactory(brand=brand_a).id)

    detail = _detail_page(client, alice, post.id).context["detail"]

    assert [other.post.id for other in detail.history] == [newest.id, oldest.id]


def test_the_history_of_an_author_without_a_customer_matches_their_network_account(
    alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    earlier = make_post(queue_a, author_id="u-1", created_at=_at(1))
    post = make_post(queue_a, author_id="u-1", created_at=_at(2))
    make_post(queue_a, author_id="u-1", network=Network.REDDIT, created_at=_at(3))
    make_post(queue_a, author_id="u-2", created_at=_at(3))

    detail = post_detail_for(alice, post.id)

    assert detail.item.customer is None
    assert [other.post.id for other in detail.history] == [earlier.id]


def test_the_history_leaves_out_posts_the_user_may_not_see(
    alice: Any, brand_a: Any, queue_a: Queue, billing_a: Queue, make_post: MakePost
) -> None:
    customer = CustomerFactory(brand=brand_a)
    post = make_post(queue_a, customer_id=customer.id, created_at=_at(2))
    make_post(billing_a, customer_id=customer.id, created_at=_at(3))

    assert post_detail_for(alice, post.id).history == []


def test_the_history_is_bounded(alice: Any, brand_a: Any, queue_a: Queue, make_post: MakePost) -> None:
    customer = CustomerFactory(brand=brand_a)
    post = make_post(queue_a, customer_id=customer.id)
    for _ in range(HISTORY_LIMIT + 3):
        make_post(queue_a, customer_id=customer.id)

    assert len(post_detail_for(alice, post.id).history) == HISTORY_LIMIT


def test_hostile_text_is_escaped_on_the_post_page(
    client: Client, alice: Any, brand_a: Any, queue_a: Queue, make_post: MakePost
) -> None:
    customer = CustomerFactory(brand=brand_a, display_name=HOSTILE_TEXT)
    IdentityFactory(customer=customer, handle=HOSTILE_TEXT)
    make_post(queue_a, customer_id=customer.id, text=HOSTILE_TEXT, created_at=_at(1))
    post = make_post(
        queue_a, customer_id=customer.id, text=HOSTILE_TEXT, author_name=HOSTILE_TEXT, created_at=_at(2)
    )

    text = _detail_page(client, alice, post.id).text

    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text
    # title, heading, post text, customer name, identity handle, the earlier post in the history
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 6


def test_a_supervisor_opens_a_post_of_any_queue_of_the_brand(
    client: Client, bob: Any, billing_a: Queue, make_post: MakePost
) -> None:
    post = make_post(billing_a)

    assert _detail_page(client, bob, post.id).context["detail"].item.queue == billing_a
