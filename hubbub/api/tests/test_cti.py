"""The CTI endpoint: call events stored through the pipeline, the caller's card answered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hubbub.api.tokens import create_token
from hubbub.channels import intake
from hubbub.channels.models import CallOffer
from hubbub.core.models import BrandAccount, PostRecord
from hubbub.core.networks import Network
from hubbub.crm.models import Customer, Interaction, InteractionKind
from hubbub.crm.queries.callers import SHOWN_INTERACTIONS
from hubbub.crm.resolution import CustomerResolver
from hubbub.crm.tests.factories import CustomerFactory
from hubbub.pipeline.runner import Pipeline
from hubbub.pipeline.stages import drop_repeats_within, normalise
from hubbub.pipeline.store import drop_stored, write_posts

URL = "/api/v1/cti/events"
LINE_A = "+4930999000"
OFFERED = {
    "event": "offered",
    "call_id": "1700000000.42",
    "caller": "+49 30 1234-567",
    "called": LINE_A,
    "agent": "alice",
    "at": "2026-03-09T10:15:00+01:00",
}


@pytest.fixture(autouse=True)
def pipeline() -> Iterator[None]:
    """The stages a call needs (the API may not import runtime's assembled pipeline)."""
    previous = intake.use_pipeline(
        lambda: Pipeline(
            stages=[normalise, drop_repeats_within, drop_stored, CustomerResolver().resolve_customers],
            writer=write_posts,
        )
    )
    yield
    intake.use_pipeline(previous)


@pytest.fixture
def line_a(brand_a: Any) -> BrandAccount:
    return BrandAccount.objects.create(brand=brand_a, network=Network.PHONE, handle=LINE_A)


@pytest.fixture
def dana(brand_a: Any) -> Customer:
    customer = CustomerFactory(
        brand=brand_a, display_name="Dana <b>Ñúñez</b>", phone="+49301234567", tier="gold"
    )
    Interaction.objects.create(
        customer=customer,
        kind=InteractionKind.CALL,
        channel=Network.PHONE,
        occurred_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        summary="Asked about the kettle",
    )
    return customer


def bearer(user: Any) -> Client:
    _, token = create_token(user, "pbx")
    return Client(headers={"Authorization": f"Bearer {token}"})


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(URL, body, content_type="application/json")


def test_an_offered_call_is_stored_as_a_call_post_and_answers_the_callers_card(
    alice: Any, line_a: BrandAccount, dana: Customer
) -> None:
    response = post(bearer(alice), OFFERED)

    assert response.status_code == 200
    assert response.json() == {
        "call_id": "1700000000.42",
        "event": "offered",
        "caller": "+49301234567",
        "stored": True,
        "customer": {
            "id": dana.id,
            "display_name": "Dana <b>Ñúñez</b>",
            "tier": "gold",
            "email": dana.email,
            "phone": "+49301234567",
            "last_interactions": [
                {
                    "occurred_at": "2026-03-09T09:15:00Z",
                    "channel": "phone",
                    "label": "Post",  # crm's timeline labels posts by type, not by kind (report)
                    "summary": "Incoming call from +49301234567 to +4930999000 for agent alice",
                },
                {
                    "occurred_at": "2026-03-01T09:00:00Z",
                    "channel": "phone",
                    "label": "Call",
                    "summary": "Asked about the kettle",
                },
            ],
        },
    }
    row = PostRecord.objects.get()
    assert (
        row.network,
        row.external_id,
        row.kind,
        row.thread_id,
        row.author_id,
        row.source,
        row.brand_id,
        row.account_id,
        row.customer_id,
        row.created_at,
    ) == (
        "phone",
        "1700000000.42:offered",
        "call",
        "1700000000.42",
        "+49301234567",
        LINE_A,
        line_a.brand_id,
        line_a.id,
        dana.id,
        datetime(2026, 3, 9, 9, 15, tzinfo=UTC),
    )


def test_answered_and_ended_join_the_thread_of_the_offered_call(alice: Any, line_a: BrandAccount) -> None:
    client = bearer(alice)
    for event in ("offered", "answered", "ended"):
        assert post(client, {**OFFERED, "event": event}).status_code == 200

    rows = list(
        PostRecord.objects.order_by("id").values_list("external_id", "thread_id", "in_reply_to_id", "text")
    )
    assert rows == [
        (
            "1700000000.42:offered",
            "1700000000.42",
            "",
            "Incoming call from +49301234567 to +4930999000 for agent alice",
        ),
        (
            "1700000000.42:answered",
            "1700000000.42",
            "1700000000.42:offered",
            "Call from +49301234567 answered for agent alice",
        ),
        (
            "1700000000.42:ended",
            "1700000000.42",
            "1700000000.42:offered",
            "Call from +49301234567 ended for agent alice",
        ),
    ]


def test_an_unknown_caller_becomes_a_new_customer_named_by_the_number(
    alice: Any, line_a: BrandAccount
) -> None:
    response = post(bearer(alice), {**OFFERED, "caller": "+4915112345678"})

    card = response.json()["customer"]
    assert (card["display_name"], card["phone"], card["tier"]) == ("+4915112345678", "", "bronze")
    assert Customer.objects.get(id=card["id"]).brand_id == line_a.brand_id


def test_the_same_event_twice_is_stored_once(alice: Any, line_a: BrandAccount) -> None:
    client = bearer(alice)

    first = post(client, OFFERED).json()
    again = post(client, OFFERED).json()

    assert (first["stored"], again["stored"]) == (True, False)
    assert again["customer"] == first["customer"]
    assert PostRecord.objects.count() == 1


def test_charlie_cannot_report_calls_on_brand_as_line(
    charlie: Any, line_a: BrandAccount, dana: Customer
) -> None:
    response = post(bearer(charlie), {**OFFERED, "agent": ""})

    assert response.status_code == 404
    assert response.json() == {"detail": "No such line."}
    assert PostRecord.objects.count() == 0


def test_an_agent_of_another_brand_cannot_be_popped(alice: Any, charlie: Any, line_a: BrandAccount) -> None:
    response = post(bearer(alice), {**OFFERED, "agent": "charlie"})

    assert response.status_code == 400
    assert PostRecord.objects.count() == 0


def test_without_a_token_the_event_is_refused(line_a: BrandAccount) -> None:
    response = post(Client(), OFFERED)

    assert response.status_code == 401
    assert PostRecord.objects.count() == 0


@pytest.mark.parametrize(
    "change",
    [
        {"caller": "030 1234567"},  # not international
        {"caller": "+49 30 1234567 8901234"},  # longer than E.164 allows
        {"called": "<script>"},
        {"call_id": "<script>alert(1)</script>"},
        {"agent": "alice<script>"},
        {"event": "transferred"},
        {"at": "2026-03-09T10:15:00"},  # no time zone
    ],
)
def test_malformed_events_are_refused_and_nothing_is_stored(
    alice: Any, line_a: BrandAccount, change: dict[str, str]
) -> None:
    response = post(bearer(alice), {**OFFERED, **change})

    assert response.status_code == 422
    assert PostRecord.objects.count() == 0


def test_unconnected_to_a_pipeline_the_endpoint_says_so(alice: Any, line_a: BrandAccount) -> None:
    intake.use_pipeline(None)

    response = post(bearer(alice), OFFERED)

    assert response.status_code == 503
    assert PostRecord.objects.count() == 0


def test_the_card_costs_the_same_queries_for_1_and_50_interactions(
    alice: Any, line_a: BrandAccount, dana: Customer
) -> None:
    client = bearer(alice)
    post(client, OFFERED)  # the first call creates the identity (a few more queries, once)

    with CaptureQueriesContext(connection) as one:
        post(client, {**OFFERED, "call_id": "1700000000.43"})
    Interaction.objects.bulk_create(
        Interaction(
            customer=dana,
            kind=InteractionKind.CALL,
            channel=Network.PHONE,
            occurred_at=datetime(2026, 2, 1, tzinfo=UTC) + timedelta(hours=hour),
            summary=f"Call {hour}",
        )
        for hour in range(49)
    )
    with CaptureQueriesContext(connection) as fifty:
        response = post(client, {**OFFERED, "call_id": "1700000000.44"})

    assert len(response.json()["customer"]["last_interactions"]) == SHOWN_INTERACTIONS
    assert len(fifty.captured_queries) == len(one.captured_queries)


def offers() -> list[tuple[str, str, int, bool, bool]]:
    """(call id, agent, post id, answered, ended) of every call offer."""
    rows = CallOffer.objects.order_by("id").values_list(
        "call_id", "agent__username", "post_id", "answered_at", "ended_at"
    )
    return [
        (call, agent, post_id, answered is not None, ended is not None)
        for call, agent, post_id, answered, ended in rows
    ]


def test_an_offered_call_is_kept_as_an_offer_to_the_named_agent(alice: Any, line_a: BrandAccount) -> None:
    post(bearer(alice), OFFERED)

    offer = CallOffer.objects.get()
    assert (offer.brand_id, offer.call_id, offer.agent_id, offer.post_id, offer.offered_at) == (
        line_a.brand_id,
        "1700000000.42",
        alice.id,
        PostRecord.objects.get(external_id="1700000000.42:offered").id,
        datetime(2026, 3, 9, 9, 15, tzinfo=UTC),
    )
    assert (offer.answered_at, offer.ended_at) == (None, None)


def test_answered_and_ended_events_mark_the_offer_and_repeats_change_nothing(
    alice: Any, line_a: BrandAccount
) -> None:
    client = bearer(alice)
    post(client, OFFERED)
    post(client, {**OFFERED, "event": "answered", "at": "2026-03-09T10:15:20+01:00"})
    post(client, {**OFFERED, "event": "ended", "agent": "", "at": "2026-03-09T10:19:00+01:00"})
    post(client, {**OFFERED, "event": "ended", "agent": "", "at": "2026-03-09T10:25:00+01:00"})

    offer = CallOffer.objects.get()
    assert (offer.answered_at, offer.ended_at) == (
        datetime(2026, 3, 9, 9, 15, 20, tzinfo=UTC),
        datetime(2026, 3, 9, 9, 19, tzinfo=UTC),
    )


def test_a_call_answered_by_another_agent_is_no_longer_on_offer_to_the_first(
    alice: Any, bob: Any, line_a: BrandAccount
) -> None:
    client = bearer(alice)
    post(client, OFFERED)
    post(client, {**OFFERED, "agent": "bob"})  # the queue rings bob too: the same offered event

    post(client, {**OFFERED, "event": "answered", "agent": "bob"})

    offered = PostRecord.objects.get(external_id="1700000000.42:offered").id
    assert offers() == [
        ("1700000000.42", "alice", offered, False, True),
        ("1700000000.42", "bob", offered, True, False),
    ]


def test_an_event_without_an_agent_offers_the_call_to_nobody(alice: Any, line_a: BrandAccount) -> None:
    response = post(bearer(alice), {**OFFERED, "agent": ""})

    assert response.json()["stored"] is True
    assert CallOffer.objects.count() == 0


def test_a_refused_agent_gets_no_offer(alice: Any, charlie: Any, line_a: BrandAccount) -> None:
    post(bearer(alice), {**OFFERED, "agent": "charlie"})

    assert CallOffer.objects.count() == 0
