"""The CRM API: who sees what, search, detail, timeline, merge, export, erase, objection, OpenAPI."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hubbub.api.tokens import create_token, revoke_token
from hubbub.core.networks import Network
from hubbub.core.tests.factories import PostRecordFactory
from hubbub.crm.models import Customer, Erasure, Interaction, InteractionKind, Merge
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory

API = "/api/v1/customers"


@pytest.fixture
def dana(brand_a):
    customer = CustomerFactory(
        brand=brand_a, display_name="Dana Ñúñez", email="dana@example.com", phone="+4930123"
    )
    IdentityFactory(customer=customer, handle="dana_n", external_id="tw-1", followers=100)
    PostRecordFactory(
        brand=brand_a,
        customer_id=customer.id,
        text="Broken <b>phone</b>",
        created_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    Interaction.objects.create(
        customer=customer,
        kind=InteractionKind.CALL,
        channel=Network.PHONE,
        occurred_at=datetime(2026, 1, 3, tzinfo=UTC),
        summary="Called back",
    )
    return customer


@pytest.fixture
def other(brand_a):
    return CustomerFactory(brand=brand_a, display_name="Other Person")


def _client(user, *, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _bearer(user):
    _, token = create_token(user, "tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_lists_the_brands_customers_with_identities(alice, dana, other):
    response = _client(alice).get(API)

    assert response.status_code == 200
    assert response.json()["next_cursor"] is None
    [first, second] = response.json()["results"]
    assert first == {
        "id": dana.id,
        "brand": "acme",
        "display_name": "Dana Ñúñez",
        "email": "dana@example.com",
        "phone": "+4930123",
        "tier": "bronze",
        "influence": None,
        "objects_to_profiling": False,
        "identities": [{"network": "twitter", "external_id": "tw-1", "handle": "dana_n", "followers": 100}],
    }
    assert second["id"] == other.id


@pytest.mark.parametrize(
    "query",
    ["dana", "DANA ÑÚÑEZ", "nunez", "@dana_n", "@DANA", "dana@example.com", "dana@", "+49 30 123", "030123"],
)
def test_searches_by_name_handle_email_and_phone(alice, dana, other, query):
    assert _ids(_client(alice).get(API, {"q": query})) == [dana.id]


def test_filters_by_brand_slug(alice, dana):
    assert _ids(_client(alice).get(API, {"brand": "acme"})) == [dana.id]
    assert _ids(_client(alice).get(API, {"brand": "globex"})) == []


def test_pages_with_a_cursor(alice, brand_a):
    customers = [CustomerFactory(brand=brand_a, display_name=f"Person {n}") for n in range(3)]
    client = _client(alice)

    first = client.get(API, {"limit": 2}).json()
    second = client.get(API, {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [row["id"] for row in first["results"] + second["results"]] == [c.id for c in customers]
    assert second["next_cursor"] is None


def test_rejects_a_forged_cursor_with_a_clear_message(alice):
    response = _client(alice).get(API, {"cursor": "not-a-cursor"})

    assert (response.status_code, response.json()) == (
        400,
        {"detail": "cursor is not one this API gave out."},
    )


def test_the_list_costs_the_same_queries_for_one_and_fifty_customers(alice, brand_a):
    client = _client(alice)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(API).status_code == 200
        return len(queries)

    IdentityFactory(customer=CustomerFactory(brand=brand_a))
    one = count()
    for _ in range(49):
        IdentityFactory(customer=CustomerFactory(brand=brand_a))

    assert len(client.get(API).json()["results"]) == 50
    assert count() == one


def test_detail_shows_profile_identities_tier_and_reliability(alice, dana):
    body = _client(alice).get(f"{API}/{dana.id}").json()

    assert body["display_name"] == "Dana Ñúñez"
    assert body["identities"] == [
        {"network": "twitter", "external_id": "tw-1", "handle": "dana_n", "followers": 100}
    ]
    assert (body["tier"], body["tier_explanation"], body["merged_customer_ids"]) == ("bronze", {}, [])
    assert body["reliability"] == {
        "score": None,
        "on_time": 0,
        "late": 0,
        "not_yet_due": 0,
        "explanation": "no invoices due yet",
    }


def test_timeline_lists_posts_and_interactions_newest_first(alice, dana):
    body = _client(alice).get(f"{API}/{dana.id}/timeline").json()

    assert [(row["kind"], row["summary"]) for row in body["results"]] == [
        ("interaction", "Called back"),
        ("post", "Broken <b>phone</b>"),
    ]
    assert body["next_cursor"] is None


def test_hostile_names_come_back_as_data(alice, brand_a):
    hostile = "</script><script>alert(1)</script>\"'\\\u2028=cmd|calc"
    customer = CustomerFactory(brand=brand_a, display_name=hostile)

    response = _client(alice).get(API, {"q": "script"})

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["results"][0]["display_name"] == hostile
    assert _client(alice).get(f"{API}/{customer.id}").json()["display_name"] == hostile


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("get", "/timeline", None),
        ("get", "/export", None),
        ("post", "/merge", {"into": 0}),
        ("post", "/erase", None),
        ("post", "/objection", None),
        ("delete", "/objection", None),
    ],
)
def test_charlie_cannot_see_brand_a_customers_on_any_endpoint(charlie, dana, method, suffix, body):
    client = _client(charlie)

    response = getattr(client, method)(f"{API}/{dana.id}{suffix}", body, content_type="application/json")

    assert (response.status_code, response.json()) == (404, {"detail": "No such customer."})
    assert Customer.objects.filter(id=dana.id, objects_to_profiling=False).exists()


def test_charlie_finds_no_brand_a_customers_in_the_list(charlie, dana):
    assert _ids(_client(charlie).get(API, {"q": "dana"})) == []
    assert _ids(_client(charlie).get(API, {"brand": "acme"})) == []


def test_an_agent_cannot_merge_or_erase(alice, dana, other):
    client = _client(alice)

    merge = client.post(f"{API}/{dana.id}/merge", {"into": other.id}, content_type="application/json")
    erase = client.post(f"{API}/{dana.id}/erase")

    assert (merge.status_code, merge.json()) == (
        403,
        {"detail": "Only a supervisor or administrator of the brand may merge customers."},
    )
    assert (erase.status_code, erase.json()) == (
        403,
        {"detail": "Only a supervisor or administrator of the brand may erase customers."},
    )
    assert Merge.objects.count() == 0
    assert Erasure.objects.count() == 0
    assert Customer.objects.filter(id=dana.id, merged_into=None).exists()


def test_a_supervisor_merges_a_customer_into_another(bob, dana, other):
    response = _client(bob).post(
        f"{API}/{other.id}/merge", {"into": dana.id}, content_type="application/json"
    )

    merge = Merge.objects.get()
    assert response.json() == {"merge_id": merge.id, "survivor_id": dana.id, "merged_id": other.id}
    assert Customer.objects.get(id=other.id).merged_into_id == dana.id
    assert _client(bob).get(f"{API}/{other.id}").json()["merged_customer_ids"] == [other.id]


def test_merging_a_customer_into_itself_is_refused_with_a_message(bob, dana):
    response = _client(bob).post(f"{API}/{dana.id}/merge", {"into": dana.id}, content_type="application/json")

    assert response.status_code == 409
    assert response.json()["detail"]
    assert Merge.objects.count() == 0


def test_a_supervisor_erases_a_customer(bob, dana):
    response = _client(bob).post(f"{API}/{dana.id}/erase")

    erasure = Erasure.objects.get()
    assert response.json()["erasure_id"] == erasure.id
    assert response.json()["removed"]["customers"] == 1
    assert not Customer.objects.filter(id=dana.id).exists()


def test_exports_json_and_a_zip_of_csv(alice, dana):
    client = _client(alice)

    exported = client.get(f"{API}/{dana.id}/export").json()
    archive = client.get(f"{API}/{dana.id}/export", {"format": "csv"})

    assert [row["display_name"] for row in exported["profile"]] == ["Dana Ñúñez"]
    assert archive["Content-Type"] == "application/zip"
    assert archive["Content-Disposition"] == f'attachment; filename="customer-{dana.id}.zip"'
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert "Dana Ñúñez" in zipped.read("profile.csv").decode()
    assert client.get(f"{API}/{dana.id}/export", {"format": "xml"}).json() == {
        "detail": "format must be json or csv."
    }


def test_objection_clears_influence_and_can_be_withdrawn(alice, dana):
    Customer.objects.filter(id=dana.id).update(influence=8)
    client = _client(alice)

    objected = client.post(f"{API}/{dana.id}/objection").json()
    withdrawn = client.delete(f"{API}/{dana.id}/objection").json()

    assert objected == {"customer_id": dana.id, "objects_to_profiling": True, "influence": None}
    assert withdrawn == {"customer_id": dana.id, "objects_to_profiling": False, "influence": 4}


def test_unsafe_methods_over_the_session_need_the_csrf_token(alice, dana):
    client = _client(alice, csrf=True)

    response = client.post(f"{API}/{dana.id}/objection")

    assert response.status_code == 403
    assert not Customer.objects.get(id=dana.id).objects_to_profiling


def test_a_bearer_token_authenticates_without_csrf(alice, dana):
    client = _bearer(alice)

    assert _ids(client.get(API)) == [dana.id]
    assert client.post(f"{API}/{dana.id}/objection").status_code == 200


def test_a_revoked_or_unknown_token_does_not(alice, dana):
    row, token = create_token(alice, "old")
    revoke_token(row)

    revoked = Client(headers={"Authorization": f"Bearer {token}"}).get(API)
    unknown = Client(headers={"Authorization": "Bearer hbb_nope"}).get(API)

    assert (revoked.status_code, revoked.json()) == (401, {"detail": "Unauthorized"})
    assert unknown.status_code == 401


def test_anonymous_callers_get_401_not_a_login_page(dana):
    response = Client().get(f"{API}/{dana.id}")

    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


def test_tokens_are_stored_only_as_hashes(alice):
    row, token = create_token(alice, "ci")

    assert token.startswith("hbb_")
    assert token not in json.dumps(list(type(row).objects.values()), default=str)


def test_serves_the_openapi_document_listing_every_endpoint(alice):
    response = Client().get("/api/v1/openapi.json")

    paths = response.json()["paths"]
    assert sorted((path, sorted(methods)) for path, methods in paths.items()) == [
        ("/api/v1/cti/events", ["post"]),
        ("/api/v1/customers", ["get"]),
        ("/api/v1/customers/{customer_id}", ["get"]),
        ("/api/v1/customers/{customer_id}/erase", ["post"]),
        ("/api/v1/customers/{customer_id}/export", ["get"]),
        ("/api/v1/customers/{customer_id}/merge", ["post"]),
        ("/api/v1/customers/{customer_id}/objection", ["delete", "post"]),
        ("/api/v1/customers/{customer_id}/timeline", ["get"]),
    ]
    assert _client(alice).get("/api/v1/docs").status_code == 404
