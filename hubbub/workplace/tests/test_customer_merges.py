"""Merge decisions on the customer page: supervisors only, CSRF-protected POSTs, redirect with a message."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hubbub.core.models import Brand
from hubbub.crm.actions.merging import merge_customers
from hubbub.crm.models import Customer, Merge, MergeSuggestion, SuggestionStatus
from hubbub.crm.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _suggestion(brand: Brand) -> MergeSuggestion:
    customer = CustomerFactory(brand=brand, display_name="Dana Customer")
    candidate = CustomerFactory(brand=brand, display_name="Dana C.")
    return MergeSuggestion.objects.create(
        brand=brand, customer=customer, candidate=candidate, score=0.91, reasons=["same email"]
    )


def _decide_url(suggestion: MergeSuggestion, decision: str) -> str:
    return reverse("workplace:customer_suggestion", args=[suggestion.customer_id, suggestion.id, decision])


def test_bob_sees_the_possible_duplicates_with_accept_and_reject(
    client: Client, bob: Any, brand_a: Brand
) -> None:
    suggestion = _suggestion(brand_a)
    client.force_login(bob)

    text = client.get(reverse("workplace:customer", args=[suggestion.customer_id])).text

    assert "Possible duplicates" in text
    assert f'action="{_decide_url(suggestion, "accept")}"' in text
    assert f'action="{_decide_url(suggestion, "reject")}"' in text
    assert '<span class="chip">same email</span>' in text


def test_alice_does_not_see_the_possible_duplicates(client: Client, alice: Any, brand_a: Brand) -> None:
    suggestion = _suggestion(brand_a)
    client.force_login(alice)

    text = client.get(reverse("workplace:customer", args=[suggestion.customer_id])).text

    assert "Possible duplicates" not in text
    assert _decide_url(suggestion, "accept") not in text


def test_bob_accepts_a_suggestion_and_the_customers_merge(client: Client, bob: Any, brand_a: Brand) -> None:
    suggestion = _suggestion(brand_a)
    client.force_login(bob)

    response = client.post(_decide_url(suggestion, "accept"), follow=True)

    assert response.redirect_chain[0] == (f"/customers/{suggestion.customer_id}/", 302)
    assert "Merged." in response.text
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    survivor, merged = sorted([suggestion.customer_id, suggestion.candidate_id])
    assert Customer.objects.get(id=merged).merged_into_id == survivor


def test_bob_rejects_a_suggestion(client: Client, bob: Any, brand_a: Brand) -> None:
    suggestion = _suggestion(brand_a)
    client.force_login(bob)

    client.post(_decide_url(suggestion, "reject"))

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (SuggestionStatus.REJECTED, bob)
    assert Customer.objects.exclude(merged_into=None).count() == 0


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_alices_decision_is_refused(client: Client, alice: Any, brand_a: Brand, decision: str) -> None:
    suggestion = _suggestion(brand_a)
    client.force_login(alice)

    response = client.post(_decide_url(suggestion, decision))

    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING
    assert Merge.objects.count() == 0


def test_charlie_gets_404_for_a_suggestion_of_brand_a(client: Client, charlie: Any, brand_a: Brand) -> None:
    suggestion = _suggestion(brand_a)
    client.force_login(charlie)

    assert client.post(_decide_url(suggestion, "accept")).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING


def test_an_unknown_decision_is_404(client: Client, bob: Any, brand_a: Brand) -> None:
    suggestion = _suggestion(brand_a)
    client.force_login(bob)

    assert client.post(_decide_url(suggestion, "maybe")).status_code == 404


def test_a_decision_needs_a_post(client: Client, bob: Any, brand_a: Brand) -> None:
    suggestion = _suggestion(brand_a)
    client.force_login(bob)

    assert client.get(_decide_url(suggestion, "accept")).status_code == 405


def test_bob_unmerges_from_the_merge_history(client: Client, bob: Any, alice: Any, brand_a: Brand) -> None:
    survivor = CustomerFactory(brand=brand_a, display_name="Dana")
    merged = CustomerFactory(brand=brand_a, display_name="Dana M.")
    merge = merge_customers(survivor, merged, bob)
    unmerge_url = reverse("workplace:customer_unmerge", args=[survivor.id, merge.id])
    client.force_login(alice)
    assert unmerge_url not in client.get(reverse("workplace:customer", args=[survivor.id])).text
    assert client.post(unmerge_url).status_code == 403
    client.force_login(bob)
    assert f'action="{unmerge_url}"' in client.get(reverse("workplace:customer", args=[survivor.id])).text

    response = client.post(unmerge_url, follow=True)

    assert "Unmerged." in response.text
    merged.refresh_from_db()
    merge.refresh_from_db()
    assert (merged.merged_into_id, merge.unmerged_by) == (None, bob)
