"""Erasure (GDPR Art. 17): after it, no store holds anything that identifies the customer."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import redis
from django.apps import apps
from django.core import serializers
from django.test import override_settings

from hubbub.core.models import PostRecord
from hubbub.core.networks import Network
from hubbub.core.posts import Post
from hubbub.crm.actions.privacy import erase_customer
from hubbub.crm.models import Customer, Erasure, MergeSuggestion, Note
from hubbub.crm.resolution import CustomerResolver
from hubbub.crm.tests.privacy_fixtures import IDENTIFIERS, make_data_subject

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def subject(brand_a, bob):
    return make_data_subject(brand_a, bob)


def _identifiers_in_database() -> set[str]:
    """Every identifier found in any row of any table, serialised the way `dumpdata` writes it."""
    found = set()
    for model in apps.get_models():
        dumped = serializers.serialize("json", model._base_manager.all())
        found |= {identifier for identifier in IDENTIFIERS if identifier in dumped}
    return found


def test_the_subject_is_in_the_database_before_erasure(subject):
    assert _identifiers_in_database() == set(IDENTIFIERS)


def test_erasure_leaves_no_identifier_in_any_table(subject, bob):
    erase_customer(subject.merged, bob)

    assert _identifiers_in_database() == set()


def test_erasure_keeps_other_customers_and_their_posts(subject, bob):
    erase_customer(subject.survivor, bob)

    assert list(Customer.objects.values_list("display_name", flat=True)) == ["Bystander Bea"]
    assert list(PostRecord.objects.values_list("id", flat=True)) == [subject.bystander_post.id]
    assert MergeSuggestion.objects.count() == 0
    assert Note.objects.count() == 0


def test_the_erasure_record_holds_counts_only(subject, bob):
    erasure = erase_customer(subject.survivor, bob)

    stored = Erasure.objects.get()
    assert stored.id == erasure.id
    assert stored.customer_number == subject.survivor.id
    assert stored.requested_by == bob
    assert stored.brand_id == subject.survivor.brand_id
    assert stored.removed == {
        "admin_log_entries": 0,
        "posts": 3,
        "suggestions": 1,
        "merges": 1,
        "notes": 7,
        "purchases": 1,
        "invoices": 1,
        "interactions": 1,
        "addresses": 1,
        "identities": 2,
        "customers": 2,
    }


@override_settings(REDIS_URL=REDIS_URL)
def test_erasure_removes_redis_keys_and_stream_entries_that_mention_the_customer(subject, bob):
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"hubbub-test-{uuid.uuid4().hex}"
    stream = f"{prefix}:posts"
    client.set(f"{prefix}:identity:zeldaq_erasable", "1")
    client.set(f"{prefix}:profile", "name=Zelda Quixote")
    client.set(f"{prefix}:other", "name=Bystander Bea")
    client.xadd(stream, {"author": "zeldaq_erasable", "text": "hello"})
    kept = client.xadd(stream, {"author": "someone", "text": "hello"})
    client.xgroup_create(stream, "workers", id="0")
    client.xreadgroup("workers", "worker-1", {stream: ">"}, count=1)
    last = client.xadd(stream, {"author": "Zelda Quixote", "text": "last"})
    try:
        erasure = erase_customer(subject.survivor, bob)

        left = {key.decode(): client.type(key) for key in client.scan_iter(match=f"{prefix}*")}
        assert left == {f"{prefix}:other": b"string", stream: b"stream"}
        assert [entry_id for entry_id, _ in client.xrange(stream) or []] == [kept]
        assert client.xinfo_stream(stream)["last-generated-id"] == last
        assert [group["last-delivered-id"] for group in client.xinfo_groups(stream)] != []
        assert erasure.removed["redis"] == 4
        dumped = b"".join(client.dump(key) or b"" for key in client.scan_iter(match=f"{prefix}*"))
        assert [identifier for identifier in IDENTIFIERS if identifier.encode() in dumped] == []
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


def test_erasure_without_redis_configured_records_no_redis_count(subject, bob):
    erasure = erase_customer(subject.survivor, bob)

    assert "redis" not in erasure.removed


def test_a_resolver_that_cached_the_customer_never_resolves_them_again(
    subject, bob, django_capture_on_commit_callbacks
):
    resolver = CustomerResolver()
    post = replace(_post("zq-post-9"), brand_id=subject.survivor.brand_id)
    with django_capture_on_commit_callbacks(execute=True):
        [resolved] = resolver.resolve_customers([post])
    assert resolved.customer_id == subject.survivor.id

    erase_customer(subject.survivor, bob)
    with django_capture_on_commit_callbacks(execute=True):
        [again] = resolver.resolve_customers([replace(post, external_id="zq-post-10")])

    assert again.customer_id not in {subject.survivor.id, subject.merged.id}
    assert Customer.objects.get(id=again.customer_id or 0).display_name == "Zelda Quixote"


def _post(external_id):
    return Post(
        network=Network.TWITTER,
        external_id=external_id,
        author_id="zq-twitter-771",
        author_handle="zeldaq_erasable",
        author_name="Zelda Quixote",
        text="Still broken",
        created_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
