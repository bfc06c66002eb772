"""The screen pop's JSON: the calls ringing for the logged-in agent, each with the caller's card."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import PASSWORD
from hubbub.channels.calls import MAX_PENDING_CALLS, POP_MINUTES, record_call_event
from hubbub.channels.networks.phone.payloads import CallEvent, call_post
from hubbub.core.models import Brand, PostRecord
from hubbub.core.networks import Network, PostKind
from hubbub.core.tests.factories import PostRecordFactory
from hubbub.crm.models import Customer, Interaction, InteractionKind
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory
from hubbub.workplace.tests.conftest import HOSTILE_TEXT

URL = "/calls/pending.json"
LINE = "+4930999000"
NOW = datetime(2026, 3, 9, 9, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def logged_in(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def ring(
    brand: Brand, agent: Any, *, call_id: str = "1700000000.42", caller: str = "+49301234567", **change: Any
) -> PostRecord:
    """Report a call event for `agent` as the CTI endpoint does: its post stored, then the offer kept."""
    fields = {"event": "offered", "call_id": call_id, "caller": caller, "called": LINE}
    event = CallEvent.model_validate(
        {**fields, "agent": agent.username, "at": NOW - timedelta(minutes=1), **change}
    )
    post = call_post(event, brand_id=brand.id, account_id=None)
    record = PostRecord.objects.filter(network=Network.PHONE, external_id=post.external_id).first()
    if record is None:
        record = PostRecordFactory(
            brand=brand,
            network=Network.PHONE,
            external_id=post.external_id,
            kind=PostKind.CALL,
            author_id=event.caller,
            thread_id=call_id,
            created_at=event.at,
        )
    record_call_event(event, post, agent_id=agent.id)
    return record


def customer_calling_from(brand: Brand, number: str, **fields: Any) -> Customer:
    customer: Customer = CustomerFactory(brand=brand, phone=number, **fields)
    IdentityFactory(customer=customer, network=Network.PHONE, external_id=number, handle=number)
    return customer


def touch(customer: Customer, summary: str, day: int) -> None:
    Interaction.objects.create(
        customer=customer,
        kind=InteractionKind.CALL,
        channel=Network.PHONE,
        occurred_at=datetime(2026, 3, day, 9, 0, tzinfo=UTC),
        summary=summary,
    )


def test_alice_sees_the_call_offered_to_her_with_the_callers_card(alice: Any, brand_a: Brand) -> None:
    dana = customer_calling_from(
        brand_a, "+49301234567", display_name=HOSTILE_TEXT, tier="gold", email="d@x.test"
    )
    touch(dana, "Asked about the kettle", 1)
    PostRecordFactory(
        brand=brand_a, customer_id=dana.id, text="Kettle broke", created_at=datetime(2026, 3, 2, tzinfo=UTC)
    )
    offered = ring(brand_a, alice)

    response = logged_in(alice).get(URL)

    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (
        200,
        "application/json",
        "no-store",
    )
    assert response.json() == {
        "poll_seconds": 4,
        "calls": [
            {
                "call_id": "1700000000.42",
                "caller": "+49301234567",
                "offered_at": "2026-03-09T09:19:00+00:00",
                "answered": False,
                "conversation_url": f"/conversations/{offered.id}/",
                "customer": {
                    "id": dana.id,
                    "name": HOSTILE_TEXT,
                    "tier": "gold",
                    "email": "d@x.test",
                    "phone": "+49301234567",
                    "url": f"/customers/{dana.id}/",
                    "last_interactions": [
                        {
                            "occurred_at": "2026-03-02T00:00:00+00:00",
                            "channel": "twitter",
                            "label": "Post",
                            "summary": "Kettle broke",
                        },
                        {
                            "occurred_at": "2026-03-01T09:00:00+00:00",
                            "channel": "phone",
                            "label": "Call",
                            "summary": "Asked about the kettle",
                        },
                    ],
                },
            }
        ],
    }


def test_an_unknown_caller_pops_without_a_card(alice: Any, brand_a: Brand) -> None:
    ring(brand_a, alice, caller="+4915112345678")

    (call,) = logged_in(alice).get(URL).json()["calls"]

    assert (call["caller"], call["customer"]) == ("+4915112345678", None)


def test_an_agent_sees_only_the_calls_offered_to_her(alice: Any, bob: Any, brand_a: Brand) -> None:
    ring(brand_a, bob, call_id="for-bob")
    ring(brand_a, alice, call_id="for-alice")

    assert [call["call_id"] for call in logged_in(alice).get(URL).json()["calls"]] == ["for-alice"]
    assert [call["call_id"] for call in logged_in(bob).get(URL).json()["calls"]] == ["for-bob"]


def test_charlie_gets_nothing_of_brand_as_calls(alice: Any, charlie: Any, brand_a: Brand) -> None:
    customer_calling_from(brand_a, "+49301234567")
    ring(brand_a, alice)
    ring(brand_a, charlie, call_id="forged")  # an offer to him on a brand he is not a member of

    response = logged_in(charlie).get(URL)

    assert response.status_code == 200
    assert response.json()["calls"] == []


def test_an_answered_call_stays_and_an_ended_call_goes(alice: Any, brand_a: Brand) -> None:
    ring(brand_a, alice)
    ring(brand_a, alice, event="answered")
    client = logged_in(alice)

    assert [call["answered"] for call in client.get(URL).json()["calls"]] == [True]

    ring(brand_a, alice, event="ended")
    assert client.get(URL).json()["calls"] == []


def test_an_offer_never_ended_stops_popping_after_the_pop_window(alice: Any, brand_a: Brand) -> None:
    ring(brand_a, alice, call_id="lost-end", at=NOW - timedelta(minutes=POP_MINUTES, seconds=1))
    ring(brand_a, alice, call_id="recent", at=NOW - timedelta(minutes=POP_MINUTES))

    assert [call["call_id"] for call in logged_in(alice).get(URL).json()["calls"]] == ["recent"]


def test_a_merged_callers_card_is_the_survivors_with_the_whole_groups_history(
    alice: Any, brand_a: Brand
) -> None:
    survivor = CustomerFactory(brand=brand_a, display_name="Dana Survivor", tier="platinum")
    merged = customer_calling_from(brand_a, "+49301234567", display_name="Dana Dup", merged_into=survivor)
    touch(survivor, "On the survivor", 3)
    touch(merged, "On the merged one", 4)
    ring(brand_a, alice)

    (call,) = logged_in(alice).get(URL).json()["calls"]

    assert (call["customer"]["id"], call["customer"]["name"], call["customer"]["tier"]) == (
        survivor.id,
        "Dana Survivor",
        "platinum",
    )
    assert [entry["summary"] for entry in call["customer"]["last_interactions"]] == [
        "On the merged one",
        "On the survivor",
    ]


def test_logged_out_the_calls_are_not_answered(alice: Any, brand_a: Brand) -> None:
    ring(brand_a, alice)

    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_pop_costs_the_same_queries_for_1_and_50_calls(
    alice: Any, brand_a: Brand, django_assert_num_queries: Any
) -> None:
    def call_from(number: int) -> None:
        caller = f"+4930555{number:04d}"
        customer = customer_calling_from(brand_a, caller)
        for day in range(1, 8):
            touch(customer, f"Touch {day}", day)
        ring(brand_a, alice, call_id=f"call-{number}", caller=caller)

    client = logged_in(alice)
    call_from(0)
    with django_assert_num_queries(7):  # session, user, offers, identities, merge groups, posts, interactions
        one = client.get(URL).json()["calls"]
    for number in range(1, 50):
        call_from(number)
    with django_assert_num_queries(7):
        fifty = client.get(URL).json()["calls"]

    assert (len(one), len(fifty)) == (1, MAX_PENDING_CALLS)
    assert {len(call["customer"]["last_interactions"]) for call in fifty} == {5}
