"""The runner: stages in order, one transaction per batch, and what it reports."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hubbub.core.models import PostRecord
from hubbub.core.posts import Post
from hubbub.pipeline.runner import BatchResult, Pipeline
from hubbub.pipeline.snapshots import Snapshot
from hubbub.pipeline.store import write_posts
from hubbub.pipeline.tests.factories import PostFactory


class InjectedError(Exception):
    """A failure the test causes on purpose."""


def test_stages_run_in_order_and_the_writer_gets_their_output(db):
    calls = []
    written = []

    def tag(name):
        def stage(posts):
            calls.append(name)
            return [replace(post, text=f"{post.text}+{name}") for post in posts]

        return stage

    def writer(posts):
        written.extend(posts)
        return len(posts)

    result = Pipeline([tag("one"), tag("two")], writer).process([PostFactory(text="t", brand_id=1)])

    assert calls == ["one", "two"]
    assert [post.text for post in written] == ["t+one+two"]
    assert result == BatchResult(received=1, stored=1, unassigned=0)


def test_a_stage_that_empties_the_batch_stops_it_before_later_stages_and_the_writer(db):
    later = []

    def stage(posts):
        later.append("stage")
        return posts

    def writer(posts):
        later.append("writer")
        return 0

    result = Pipeline([lambda _posts: [], stage], writer).process(PostFactory.build_batch(3))

    assert result == BatchResult(received=3, stored=0, unassigned=0)
    assert result.already_stored == 3
    assert later == []


def test_the_result_counts_posts_without_a_brand_as_unassigned(db):
    posts: list[Post] = [PostFactory(brand_id=1), PostFactory(brand_id=None), PostFactory(brand_id=None)]

    result = Pipeline([], lambda _posts: 1).process(posts)

    assert result == BatchResult(received=3, stored=1, unassigned=2)
    assert result.already_stored == 0


def test_already_stored_is_what_was_neither_stored_nor_unassigned():
    assert BatchResult(received=10, stored=6, unassigned=1).already_stored == 3


def test_a_writer_that_fails_after_writing_leaves_nothing_stored(brand_a):
    def write_then_fail(posts):
        write_posts(posts)
        raise InjectedError

    with pytest.raises(InjectedError):
        Pipeline([], write_then_fail).process(PostFactory.build_batch(2, brand_id=brand_a.id))

    assert PostRecord.objects.count() == 0


class CountingLoader:
    """Returns how many times it has been called."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_snapshot_loads_once_while_fresh():
    load = CountingLoader()
    snapshot = Snapshot(load, max_age=3600)

    assert (snapshot.get(), snapshot.get()) == (1, 1)
    assert load.calls == 1


def test_an_invalidated_snapshot_reloads_on_the_next_get():
    snapshot = Snapshot(CountingLoader(), max_age=3600)
    snapshot.get()

    snapshot.invalidate()

    assert snapshot.get() == 2


def test_a_snapshot_older_than_its_max_age_reloads():
    snapshot = Snapshot(CountingLoader(), max_age=-1)

    assert (snapshot.get(), snapshot.get()) == (1, 2)
