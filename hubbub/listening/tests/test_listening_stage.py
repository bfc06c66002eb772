"""The listening stages: which brand a post concerns, and which tracked terms and topics it mentions."""

from __future__ import annotations

import pytest

from hubbub.core.posts import Post
from hubbub.core.tests.factories import BrandAccountFactory
from hubbub.listening.models import TopicKind
from hubbub.listening.stage import Listener
from hubbub.listening.tests.factories import TopicFactory, TrackedTermFactory
from hubbub.pipeline.tests.factories import PostFactory


@pytest.fixture
def accounts(brand_a, brand_b):
    BrandAccountFactory(brand=brand_a, network="twitter", handle="AcmeCare")
    BrandAccountFactory(brand=brand_b, network="twitter", handle="GlobexHelp")


def brand_terms(brand, *terms):
    topic = TopicFactory(brand=brand, name=f"{brand.name} itself", kind=TopicKind.BRAND)
    for term in terms:
        TrackedTermFactory(topic=topic, term=term)
    return topic


def topic_with(brand, name, *terms, kind=TopicKind.PRODUCT):
    topic = TopicFactory(brand=brand, name=name, kind=kind)
    for term in terms:
        TrackedTermFactory(topic=topic, term=term)
    return topic


def assigned(**fields):
    [post] = Listener().assign_brand([PostFactory(**fields)])
    return post


@pytest.mark.parametrize("handle", ["AcmeCare", "acmecare", "ACMECARE"])
def test_a_brands_own_post_belongs_to_the_brand_and_is_not_inbound(accounts, brand_a, handle):
    post = assigned(author_handle=handle, text="We are looking into it.")

    assert (post.brand_id, post.is_inbound) == (brand_a.id, False)


def test_a_post_by_an_author_whose_id_is_a_brand_account_belongs_to_the_brand(accounts, brand_b):
    assert assigned(author_id="globexhelp", author_handle="", text="hello").brand_id == brand_b.id


@pytest.mark.parametrize(
    "text",
    [
        "@AcmeCare my phone is broken",
        "hey @acmecare, my phone is broken",
        "my phone is broken @ACMECARE",
        "Thanks @AcmeCare.",
        "(@AcmeCare) help!",
    ],
)
def test_a_mention_of_a_brand_account_assigns_the_brand_in_any_case(accounts, brand_a, text):
    post = assigned(author_handle="dana", text=text)

    assert (post.brand_id, post.is_inbound) == (brand_a.id, True)


def test_a_mention_of_a_dotted_handle_is_found_at_the_end_of_a_sentence(brand_a):
    BrandAccountFactory(brand=brand_a, network="bluesky", handle="acme.bsky.social")

    assert assigned(network="bluesky", text="ask @Acme.bsky.social.").brand_id == brand_a.id


@pytest.mark.parametrize(
    "text",
    [
        "write to support@acmecare or @@acmecare",
        "@AcmeCareless is a parody account",
        "@unknown my phone is broken",
        "AcmeCare without the at sign",
    ],
)
def test_text_that_only_resembles_a_mention_assigns_no_brand(accounts, text):
    post = assigned(author_handle="dana", text=text)

    assert (post.brand_id, post.is_inbound) == (None, True)


def test_a_mention_of_an_account_on_another_network_assigns_no_brand(accounts):
    assert assigned(network="mastodon", author_handle="dana", text="@AcmeCare help").brand_id is None


def test_the_first_mentioned_brand_account_wins(accounts, brand_b):
    assert assigned(author_handle="dana", text="@GlobexHelp is better than @AcmeCare").brand_id == brand_b.id


def test_the_author_counts_before_mentions(accounts, brand_a):
    post = assigned(author_handle="AcmeCare", text="@GlobexHelp congratulations!")

    assert (post.brand_id, post.is_inbound) == (brand_a.id, False)


def test_a_brand_term_assigns_the_brand_when_exactly_one_brand_matches(accounts, brand_a, brand_b):
    brand_terms(brand_a, "Acme", "#acmefail")
    brand_terms(brand_b, "Globex")

    assert assigned(text="My acme phone died").brand_id == brand_a.id
    assert assigned(text="so done #AcmeFail").brand_id == brand_a.id
    assert assigned(text="GLOBEX app is down").brand_id == brand_b.id


def test_a_brand_term_of_two_brands_assigns_no_brand(accounts, brand_a, brand_b):
    brand_terms(brand_a, "Acme")
    brand_terms(brand_b, "Globex")

    assert assigned(text="Acme or Globex, which is worse?").brand_id is None


def test_a_term_shared_by_two_brands_assigns_no_brand(accounts, brand_a, brand_b):
    brand_terms(brand_a, "Galaxy")
    brand_terms(brand_b, "galaxy")

    assert assigned(text="my galaxy is broken").brand_id is None


def test_terms_of_topics_that_are_not_about_the_brand_assign_no_brand(accounts, brand_a):
    topic_with(brand_a, "Batteries", "battery", kind=TopicKind.PRODUCT)
    topic_with(brand_a, "Rivals", "initech", kind=TopicKind.COMPETITOR)

    assert assigned(text="battery dead, switching to Initech").brand_id is None


def test_a_post_about_no_brand_is_left_without_one(accounts):
    post = assigned(author_handle="dana", text="Nice weather today")

    assert (post.brand_id, post.is_inbound) == (None, True)


def test_a_brand_set_by_the_connector_is_kept(accounts, brand_a, brand_b):
    post = assigned(brand_id=brand_b.id, author_handle="dana", text="@AcmeCare hello")

    assert (post.brand_id, post.is_inbound) == (brand_b.id, True)


def test_assign_brand_leaves_the_rest_of_the_post_alone(accounts, brand_a):
    original = PostFactory(author_handle="dana", text="@AcmeCare hello")

    [post] = Listener().assign_brand([original])

    assert post.text == original.text
    assert (post.external_id, post.author_id, post.matched_terms) == (
        original.external_id,
        original.author_id,
        (),
    )


def test_match_terms_records_the_terms_and_topics_of_the_posts_brand(brand_a, brand_b):
    battery = topic_with(brand_a, "Batteries", "battery", "charger")
    outage = topic_with(brand_a, "Outage", "#acmefail", kind=TopicKind.SERVICE)
    topic_with(brand_b, "Globex batteries", "battery", "screen")
    post = PostFactory(brand_id=brand_a.id, text="Battery and screen dead, battery again #AcmeFail")

    [matched] = Listener().match_terms([post])

    assert matched.matched_terms == ("battery", "#acmefail")
    assert matched.topic_ids == frozenset({battery.id, outage.id})


def test_a_term_in_two_topics_is_recorded_once_with_both_topics(brand_a):
    hardware = topic_with(brand_a, "Hardware", "battery")
    returns = topic_with(brand_a, "Returns", "battery")

    [matched] = Listener().match_terms([PostFactory(brand_id=brand_a.id, text="the battery")])

    assert matched.matched_terms == ("battery",)
    assert matched.topic_ids == frozenset({hardware.id, returns.id})


def test_a_post_without_tracked_terms_gets_none(brand_a):
    topic_with(brand_a, "Batteries", "battery")
    post = PostFactory(brand_id=brand_a.id, text="my screen cracked")

    assert Listener().match_terms([post]) == [post]


def test_a_post_without_a_brand_is_matched_against_no_terms(brand_a):
    topic_with(brand_a, "Batteries", "battery")
    post = PostFactory(brand_id=None, text="battery")

    assert Listener().match_terms([post]) == [post]


def test_the_listening_stages_read_the_configuration_once_per_snapshot(
    accounts, brand_a, django_assert_num_queries
):
    listener = Listener()
    posts: list[Post] = [PostFactory(text="@AcmeCare one"), PostFactory(text="@AcmeCare two")]
    listener.assign_brand(posts)

    with django_assert_num_queries(0):
        assigned_posts = listener.assign_brand(posts)
        listener.match_terms(assigned_posts)

    assert [post.brand_id for post in assigned_posts] == [brand_a.id, brand_a.id]
