"""The back office for topics (terms, exclusions, languages) and sources."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hubbub.listening.models import Source, Topic

pytestmark = pytest.mark.django_db


def inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    data.update({f"{prefix}-{n}-term": term for n, term in enumerate(rows)})
    return data


def test_a_topic_is_added_with_terms_exclusions_and_languages_in_normal_form(admin_client, brand_a):
    response = admin_client.post(
        reverse("admin:listening_topic_add"),
        {
            "brand": brand_a.id,
            "name": "Apple",
            "kind": "product",
            "languages": "EN es",
            **inline("terms", ["apple"]),
            **inline("exclusions", ["apple pie"]),
        },
    )

    assert response.status_code == 302
    topic = Topic.objects.get(name="Apple")
    assert topic.languages == "en,es"
    assert (
        list(topic.terms.values_list("term", flat=True)),
        list(topic.exclusions.values_list("term", flat=True)),
    ) == (
        ["apple"],
        ["apple pie"],
    )


def test_a_topic_with_a_wrong_language_code_is_refused(admin_client, brand_a):
    response = admin_client.post(
        reverse("admin:listening_topic_add"),
        {
            "brand": brand_a.id,
            "name": "Apple",
            "kind": "product",
            "languages": "english",
            **inline("terms", []),
        }
        | inline("exclusions", []),
    )

    assert response.status_code == 200
    assert "Not a language code: english." in response.text
    assert not Topic.objects.exists()


def test_a_source_is_stored_with_what_it_matches_in_normal_form(admin_client, brand_a):
    response = admin_client.post(
        reverse("admin:listening_source_add"),
        {
            "brand": brand_a.id,
            "name": "Rants",
            "source_class": "rant",
            "rating": "4",
            "match": "site",
            "pattern": "https://www.Rants.example.com/t/1",
            "network": "twitter",
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    assert list(Source.objects.values_list("pattern", "network", "rating")) == [("rants.example.com", "", 4)]


def test_a_source_rated_outside_one_to_five_is_refused(admin_client, brand_a):
    response = admin_client.post(
        reverse("admin:listening_source_add"),
        {"brand": brand_a.id, "name": "Rants", "source_class": "rant", "rating": "9", "match": "site",
         "pattern": "rants.example.com"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 5." in response.text
    assert not Source.objects.exists()
