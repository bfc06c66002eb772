"""The listening pages: topics and sources of a brand, for its supervisors and admins only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubbub.core.models import Brand, Role
from hubbub.core.tests.factories import MembershipFactory, UserFactory
from hubbub.listening.models import Exclusion, Source, Topic, TopicKind, TrackedTerm
from hubbub.listening.stage import Listener
from hubbub.listening.tests.factories import ExclusionFactory, SourceFactory, TopicFactory, TrackedTermFactory
from hubbub.pipeline.tests.factories import PostFactory
from hubbub.workplace.tests.conftest import HOSTILE_TEXT

pytestmark = pytest.mark.django_db

TOPIC = {
    "name": "Apple",
    "kind": "product",
    "terms": "apple\n#ApplePay\n",
    "exclusions": "apple pie",
    "languages": "",
}
SOURCE = {
    "name": "Rants",
    "source_class": "rant",
    "rating": "4",
    "match": "site",
    "pattern": "https://www.Rants.example.com/t/1",
    "network": "",
    "enabled": "on",
}


def _url(name: str, *args: Any) -> str:
    return reverse(f"workplace:{name}", args=args)


def _as(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_the_listening_link_takes_a_supervisor_to_their_brand(
    client: Client, bob: Any, brand_a: Brand
) -> None:
    response = _as(client, bob).get(_url("listening"))

    assert (response.status_code, response["Location"]) == (302, f"/listening/{brand_a.slug}/")


def test_a_supervisor_sees_the_brands_topics_and_sources(client: Client, bob: Any, brand_a: Brand) -> None:
    topic = TopicFactory(brand=brand_a, name="Apple", kind=TopicKind.PRODUCT, languages="en,es")
    TrackedTermFactory(topic=topic, term="apple")
    ExclusionFactory(topic=topic, term="apple pie")
    SourceFactory(brand=brand_a, name="Acme Sucks", pattern="acmesucks.example.com", rating=4)

    text = _as(client, bob).get(_url("listening_brand", brand_a.slug)).text

    assert f'<a href="/listening/{brand_a.slug}/topics/{topic.id}/">Apple</a>' in text
    assert '<span class="chip">apple</span>' in text
    assert '<span class="chip chip--excluded">apple pie</span>' in text
    assert '<span class="chip">en</span> <span class="chip">es</span>' in text
    assert '<span class="badge source source--rant">Rant</span>' in text
    assert "<code>acmesucks.example.com</code>" in text
    assert '<td class="num">4 of 5</td>' in text


def test_an_agent_of_the_brand_is_refused(client: Client, alice: Any, brand_a: Brand) -> None:
    _as(client, alice)

    assert client.get(_url("listening")).status_code == 403
    assert client.get(_url("listening_brand", brand_a.slug)).status_code == 403
    assert client.post(_url("listening_topic_new", brand_a.slug), TOPIC).status_code == 403
    assert client.post(_url("listening_source_new", brand_a.slug), SOURCE).status_code == 403
    assert (Topic.objects.count(), Source.objects.count()) == (0, 0)


def test_charlie_cannot_see_or_change_brand_as_listening(
    client: Client, charlie: Any, brand_a: Brand
) -> None:
    topic = TopicFactory(brand=brand_a, name="Secret launch")
    source = SourceFactory(brand=brand_a)
    _as(client, charlie)

    assert client.get(_url("listening_brand", brand_a.slug)).status_code == 404
    assert client.get(_url("listening_topic", brand_a.slug, topic.id)).status_code == 404
    assert client.post(_url("listening_topic_new", brand_a.slug), TOPIC).status_code == 404
    assert client.post(_url("listening_topic_delete", brand_a.slug, topic.id)).status_code == 404
    assert client.post(_url("listening_source_delete", brand_a.slug, source.id)).status_code == 404
    assert list(Topic.objects.values_list("name", flat=True)) == ["Secret launch"]
    assert Source.objects.count() == 1


def test_a_supervisor_of_one_brand_cannot_reach_another_brands_topic_through_their_own(
    client: Client, bob: Any, brand_a: Brand, brand_b: Brand
) -> None:
    other = TopicFactory(brand=brand_b, name="Globex stuff")
    other_source = SourceFactory(brand=brand_b)
    _as(client, bob)

    assert client.get(_url("listening_topic", brand_a.slug, other.id)).status_code == 404
    assert client.post(_url("listening_topic_delete", brand_a.slug, other.id)).status_code == 404
    assert client.post(_url("listening_source", brand_a.slug, other_source.id), SOURCE).status_code == 404
    assert Topic.objects.get(id=other.id).name == "Globex stuff"
    assert Source.objects.get(id=other_source.id).source_class == "rant"
    assert Source.objects.get(id=other_source.id).name != "Rants"


def test_a_supervisor_adds_a_topic_that_listening_uses(client: Client, bob: Any, brand_a: Brand) -> None:
    response = _as(client, bob).post(
        _url("listening_topic_new", brand_a.slug), {**TOPIC, "languages": "EN, es"}, follow=True
    )

    assert response.redirect_chain == [(f"/listening/{brand_a.slug}/", 302)]
    assert "Topic “Apple” saved. Listening uses it within 5 seconds." in response.text
    topic = Topic.objects.get(brand=brand_a, name="Apple")
    assert (topic.kind, topic.languages) == ("product", "en,es")
    assert sorted(topic.terms.values_list("term", flat=True)) == ["#ApplePay", "apple"]
    assert list(topic.exclusions.values_list("term", flat=True)) == ["apple pie"]
    [pie, phone] = Listener().match_terms(
        [
            PostFactory(brand_id=brand_a.id, text="apple pie"),
            PostFactory(brand_id=brand_a.id, text="apple phone"),
        ]
    )
    assert (pie.topic_ids, phone.topic_ids) == (frozenset(), frozenset({topic.id}))


def test_changing_a_topic_replaces_its_terms_and_exclusions(client: Client, bob: Any, brand_a: Brand) -> None:
    topic = TopicFactory(brand=brand_a, name="Apple")
    TrackedTermFactory(topic=topic, term="apple")
    TrackedTermFactory(topic=topic, term="iphone")
    ExclusionFactory(topic=topic, term="apple pie")

    form = _as(client, bob).get(_url("listening_topic", brand_a.slug, topic.id)).context["form"]
    response = client.post(
        _url("listening_topic", brand_a.slug, topic.id),
        {
            "name": "Apple devices",
            "kind": "brand",
            "terms": "iphone\nipad",
            "exclusions": "",
            "languages": "en",
        },
    )

    assert form.initial["terms"] == "apple\niphone"
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.kind, topic.languages) == ("Apple devices", "brand", "en")
    assert sorted(topic.terms.values_list("term", flat=True)) == ["ipad", "iphone"]
    assert not Exclusion.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("languages", "english", "Not a language code: english."),
        ("terms", "x" * 101, "A term has at most 100 characters"),
        ("exclusions", "y" * 101, "A exclusion has at most 100 characters"),
        ("name", "", "This field is required."),
        ("kind", "gossip", "Select a valid choice."),
    ],
)
def test_a_wrong_topic_is_shown_again_with_the_error_and_nothing_saved(
    client: Client, bob: Any, brand_a: Brand, *, field: str, value: str, error: str
) -> None:
    response = _as(client, bob).post(_url("listening_topic_new", brand_a.slug), {**TOPIC, field: value})

    assert response.status_code == 200
    assert error in response.text
    assert response.context["form"].errors[field]
    assert (Topic.objects.count(), TrackedTerm.objects.count(), Exclusion.objects.count()) == (0, 0, 0)


def test_a_topic_name_taken_in_the_brand_is_refused_but_free_in_another(
    client: Client, bob: Any, brand_a: Brand, brand_b: Brand
) -> None:
    TopicFactory(brand=brand_a, name="Apple")
    TopicFactory(brand=brand_b, name="Apple")

    response = _as(client, bob).post(_url("listening_topic_new", brand_a.slug), TOPIC)

    assert "Another topic of this brand has that name." in response.text
    assert Topic.objects.filter(brand=brand_a).count() == 1


def test_a_supervisor_adds_a_source_stored_in_normal_form(client: Client, bob: Any, brand_a: Brand) -> None:
    response = _as(client, bob).post(_url("listening_source_new", brand_a.slug), SOURCE)

    assert response.status_code == 302
    source = Source.objects.get(brand=brand_a)
    stored = (source.name, source.source_class, source.rating, source.match, source.pattern, source.network)
    assert stored == ("Rants", "rant", 4, "site", "rants.example.com", "")
    assert source.enabled is True
    [post] = Listener().match_terms(
        [PostFactory(brand_id=brand_a.id, url="https://forum.rants.example.com/9")]
    )
    assert (post.source_class, post.source_rating) == ("rant", 4)


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"pattern": "not a host"}, "pattern", "Write a host such as rants.example.com"),
        ({"match": "account", "pattern": "acmefans", "network": ""}, "network", "choose it"),
        ({"rating": "6"}, "rating", "Select a valid choice."),
        ({"source_class": "troll"}, "source_class", "Select a valid choice."),
        ({"pattern": "x" * 254}, "pattern", "at most 253 characters"),
    ],
)
def test_a_wrong_source_is_shown_again_with_the_error_and_nothing_saved(
    client: Client, bob: Any, brand_a: Brand, *, changes: dict[str, str], field: str, error: str
) -> None:
    response = _as(client, bob).post(_url("listening_source_new", brand_a.slug), {**SOURCE, **changes})

    assert response.status_code == 200
    assert error in response.text
    assert field in response.context["form"].errors
    assert not Source.objects.exists()


def test_a_second_source_matching_the_same_site_is_refused(client: Client, bob: Any, brand_a: Brand) -> None:
    SourceFactory(brand=brand_a, name="Old name", pattern="rants.example.com")

    response = _as(client, bob).post(_url("listening_source_new", brand_a.slug), SOURCE)

    assert "Another source of this brand already matches this." in response.text
    assert Source.objects.count() == 1


def test_a_source_is_changed_and_then_deleted(client: Client, bob: Any, brand_a: Brand) -> None:
    source = SourceFactory(brand=brand_a, name="Rants", pattern="rants.example.com", rating=2)
    _as(client, bob)

    client.post(_url("listening_source", brand_a.slug, source.id), {**SOURCE, "rating": "5", "enabled": ""})
    source.refresh_from_db()
    assert (source.rating, source.enabled) == (5, False)

    response = client.post(_url("listening_source_delete", brand_a.slug, source.id))

    assert response.status_code == 302
    assert not Source.objects.exists()


def test_a_topic_is_deleted_with_its_terms_by_post_only(client: Client, bob: Any, brand_a: Brand) -> None:
    topic = TopicFactory(brand=brand_a)
    TrackedTermFactory(topic=topic)
    _as(client, bob)

    assert client.get(_url("listening_topic_delete", brand_a.slug, topic.id)).status_code == 405
    assert client.post(_url("listening_topic_delete", brand_a.slug, topic.id)).status_code == 302
    assert (Topic.objects.count(), TrackedTerm.objects.count()) == (0, 0)


def test_a_change_without_the_csrf_token_is_refused(bob: Any, brand_a: Brand) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)

    response = client.post(_url("listening_topic_new", brand_a.slug), TOPIC)

    assert response.status_code == 403
    assert not Topic.objects.exists()


def test_hostile_names_and_terms_are_escaped(client: Client, bob: Any, brand_a: Brand) -> None:
    topic = TopicFactory(brand=brand_a, name=HOSTILE_TEXT[:100])
    TrackedTermFactory(topic=topic, term="<img src=x onerror=alert(3)>")
    SourceFactory(brand=brand_a, name="<b>bold</b>")

    text = _as(client, bob).get(_url("listening_brand", brand_a.slug)).text

    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text
    assert "<b>bold</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_an_admin_of_two_brands_can_switch_between_them(
    client: Client, brand_a: Brand, brand_b: Brand
) -> None:
    admin = UserFactory(username="ada")
    MembershipFactory(user=admin, brand=brand_a, role=Role.ADMIN)
    MembershipFactory(user=admin, brand=brand_b, role=Role.ADMIN)

    text = _as(client, admin).get(_url("listening_brand", brand_b.slug)).text

    assert f'<a href="/listening/{brand_a.slug}/">Acme Mobile</a>' in text
    assert f'<a href="/listening/{brand_b.slug}/" aria-current="page">Globex Bank</a>' in text


def test_the_listening_page_issues_the_same_queries_for_one_row_and_for_fifty(
    client: Client, bob: Any, brand_a: Brand
) -> None:
    _as(client, bob)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url("listening_brand", brand_a.slug))
        assert response.status_code == 200
        return len(queries)

    def add_rows(count: int) -> None:
        for _ in range(count):
            topic = TopicFactory(brand=brand_a)
            TrackedTermFactory(topic=topic)
            ExclusionFactory(topic=topic)
            SourceFactory(brand=brand_a)

    add_rows(1)
    with_one = count_queries()
    add_rows(49)
    with_fifty = count_queries()

    assert (Topic.objects.count(), Source.objects.count()) == (50, 50)
    # session, user, role, brand, topics, terms, exclusions, sources, supervised brands
    assert with_one == with_fifty == 9
