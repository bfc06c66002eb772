"""The whole default pipeline, from raw posts to stored rows, on a small desk of two brands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubbub.core.models import PostRecord
from hubbub.core.posts import Post
from hubbub.core.tests.factories import BrandAccountFactory
from hubbub.crm.models import Customer, Identity
from hubbub.listening.models import TopicKind
from hubbub.listening.tests.factories import SourceFactory, TopicFactory, TrackedTermFactory
from hubbub.pipeline.runner import BatchResult, Pipeline
from hubbub.pipeline.tests.factories import PostFactory
from hubbub.routing.tests.factories import QueueFactory
from hubbub.runtime.assembly import build_pipeline

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
COMPLAINT = "@AcmeCare my battery died again, this is terrible and I hate it"
PRAISE = "@GlobexHelp thank you, the new app is wonderful and I love it"
REPLY = "@dana sorry to hear that, we are sending a replacement today"
SMALL_TALK = "Nice weather in the park today"


class InjectedError(Exception):
    """A failure the test causes on purpose."""


@pytest.fixture
def desk(brand_a, brand_b, queue_a, queue_b):
    """Brand A answers as @AcmeCare and sends battery posts to its own queue; brand B is @GlobexHelp."""
    BrandAccountFactory(brand=brand_a, handle="AcmeCare")
    BrandAccountFactory(brand=brand_b, handle="GlobexHelp")
    battery = TopicFactory(brand=brand_a, name="Battery", kind=TopicKind.SERVICE)
    TrackedTermFactory(topic=battery, term="battery")
    batteries = QueueFactory(brand=brand_a, name="Batteries", topics=[battery])
    return SimpleNamespace(a=brand_a, b=brand_b, queue_a=queue_a, queue_b=queue_b, batteries=batteries)


def a_batch():
    return [
        PostFactory(
            external_id="1",
            author_id="u1",
            author_handle="@dana",
            author_name="Dana\x00 Scully",
            author_followers=20_000,
            text=COMPLAINT,
        ),
        PostFactory(
            external_id="2",
            author_id="u2",
            author_handle="gina",
            author_name="Gina",
            author_followers=50,
            text=PRAISE,
        ),
        PostFactory(
            external_id="3", author_id="acme", author_handle="AcmeCare", in_reply_to_id="1", text=REPLY
        ),
        PostFactory(external_id="4", author_id="u4", text=SMALL_TALK),
        PostFactory(external_id="1", author_id="u1", text="the same post, delivered twice in one batch"),
    ]


def stored_state():
    return (
        list(PostRecord.objects.order_by("id").values()),
        list(Customer.objects.order_by("id").values()),
        list(Identity.objects.order_by("id").values()),
    )


def test_a_batch_goes_end_to_end_into_stored_posts(desk, time_machine):
    time_machine.move_to(NOW, tick=False)

    result = build_pipeline().process(a_batch())

    assert result == BatchResult(received=5, stored=3, unassigned=1)
    assert result.already_stored == 1
    dana, gina = Customer.objects.order_by("id")
    assert (dana.brand_id, dana.display_name, dana.tier) == (desk.a.id, "Dana Scully", "bronze")
    assert (gina.brand_id, gina.display_name, gina.tier) == (desk.b.id, "Gina", "bronze")
    assert list(
        Identity.objects.order_by("id").values_list("customer_id", "network", "external_id", "handle")
    ) == [
        (dana.id, "twitter", "u1", "dana"),
        (gina.id, "twitter", "u2", "gina"),
    ]
    rows = PostRecord.objects.order_by("external_id").values_list(
        "external_id", "brand_id", "is_inbound", "customer_id", "language", "sentiment", "sentiment_score",
        "priority", "queue_id", "matched_terms", "received_at",
    )  # fmt: skip
    assert list(rows) == [
        ("1", desk.a.id, True, dana.id, "en", "negative", -0.9998, 42, desk.batteries.id, ["battery"], NOW),
        ("2", desk.b.id, True, gina.id, "en", "positive", 0.9997, 0, desk.queue_b.id, [], NOW),
        ("3", desk.a.id, False, None, "en", "neutral", -0.1988, 0, None, [], NOW),
    ]


def test_stored_posts_carry_cleaned_fields_and_the_reasons_for_their_priority(desk):
    build_pipeline().process(a_batch())

    post = PostRecord.objects.get(external_id="1")

    assert (post.author_handle, post.author_name, post.text) == ("dana", "Dana Scully", COMPLAINT)
    assert post.priority_parts == [
        {"label": "reach of 10,000+ followers", "points": 12},
        {"label": "strongly negative", "points": 20},
        {"label": "public complaint with reach", "points": 10},
    ]


def test_ingesting_the_same_batch_twice_changes_nothing(desk, time_machine):
    time_machine.move_to(NOW, tick=False)
    build_pipeline().process(a_batch())
    before = stored_state()

    time_machine.move_to(NOW + timedelta(minutes=5), tick=False)
    again = build_pipeline().process(a_batch())

    assert again == BatchResult(received=5, stored=0, unassigned=1)
    assert stored_state() == before


def test_the_same_worker_redelivered_a_committed_batch_changes_nothing(
    desk, django_capture_on_commit_callbacks
):
    pipeline = build_pipeline()
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.process(a_batch())
    before = stored_state()

    with django_capture_on_commit_callbacks(execute=True):
        again = pipeline.process(a_batch())

    assert again.stored == 0
    assert stored_state() == before


def test_a_later_post_by_a_known_author_reuses_the_customer(desk):
    build_pipeline().process(a_batch())

    build_pipeline().process([PostFactory(external_id="9", author_id="u1", text="@AcmeCare still broken")])

    dana = Customer.objects.get(identities__external_id="u1")
    assert Customer.objects.count() == 2
    assert PostRecord.objects.get(external_id="9").customer_id == dana.id


def test_a_batch_whose_stage_raises_leaves_nothing_stored(desk, django_capture_on_commit_callbacks):
    pipeline = build_pipeline()

    def explode(posts):
        raise InjectedError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InjectedError):
        Pipeline([*pipeline.stages, explode], pipeline.writer).process(a_batch())

    assert (PostRecord.objects.count(), Customer.objects.count(), Identity.objects.count()) == (0, 0, 0)


def test_a_failed_batch_is_stored_whole_when_retried_by_the_same_worker(
    desk, django_capture_on_commit_callbacks
):
    pipeline = build_pipeline()

    def write_then_fail(posts):
        pipeline.writer(posts)
        raise InjectedError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InjectedError):
        Pipeline(pipeline.stages, write_then_fail).process(a_batch())
    with django_capture_on_commit_callbacks(execute=True):
        result = pipeline.process(a_batch())

    assert result.stored == 3
    dana = Customer.objects.get(identities__external_id="u1")
    assert PostRecord.objects.get(external_id="1").customer_id == dana.id


raw_posts = st.builds(
    PostFactory,
    network=st.sampled_from(["twitter", "mastodon"]),
    external_id=st.sampled_from(["1", "2", "3", "4"]),
    author_id=st.sampled_from(["u1", "u2", "acme"]),
    author_handle=st.sampled_from(["dana", "@gina", "AcmeCare", ""]),
    author_followers=st.sampled_from([-3, 0, 15_000, 2_000_000]),
    text=st.sampled_from([COMPLAINT, PRAISE, REPLY, SMALL_TALK, "#battery @acmecare", ""]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(raw_posts, max_size=6))
def test_ingesting_any_batch_twice_changes_nothing(desk, batch):
    with transaction.atomic():
        first = build_pipeline().process(batch)
        before = stored_state()

        again = build_pipeline().process(batch)

        assert again.stored == 0
        assert again.received == first.received == len(batch)
        assert stored_state() == before
        assert PostRecord.objects.count() == first.stored
        transaction.set_rollback(True)


def test_the_stored_post_carries_the_analysis_and_why(desk, time_machine):
    time_machine.move_to(NOW, tick=False)

    build_pipeline().process(a_batch())

    row = PostRecord.objects.get(external_id="1")
    assert (row.emotion, row.intent, row.decision, row.call_for_help, row.virality_risk, row.urgency) == (
        "anger", "complaint", "service_recovery", True, 52, 81,
    )  # fmt: skip
    assert row.analysis_why["reasons"]["decision"] == (
        "unhappy customer (complaint): fix the problem, then follow up"
    )
    assert row.analysis_why["virality"][0] == {"label": "reach: 20,000 followers", "points": 32}
    assert [part["label"] for part in row.analysis_why["urgency"]] == [
        "virality risk 52", "call for help", "intent: complaint", "tone: 100% negative",
    ]  # fmt: skip


def test_a_post_on_a_rant_site_goes_to_the_rant_queue_before_its_topics_queue(desk):
    SourceFactory(brand=desk.a, name="Rants", pattern="rants.example.com", rating=4)
    rants = QueueFactory(brand=desk.a, name="Rant sites", position=9, source_classes=["rant"])
    post = PostFactory(external_id="r1", url="https://www.rants.example.com/t/1", text=COMPLAINT)

    build_pipeline().process([post])

    row = PostRecord.objects.get(external_id="r1")
    assert (row.queue_id, row.source_class, row.source_rating, row.matched_terms) == (
        rants.id,
        "rant",
        4,
        ["battery"],
    )
    assert row.priority_parts[-2:] == [
        {"label": "from a rant site", "points": 10},
        {"label": "source rated 4 of 5", "points": 10},
    ]


def test_posts_in_a_language_the_brand_does_not_listen_to_are_kept_only_through_its_accounts(desk):
    brand = TopicFactory(brand=desk.a, name="Acme itself", kind=TopicKind.BRAND, languages="en")
    TrackedTermFactory(topic=brand, term="Acme")
    batch: list[Post] = [
        PostFactory(external_id="en", text="My Acme phone has not worked since yesterday, I need help"),
        PostFactory(external_id="es", text="Mi teléfono Acme no funciona desde ayer, necesito ayuda urgente"),
        PostFactory(
            external_id="es-mention", text="@AcmeCare mi teléfono Acme no funciona desde ayer, ayuda"
        ),
    ]

    result = build_pipeline().process(batch)

    assert result == BatchResult(received=3, stored=2, unassigned=1)
    rows = PostRecord.objects.order_by("external_id").values_list(
        "external_id", "language", "brand_id", "matched_terms"
    )
    assert list(rows) == [("en", "en", desk.a.id, ["Acme"]), ("es-mention", "es", desk.a.id, [])]
