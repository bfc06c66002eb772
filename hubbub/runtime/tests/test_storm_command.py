"""`hubbub storm`: a seeded storm stored once, paced by its shape, and spotted by spike detection."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from hubbub.channels.simulator import DEMO_SCENARIO, posts
from hubbub.channels.storm import storm_posts
from hubbub.core.models import Brand, PostRecord
from hubbub.core.posts import Post
from hubbub.core.tests.factories import BrandAccountFactory, BrandFactory
from hubbub.metrics.actions import detect_spikes
from hubbub.metrics.models import SpikeAlert
from hubbub.pipeline.stages import batched
from hubbub.runtime.assembly import build_pipeline
from hubbub.runtime.demo_data import seed_demo_data
from hubbub.runtime.management.commands.storm import due_batches

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, 30, tzinfo=UTC)
ACME = DEMO_SCENARIO.brands[0]


def storm(*args: Any) -> str:
    out = StringIO()
    call_command("storm", *[str(arg) for arg in args], stdout=out, stderr=StringIO())
    return out.getvalue()


def summary(out: str) -> dict[str, int]:
    """The summary's counts by label ("stored new": 196, ...)."""
    counts = {}
    for line in out.splitlines():
        if match := re.match(r"([a-z ]+?) +([\d,]+)$", line):
            counts[match[1]] = int(match[2].replace(",", ""))
    return counts


def distinct_ids(count: int, seed: int) -> int:
    return len({post.external_id for post in storm_posts(ACME, count, seed=seed, start=NOW, seconds=60)})


def test_a_storm_stores_its_posts_for_the_brand_and_drops_the_redelivered_ones(brand_a: Brand) -> None:
    stored = distinct_ids(300, seed=7)

    out = storm("--brand", "acme", "--posts", 300, "--rate", 0, "--seed", 7)

    assert summary(out) == {
        "posts": 300, "stored new": stored, "duplicates dropped": 300 - stored, "not about the brand": 0,
    }  # fmt: skip
    assert 280 < stored < 300
    assert "storm               #acmefail about 'outage', seed 7\nagainst             Acme Mobile\n" in out
    rows = PostRecord.objects.all()
    assert rows.count() == stored
    assert set(rows.values_list("brand_id", "network")) == {(brand_a.id, "twitter")}
    assert rows.filter(text__contains="#acmefail").count() > 0.9 * stored


def test_a_rerun_with_the_same_seed_stores_nothing_new(brand_a: Brand) -> None:
    storm("--brand", "acme", "--posts", 200, "--rate", 0, "--seed", 3)
    before = sorted(PostRecord.objects.values_list("external_id", flat=True))

    out = storm("--brand", "acme", "--posts", 200, "--rate", 0, "--seed", 3)

    assert summary(out) == {
        "posts": 200,
        "stored new": 0,
        "duplicates dropped": 200,
        "not about the brand": 0,
    }
    assert sorted(PostRecord.objects.values_list("external_id", flat=True)) == before


def test_a_storm_with_another_seed_stores_new_posts(brand_a: Brand) -> None:
    storm("--brand", "acme", "--posts", 100, "--rate", 0, "--seed", 1)

    out = storm("--brand", "acme", "--posts", 100, "--rate", 0, "--seed", 2)

    assert summary(out)["stored new"] == distinct_ids(100, seed=2)
    assert PostRecord.objects.count() == distinct_ids(100, seed=1) + distinct_ids(100, seed=2)


def test_without_a_seed_every_run_is_a_new_storm(brand_a: Brand) -> None:
    first = summary(storm("--brand", "acme", "--posts", 50, "--rate", 0))["stored new"]
    second = summary(storm("--brand", "acme", "--posts", 50, "--rate", 0))["stored new"]

    assert PostRecord.objects.count() == first + second
    assert first > 40
    assert second > 40


def test_a_paced_storm_stores_every_post_in_several_batches(brand_a: Brand) -> None:
    out = storm("--brand", "acme", "--posts", 60, "--rate", 300, "--seed", 5, "--batch-size", 10)

    assert summary(out)["stored new"] == PostRecord.objects.count() == distinct_ids(60, seed=5)
    assert "(0 s)" in out  # published over 60 / 300 of a second


def test_a_brand_outside_the_demo_storms_about_an_outage_at_its_x_account() -> None:
    brand = BrandFactory(slug="initech", name="Initech")
    BrandAccountFactory(brand=brand, network="twitter", handle="initechhelp")

    out = storm("--brand", "initech", "--posts", 80, "--rate", 0, "--seed", 1)

    assert "#initechfail about 'outage', seed 1\nagainst             Initech\n" in out
    texts = list(PostRecord.objects.values_list("text", flat=True))
    assert len(texts) == summary(out)["stored new"] > 70
    assert all("@initechhelp" in text or "Initech" in text for text in texts)
    assert sum("#initechfail" in text for text in texts) > 70


def test_an_unknown_brand_is_refused_with_the_known_ones(brand_a: Brand, brand_b: Brand) -> None:
    with pytest.raises(CommandError, match=r"no brand with slug 'nope' \(known brands: acme, globex\)"):
        storm("--brand", "nope", "--posts", 10, "--rate", 0)

    assert PostRecord.objects.count() == 0


@pytest.mark.parametrize(("option", "value"), [("--posts", 0), ("--rate", -1), ("--batch-size", 0)])
def test_bad_numbers_are_refused(brand_a: Brand, option: str, value: int) -> None:
    with pytest.raises(CommandError, match="must be at least"):
        storm("--brand", "acme", "--posts", 10, option, value)

    assert PostRecord.objects.count() == 0


def test_the_help_describes_the_storm_and_gives_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command("storm", "--help")

    help_text = capsys.readouterr().out
    assert "Simulate a Twitter storm against a brand and feed it to the pipeline" in help_text
    assert "With --rate R the storm lasts POSTS / R seconds" in help_text
    assert "examples:\n  hubbub storm --brand acme --posts 20000 --rate 50\n" in help_text


def test_paced_batches_wait_for_their_posts_to_be_published() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    due = [0.0, 0.1, 0.2, 1.0, 1.1, 3.0, 0.5]  # the last one a late redelivery of an earlier post
    stream = [Post("twitter", str(n), "a", "t", start + timedelta(seconds=s)) for n, s in enumerate(due)]
    elapsed = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        elapsed[0] += seconds

    batches = due_batches(
        stream, start=start, paced=True, batch_size=2, clock=lambda: elapsed[0], sleep=sleep
    )

    delivered = [[post.external_id for post in batch] for batch in batches]
    # What is due goes at once; then a wait of at least a tick gathers the posts due meanwhile.
    assert delivered == [["0"], ["1", "2"], ["3"], ["4"], ["5", "6"]]
    assert slept == [0.5, 0.5, 0.5, 1.5]


def test_unpaced_batches_are_full_batches() -> None:
    stream = list(storm_posts(ACME, 25, seed=1, start=NOW, seconds=60))

    batches = list(due_batches(stream, start=NOW, paced=False, batch_size=10))

    assert [len(batch) for batch in batches] == [10, 10, 5]


def test_a_storm_over_the_demo_stream_raises_volume_and_negative_share_alerts(
    settings: Settings, tmp_path: Path, time_machine: Any
) -> None:
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    time_machine.move_to(NOW, tick=False)
    seed_demo_data()
    # An hour of the demo's ordinary stream (0.5 posts/s) gives the baseline.
    pipeline = build_pipeline()
    for batch in batched(islice(posts(0.5, seed=1, start=NOW - timedelta(minutes=65)), 1950), 500):
        pipeline.process(batch)
    assert detect_spikes(NOW).open_now == 0

    storm("--brand", "acme", "--posts", 1500, "--rate", 0, "--seed", 1)
    detect_spikes(NOW)

    alerts = set(SpikeAlert.objects.filter(closed_at=None).values_list("brand__slug", "topic_name", "kind"))
    assert {("acme", "Service issues", "volume"), ("acme", "Service issues", "negative")} <= alerts
    assert all(brand == "acme" for brand, _topic, _kind in alerts)
