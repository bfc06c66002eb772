"""The simulated stream: seeded posts about the demo brands, delivered at a rate by a thread."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from itertools import islice

import pytest

from hubbub.channels.simulator import DEMO_SCENARIO, LiveStream, posts
from hubbub.core.networks import NETWORK_VALUES
from hubbub.core.posts import Post


def test_the_same_seed_gives_the_same_posts() -> None:
    assert list(islice(posts(2.0, seed=7), 200)) == list(islice(posts(2.0, seed=7), 200))


def test_another_seed_gives_other_posts() -> None:
    first = [post.text for post in islice(posts(seed=1), 50)]
    second = [post.text for post in islice(posts(seed=2), 50)]

    assert first != second


def test_posts_are_spaced_by_the_rate_and_numbered_by_seed() -> None:
    start = datetime(2026, 2, 1, tzinfo=UTC)

    first, second = islice(posts(4.0, seed=3, start=start), 2)

    assert (first.external_id, second.external_id) == ("sim-3-1", "sim-3-2")
    assert second.created_at - first.created_at == timedelta(milliseconds=250)


def test_posts_are_valid_posts_on_known_networks() -> None:
    sample = list(islice(posts(seed=11), 2000))

    assert {post.network for post in sample} <= NETWORK_VALUES
    assert len({post.external_id for post in sample}) == 2000
    assert all(post.text and post.author_id for post in sample)


def test_posts_mention_the_brands_in_several_languages_and_reaches() -> None:
    sample = list(islice(posts(seed=5), 3000))
    texts = " ".join(post.text for post in sample)

    assert "@acmecare" in texts
    assert "@globexhelp" in texts
    assert "#acmefail" in texts
    assert "¿cómo" in texts
    assert "الخدمة" in texts
    assert min(post.author_followers for post in sample) < 10
    assert max(post.author_followers for post in sample) > 100_000


def test_some_posts_come_from_the_scenario_regulars() -> None:
    regulars = {persona.author_id for persona in DEMO_SCENARIO.regulars}

    authors = {post.author_id for post in islice(posts(seed=5), 3000)}

    assert regulars <= authors


def test_some_posts_are_published_on_the_brands_sites_with_a_page_there() -> None:
    sites = {site.source: site for brand in DEMO_SCENARIO.brands for site in brand.sites}

    sample = list(islice(posts(seed=5), 3000))
    on_sites = [post for post in sample if post.source]

    assert 100 < len(on_sites) < 400
    assert {post.source for post in on_sites} == set(sites)
    for post in on_sites:
        site = sites[post.source]
        assert (post.network, post.url) == (site.network, f"{site.url}{post.external_id.rsplit('-', 1)[1]}")
        assert "@" not in post.text
    assert all(post.url == "" for post in sample if not post.source)


def test_live_stream_delivers_a_burst_at_once_then_follows_the_rate() -> None:
    batches: list[list[Post]] = []
    arrived = threading.Event()

    def process(batch: list[Post]) -> None:
        batches.append(batch)
        arrived.set()

    stream = LiveStream(process, rate=20.0, seed=1, burst=3, tick=0.05)
    stream.start()
    assert arrived.wait(2.0)
    time.sleep(0.5)
    stream.stop()

    delivered = [post for batch in batches for post in batch]
    assert len(batches[0]) == 3
    assert 8 <= len(delivered) <= 20
    assert [post.external_id for post in delivered] == [f"sim-1-{n}" for n in range(1, len(delivered) + 1)]


def test_live_stream_retries_a_failed_batch() -> None:
    calls: list[list[str]] = []

    def flaky(batch: list[Post]) -> None:
        calls.append([post.external_id for post in batch])
        if len(calls) == 1:
            raise RuntimeError("database is locked")

    stream = LiveStream(flaky, rate=0.001, seed=1, burst=2, tick=0.02)
    stream.start()
    deadline = time.monotonic() + 2
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    stream.stop()

    assert calls[:2] == [["sim-1-1", "sim-1-2"], ["sim-1-1", "sim-1-2"]]
    assert (stream.delivered, stream.failures) == (2, 1)


@pytest.mark.parametrize("rate", [0.5, 100.0])
def test_stopping_a_live_stream_ends_its_thread(rate: float) -> None:
    stream = LiveStream(len, rate=rate, seed=1, tick=0.05)
    stream.start()

    stream.stop(timeout=2.0)

    assert not any(thread.name == "hubbub-live-stream" for thread in threading.enumerate())


def test_a_rate_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="rate must be positive, not 0"):
        next(posts(0))
