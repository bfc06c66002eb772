"""The cost of spike detection: counting on the hot path, and a detection pass over many topics.

    .venv/bin/python benchmarks/spike_detection.py
    .venv/bin/python benchmarks/spike_detection.py --topics 1000 --batches 50 \\
        --database postgresql://postgres@127.0.0.1:5432/hubbub_spike_bench

1. Counting: `metrics.stage.count_topic_posts` on batches of --batch-size posts that already
   carry a brand, one or two of --topics topics and a sentiment (a third negative), published over
   the last minutes, each batch in its own transaction as in the pipeline. The timer covers the
   stage alone: tallying and the one upsert.
2. Detection: --topics topics with an hour and five minutes of per-minute counters (each minute
   counted), a fiftieth of them bursting in the last five minutes; `metrics.actions.detect_spikes`
   timed for the first pass (opens the alerts) and the passes after it (update them).

A fresh database each run: SQLite in a temporary directory, or a PostgreSQL database that must not
exist yet (it is created, then dropped). Results and their commands go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import benchmark_database, describe_machine, setup_django

BRANDS = 10
PASSES = 10


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--topics", type=int, default=1000, help="topics (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=2000, help="posts per batch (default: %(default)s)")
    parser.add_argument("--batches", type=int, default=50, help="batches counted (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random data (default: %(default)s)")
    parser.add_argument("--database", help="a PostgreSQL URL whose database does not exist yet")
    return parser.parse_args(argv)


def _seed_topics(count: int) -> list[tuple[int, int]]:
    """(brand id, topic id) of `count` topics spread over BRANDS brands."""
    from hubbub.core.models import Brand  # noqa: PLC0415
    from hubbub.listening.models import Topic  # noqa: PLC0415

    brands = Brand.objects.bulk_create([Brand(slug=f"brand-{n}", name=f"Brand {n}") for n in range(BRANDS)])
    topics = Topic.objects.bulk_create(
        [Topic(brand=brands[n % BRANDS], name=f"Topic {n}") for n in range(count)]
    )
    return [(topic.brand_id, topic.id) for topic in topics]


def _batches(topics: list[tuple[int, int]], args: argparse.Namespace, rng: random.Random) -> list[list[Any]]:
    from django.utils import timezone  # noqa: PLC0415

    from hubbub.core.posts import Post  # noqa: PLC0415

    now = timezone.now()
    by_brand: dict[int, list[int]] = {}
    for brand_id, topic_id in topics:
        by_brand.setdefault(brand_id, []).append(topic_id)
    batches = []
    for batch in range(args.batches):
        posts = []
        for n in range(args.batch_size):
            brand_id, topic_id = rng.choice(topics)
            # A fifth of the posts mention a second topic of the same brand.
            extra = {rng.choice(by_brand[brand_id])} if rng.random() < 0.2 else set()
            posts.append(
                Post(
                    network="twitter",
                    external_id=f"{batch}-{n}",
                    author_id=f"a{n}",
                    text="",
                    created_at=now - timedelta(seconds=rng.randrange(300)),
                    brand_id=brand_id,
                    topic_ids=frozenset({topic_id, *extra}),
                    sentiment="negative" if rng.random() < 1 / 3 else "neutral",
                )
            )
        batches.append(posts)
    return batches


def _time_counting(batches: list[list[Any]]) -> list[float]:
    from django.db import transaction  # noqa: PLC0415

    from hubbub.metrics.stage import count_topic_posts  # noqa: PLC0415

    seconds = []
    for batch in batches:
        with transaction.atomic():
            started = time.perf_counter()
            count_topic_posts(batch)
            seconds.append(time.perf_counter() - started)
    return seconds


def _seed_hour(topics: list[tuple[int, int]], rng: random.Random) -> tuple[int, int]:
    """65 minutes of counters for every topic; returns the minute they end and how many topics burst."""
    from django.utils import timezone  # noqa: PLC0415

    from hubbub.metrics.minutes import epoch_minute  # noqa: PLC0415
    from hubbub.metrics.models import TopicMinute  # noqa: PLC0415

    TopicMinute.objects.all().delete()
    end = epoch_minute(timezone.now())
    bursting = {topic_id for _brand, topic_id in topics[::50]}
    rows = []
    for brand_id, topic_id in topics:
        for minute in range(end - 65, end):
            posts = rng.randrange(1, 6) + (30 if topic_id in bursting and minute >= end - 5 else 0)
            rows.append(
                TopicMinute(
                    brand_id=brand_id, topic_id=topic_id, minute=minute, posts=posts, negative=posts // 4
                )
            )
    TopicMinute.objects.bulk_create(rows, batch_size=5000)
    return end, len(bursting)


def _time_detection(end: int) -> tuple[float, list[float], Any]:
    from hubbub.metrics.actions import detect_spikes  # noqa: PLC0415
    from hubbub.metrics.minutes import start_of_minute  # noqa: PLC0415

    # Every pass looks at the same windows, whenever the minute turns while the benchmark runs.
    now = start_of_minute(end) + timedelta(seconds=1)
    started = time.perf_counter()
    first = detect_spikes(now)
    first_seconds = time.perf_counter() - started
    later = []
    for _ in range(PASSES):
        started = time.perf_counter()
        detect_spikes(now)
        later.append(time.perf_counter() - started)
    return first_seconds, later, first


def main(argv: Sequence[str] | None = None) -> None:
    """Seed topics, time the counting stage per batch and a detection pass, print the figures."""
    args = _parse_args(argv)
    rng = random.Random(args.seed)  # noqa: S311 (seeded test data, not secrets)
    with (
        tempfile.TemporaryDirectory(prefix="hubbub-bench-") as tmp,
        benchmark_database(args.database, Path(tmp)) as url,
    ):
        setup_django(Path(tmp), url)
        from django.db import connections  # noqa: PLC0415

        topics = _seed_topics(args.topics)
        print(f"machine: {describe_machine()}")  # noqa: T201
        counting = _time_counting(_batches(topics, args, rng))
        per_post = statistics.median(counting) / args.batch_size * 1e6
        print(  # noqa: T201
            f"counting: {args.batches} batches of {args.batch_size:,} posts over {args.topics:,} topics: "
            f"median {statistics.median(counting) * 1000:.1f} ms a batch ({per_post:.2f} µs a post), "
            f"max {max(counting) * 1000:.1f} ms"
        )
        end, bursting = _seed_hour(topics, rng)
        first, later, report = _time_detection(end)
        print(  # noqa: T201
            f"detection: {args.topics:,} topics with 65 minutes of counters, {bursting} bursting: "
            f"first pass {first * 1000:.0f} ms ({report.opened} alerts opened), "
            f"next {PASSES} passes median {statistics.median(later) * 1000:.0f} ms"
        )
        connections.close_all()  # before the throwaway PostgreSQL database is dropped


if __name__ == "__main__":
    main()
