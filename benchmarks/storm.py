"""Throughput of the whole pipeline under a Twitter storm, and where its time goes, stage by stage.

    .venv/bin/python benchmarks/storm.py --posts 50000
    .venv/bin/python benchmarks/storm.py --posts 50000 \\
        --database postgresql://postgres@127.0.0.1:5432/hubbub_storm_bench

Posts come from the seeded storm generator (`hubbub/channels/storm.py`: one brand, one issue, many
authors, retweets, a few redelivered posts), published over the last four minutes as
`hubbub storm --rate 0` does, so the topic counters count them. They run through `build_pipeline()`
in batches of HUBBUB_BATCH_SIZE on a fresh database with the demo configuration seeded, first as
new posts, then again (all already stored). SQLite in a temporary directory, or a PostgreSQL
database that must not exist yet (it is created, then dropped). Results and the commands that
produced them are kept in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import benchmark_database, describe_machine
from benchmarks.pipeline_throughput import _report, _run, _setup_django

SPAN_SECONDS = 240.0


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=50_000, help="posts in the storm (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, help="posts per batch (default: HUBBUB_BATCH_SIZE)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the storm (default: %(default)s)")
    parser.add_argument("--brand", default="acme", help="slug of the demo brand under attack (default: acme)")
    parser.add_argument("--database", help="a PostgreSQL URL whose database does not exist yet")
    return parser.parse_args(argv)


def _storm(slug: str, count: int, seed: int) -> list[Any]:
    from django.utils import timezone  # noqa: PLC0415

    from hubbub.channels.storm import storm_posts  # noqa: PLC0415
    from hubbub.core.models import Brand  # noqa: PLC0415
    from hubbub.core.posts import evolve  # noqa: PLC0415
    from hubbub.runtime.management.commands.storm import storm_script  # noqa: PLC0415

    brand = Brand.objects.get(slug=slug)
    start = timezone.now() - timedelta(seconds=SPAN_SECONDS)
    posts = storm_posts(storm_script(brand), count, seed=seed, start=start, seconds=SPAN_SECONDS)
    return [evolve(post, brand_id=brand.id) for post in posts]


def main(argv: Sequence[str] | None = None) -> None:
    """Generate a storm, run it through the pipeline twice (new, then replayed), print the figures."""
    args = _parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="hubbub-bench-") as tmp,
        benchmark_database(args.database, Path(tmp)) as url,
    ):
        _setup_django(Path(tmp), url)
        from django.conf import settings  # noqa: PLC0415
        from django.db import connections  # noqa: PLC0415

        batch_size = args.batch_size or settings.HUBBUB_BATCH_SIZE
        started = time.perf_counter()
        storm = _storm(args.brand, args.posts, args.seed)
        generating = time.perf_counter() - started
        distinct = len({post.external_id for post in storm})
        print(f"machine: {describe_machine()}; batch size {batch_size:,}")  # noqa: T201
        print(  # noqa: T201
            f"generated a storm of {len(storm):,} posts ({len(storm) - distinct:,} redelivered) "
            f"in {generating:.2f} s (not counted below)"
        )
        _report("storm, new posts", len(storm), *_run(storm, batch_size))
        _report("storm replayed (all already stored)", len(storm), *_run(storm, batch_size))
        connections.close_all()  # before the throwaway PostgreSQL database is dropped


if __name__ == "__main__":
    main()
