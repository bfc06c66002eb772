"""The storm generator: a seeded Twitter storm against one brand, rising, peaking and decaying."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from hubbub.channels.simulator import DEMO_SCENARIO, BrandScript
from hubbub.channels.storm import StormShape, storm_issue, storm_posts
from hubbub.core.networks import Network
from hubbub.core.posts import Post

ACME = DEMO_SCENARIO.brands[0]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def a_storm(
    count: int = 4000, seed: int = 1, seconds: float = 600.0, brand: BrandScript = ACME
) -> list[Post]:
    return list(storm_posts(brand, count, seed=seed, start=START, seconds=seconds))


def originals(posts: list[Post]) -> list[Post]:
    """Each external id once: the storm less the posts delivered a second time."""
    return list({post.external_id: post for post in posts}.values())


def test_the_same_seed_gives_the_same_storm() -> None:
    assert a_storm(seed=3) == a_storm(seed=3)


def test_another_seed_gives_another_storm_with_other_ids() -> None:
    first, second = a_storm(seed=1), a_storm(seed=2)

    assert [post.text for post in first] != [post.text for post in second]
    assert not {post.external_id for post in first} & {post.external_id for post in second}
    assert first[0].external_id == "storm-1-1"


def test_every_post_is_a_valid_tweet_mentioning_the_brand_within_the_span() -> None:
    posts = a_storm()

    assert len(posts) == 4000
    assert {post.network for post in posts} == {Network.TWITTER}
    assert all(post.text and post.author_id and post.author_handle for post in posts)
    assert max(len(post.text) for post in posts) <= 280
    assert all(START <= post.created_at < START + timedelta(seconds=600) for post in posts)
    assert all("@acmecare" in post.text or "Acme Mobile" in post.text for post in posts)


def test_a_small_share_is_delivered_twice_with_the_same_id() -> None:
    posts = a_storm()

    again = len(posts) - len(originals(posts))
    assert 20 <= again <= 60
    by_id: dict[str, Post] = {}
    for post in posts:
        assert by_id.setdefault(post.external_id, post) == post  # a redelivery is the same post


def test_the_storm_rises_peaks_and_decays_over_its_span() -> None:
    posts = originals(a_storm(seconds=1000))

    per_tenth = Counter(int((post.created_at - START).total_seconds() // 100) for post in posts)
    counts = [per_tenth[tenth] for tenth in range(10)]

    assert counts[0] < counts[1] < counts[2]  # the ramp: 20% of the span
    assert max(counts) in (counts[2], counts[3])  # the peak
    assert counts[3] > counts[4] > counts[5] > counts[6] > counts[7] > counts[8]  # the decay
    assert counts[9] < counts[2] / 10
    assert [post.created_at for post in posts] == sorted(post.created_at for post in posts)


def test_a_shape_can_be_chosen() -> None:
    flat = StormShape(ramp=0.001, peak=1.0, decay=1.0)

    posts = list(storm_posts(ACME, 1000, seed=1, start=START, seconds=100, shape=flat))

    per_tenth = Counter(int((post.created_at - START).total_seconds() // 10) for post in originals(posts))
    assert all(90 <= per_tenth[tenth] <= 110 for tenth in range(10))


def test_mostly_angry_posts_about_one_issue_and_the_hashtag_with_a_few_defenders() -> None:
    posts = originals(a_storm())

    tagged = [post for post in posts if "#acmefail" in post.text and "outage" in post.text]
    defences = [post for post in posts if "#acmefail" not in post.text]
    assert len(tagged) + len(defences) == len(posts)
    assert 0.015 < len(defences) / len(posts) < 0.05
    assert all(
        "outage" not in post.text and ("great" in post.text or "Love" in post.text) for post in defences
    )
    assert {post.text.split(" ")[1] for post in defences} == {"my", "Acme", "with"}  # all three kinds


def test_retweets_are_near_duplicates_of_earlier_posts_mostly_of_loud_accounts() -> None:
    posts = originals(a_storm())
    earlier: dict[tuple[str, str], Post] = {}  # by (author, text): copy-pasted texts have several authors
    loud = 0

    retweets = [post for post in posts if post.text.startswith("RT @")]
    for post in posts:
        if post.text.startswith("RT @"):
            handle, text = post.text.removeprefix("RT @").split(": ", 1)
            loud += earlier[handle, text].author_followers >= 10_000
        else:
            earlier.setdefault((post.author_handle, post.text), post)

    assert 0.3 < len(retweets) / len(posts) < 0.4
    assert loud / len(retweets) > 0.5


def test_many_distinct_authors_some_of_them_loud_and_a_regular_or_two() -> None:
    posts = originals(a_storm())
    followers = {post.author_id: post.author_followers for post in posts}

    assert len(followers) > len(posts) / 2
    loud = [count for count in followers.values() if count >= 10_000]
    assert 0.01 < len(loud) / len(followers) < 0.06
    assert max(followers.values()) > 500_000
    assert min(followers.values()) < 10
    assert {"demo-1001", "demo-1002"} & set(followers)  # Acme's regulars on X


def test_a_person_of_the_crowd_is_the_same_in_every_storm() -> None:
    first = {post.author_id: (post.author_handle, post.author_followers) for post in a_storm(seed=1)}
    second = {post.author_id: (post.author_handle, post.author_followers) for post in a_storm(seed=2)}

    shared = first.keys() & second.keys()
    assert len(shared) > 100
    assert all(first[author] == second[author] for author in shared)


def test_a_brand_without_an_x_account_is_named_and_its_own_issue_and_tag_are_used() -> None:
    plain = BrandScript("initech", "Initech", (), (), (), ("billing",), "#initechfail")

    posts = a_storm(400, brand=plain)

    assert storm_issue(plain) == "billing"
    assert storm_issue(ACME) == "outage"
    assert all("Initech" in post.text and "@" not in post.text.removeprefix("RT @") for post in posts)
    assert sum("billing" in post.text and "#initechfail" in post.text for post in posts) > 350


@pytest.mark.parametrize(("count", "seconds"), [(-1, 10.0), (10, 0.0)])
def test_refuses_a_negative_count_or_an_empty_span(count: int, seconds: float) -> None:
    with pytest.raises(ValueError, match="a storm needs"):
        next(storm_posts(ACME, count, seed=1, start=START, seconds=seconds))


def test_an_empty_storm_has_no_posts() -> None:
    assert a_storm(0) == []
