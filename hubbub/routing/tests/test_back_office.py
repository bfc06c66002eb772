"""The back office for queues: the source classes a queue takes are ticked, not typed as JSON."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hubbub.routing.models import Queue

pytestmark = pytest.mark.django_db


def test_a_queue_takes_source_classes_ticked_in_the_back_office(admin_client, brand_a):
    response = admin_client.post(
        reverse("admin:routing_queue_add"),
        {
            "brand": brand_a.id,
            "name": "Rant sites",
            "position": "3",
            "source_classes": ["rant", "competitor"],
        },
    )

    assert response.status_code == 302
    assert Queue.objects.get(name="Rant sites").source_classes == ["rant", "competitor"]


def test_a_queue_with_an_unknown_source_class_is_refused(admin_client, brand_a):
    response = admin_client.post(
        reverse("admin:routing_queue_add"),
        {"brand": brand_a.id, "name": "Trolls", "position": "3", "source_classes": ["troll"]},
    )

    assert response.status_code == 200
    assert "Select a valid choice. troll is not one of the available choices." in response.text
    assert not Queue.objects.filter(name="Trolls").exists()
