"""The admin back office: every model is registered, and stored posts are read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hubbub.core.tests.factories import PostRecordFactory, UserFactory
from hubbub.crm.tests.factories import IdentityFactory
from hubbub.listening.models import Topic, TrackedTerm
from hubbub.routing.models import Queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model",
    [
        "core/brand",
        "core/membership",
        "core/postrecord",
        "crm/customer",
        "crm/identity",
        "listening/topic",
        "routing/queue",
    ],
)
def test_the_back_office_lists_each_model(staff_client: Client, model: str, alice: Any) -> None:
    response = staff_client.get(f"/admin/{model}/")

    assert response.status_code == 200


def test_the_change_pages_with_inlines_open(staff_client: Client, brand_a: Any, queue_a: Queue) -> None:
    identity = IdentityFactory(customer__brand=brand_a)
    topic = Topic.objects.create(brand=brand_a, name="Batteries")
    TrackedTerm.objects.create(topic=topic, term="battery")

    for url in [
        reverse("admin:core_brand_change", args=[brand_a.pk]),
        reverse("admin:crm_customer_change", args=[identity.customer.pk]),
        reverse("admin:listening_topic_change", args=[topic.pk]),
        reverse("admin:routing_queue_change", args=[queue_a.pk]),
    ]:
        assert staff_client.get(url).status_code == 200, url


def test_stored_posts_can_be_viewed_but_not_added_changed_or_deleted(
    staff_client: Client, brand_a: Any
) -> None:
    post = PostRecordFactory(brand=brand_a, text="Original text")

    view = staff_client.get(reverse("admin:core_postrecord_change", args=[post.pk]))
    add = staff_client.get(reverse("admin:core_postrecord_add"))
    change = staff_client.post(reverse("admin:core_postrecord_change", args=[post.pk]), {"text": "Changed"})
    delete = staff_client.post(reverse("admin:core_postrecord_delete", args=[post.pk]), {"post": "yes"})

    assert view.status_code == 200
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    post.refresh_from_db()
    assert post.text == "Original text"


def test_an_agent_without_staff_status_cannot_open_the_back_office(client: Client, alice: Any) -> None:
    client.force_login(alice)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
