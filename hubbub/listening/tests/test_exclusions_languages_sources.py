"""The listening stages with exclusions, topic languages and classed sources."""

from __future__ import annotations

import pytest

from hubbub.core.posts import evolve
from hubbub.core.tests.factories import BrandAccountFactory
from hubbub.listening.models import SourceClass, SourceMatch, TopicKind
from hubbub.listening.stage import Listener
from hubbub.listening.tests.factories import ExclusionFactory, SourceFactory, TopicFactory, TrackedTermFactory
from hubbub.pipeline.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def topic_with(brand, name, terms, *, exclusions=(), languages="", kind=TopicKind.PRODUCT):
    topic = TopicFactory(brand=brand, name=name, kind=kind, languages=languages)
    for term in terms:
        TrackedTermFactory(topic=topic, term=term)
    for term in exclusions:
        ExclusionFactory(topic=topic, term=term)
    return topic


def matched(post):
    [result] = Listener().match_terms([post])
    return result


def listened(post, language):
    """The post through assign_brand and match_terms, given a language as analysis would, then heard."""
    listener = Listener()
    [ready] = listener.match_terms(listener.assign_brand([post]))
    [heard] = listener.drop_unlistened_languages([evolve(ready, language=language)])
    return heard


def test_an_exclusion_in_the_post_voids_its_topic_and_the_topics_terms(brand_a):
    apple = topic_with(brand_a, "Apple", ["apple"], exclusions=["apple pie"])
    pies = topic_with(brand_a, "Bakery", ["pie"])

    result = matched(PostFactory(brand_id=brand_a.id, text="My Apple pie recipe"))

    assert result.topic_ids == frozenset({pies.id})
    assert result.matched_terms == ("pie",)
    assert apple.id not in result.topic_ids


def test_an_exclusion_voids_only_its_own_topic(brand_a):
    apple = topic_with(brand_a, "Apple", ["apple"], exclusions=["apple pie"])
    fruit = topic_with(brand_a, "Fruit", ["apple"])

    result = matched(PostFactory(brand_id=brand_a.id, text="apple pie"))

    assert (result.topic_ids, result.matched_terms) == (frozenset({fruit.id}), ("apple",))
    assert apple.id not in result.topic_ids


def test_a_post_without_the_exclusion_keeps_the_topic(brand_a):
    apple = topic_with(brand_a, "Apple", ["apple"], exclusions=["apple pie"])

    result = matched(PostFactory(brand_id=brand_a.id, text="my apple phone and a pie"))

    assert (result.topic_ids, result.matched_terms) == (frozenset({apple.id}), ("apple",))


def test_an_exclusion_of_a_brand_topic_stops_its_terms_assigning_the_brand(brand_a):
    topic_with(brand_a, "Apple itself", ["apple"], exclusions=["apple pie"], kind=TopicKind.BRAND)

    [pie, phone] = Listener().assign_brand(
        [PostFactory(text="Apple pie!"), PostFactory(text="Apple is down")]
    )

    assert (pie.brand_id, phone.brand_id) == (None, brand_a.id)


def test_a_post_on_a_configured_site_gets_its_class_and_rating(brand_a):
    SourceFactory(brand=brand_a, pattern="rants.example.com", source_class=SourceClass.RANT, rating=4)

    result = matched(PostFactory(brand_id=brand_a.id, url="https://www.rants.example.com/t/9", text="meh"))

    assert (result.source_class, result.source_rating) == ("rant", 4)


def test_a_post_in_a_configured_community_or_by_a_configured_account_gets_its_class(brand_a):
    SourceFactory(brand=brand_a, match=SourceMatch.COMMUNITY, pattern="r/acmesucks", source_class="rant")
    SourceFactory(
        brand=brand_a, match=SourceMatch.ACCOUNT, network="twitter", pattern="acmefans", source_class="fan"
    )

    community = matched(PostFactory(brand_id=brand_a.id, network="reddit", source="r/AcmeSucks"))
    account = matched(PostFactory(brand_id=brand_a.id, network="twitter", author_handle="AcmeFans"))

    assert (community.source_class, account.source_class) == ("rant", "fan")


def test_a_disabled_source_or_another_brands_source_labels_nothing(brand_a, brand_b):
    SourceFactory(brand=brand_a, pattern="rants.example.com", enabled=False)
    SourceFactory(brand=brand_b, pattern="bankrants.example.net")

    first = matched(PostFactory(brand_id=brand_a.id, url="https://rants.example.com/1"))
    second = matched(PostFactory(brand_id=brand_a.id, url="https://bankrants.example.net/1"))

    assert (first.source_class, first.source_rating, second.source_class) == ("", 0, "")


def test_a_topic_that_names_languages_keeps_its_match_only_in_them(brand_a):
    english = topic_with(brand_a, "Battery", ["battery"], languages="en")
    everywhere = topic_with(brand_a, "Outage", ["outage"])
    post = PostFactory(brand_id=brand_a.id, text="battery outage")

    assert listened(post, "en").topic_ids == frozenset({english.id, everywhere.id})
    in_spanish = listened(post, "es")
    assert (in_spanish.brand_id, in_spanish.topic_ids) == (brand_a.id, frozenset({everywhere.id}))
    assert in_spanish.matched_terms == ("outage",)


def test_a_post_whose_language_is_unknown_keeps_every_topic(brand_a):
    english = topic_with(brand_a, "Battery", ["battery"], languages="en")

    assert listened(PostFactory(brand_id=brand_a.id, text="battery 👍"), "").topic_ids == frozenset(
        {english.id}
    )


def test_a_post_that_reached_the_brand_only_through_a_topic_in_another_language_is_dropped(brand_a):
    topic_with(brand_a, "Acme itself", ["acme"], languages="en", kind=TopicKind.BRAND)
    topic_with(brand_a, "Battery", ["bateria"])

    heard = listened(PostFactory(text="mi bateria de Acme no funciona"), "es")

    assert (heard.brand_id, heard.topic_ids, heard.matched_terms) == (None, frozenset(), ())


def test_a_post_that_came_through_the_brands_account_is_kept_in_any_language(brand_a):
    BrandAccountFactory(brand=brand_a, network="twitter", handle="AcmeCare")
    brand_topic = topic_with(brand_a, "Acme itself", ["acme"], languages="en", kind=TopicKind.BRAND)
    battery = topic_with(brand_a, "Battery", ["bateria"])

    mention = listened(PostFactory(network="twitter", text="@AcmeCare mi bateria de Acme"), "es")
    connector = listened(PostFactory(brand_id=brand_a.id, account_id=7, text="Acme bateria"), "es")

    assert (mention.brand_id, mention.topic_ids) == (brand_a.id, frozenset({battery.id}))
    assert (connector.brand_id, connector.topic_ids) == (brand_a.id, frozenset({battery.id}))
    assert brand_topic.id not in mention.topic_ids | connector.topic_ids


def test_the_language_step_reads_no_configuration_when_no_topic_names_languages(
    brand_a, django_assert_num_queries
):
    topic_with(brand_a, "Battery", ["battery"])
    listener = Listener()
    [post] = listener.match_terms([PostFactory(brand_id=brand_a.id, text="battery")])

    with django_assert_num_queries(0):
        heard = listener.drop_unlistened_languages([evolve(post, language="es")])

    assert heard[0].topic_ids == post.topic_ids
