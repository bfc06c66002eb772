"""Throughput of the whole in-process pipeline, and where its time goes, stage by stage.

    .venv/bin/python benchmarks/pipeline_throughput.py --posts 100000
    .venv/bin/python benchmarks/pipeline_throughput.py --posts 100000 \\
        --database postgresql://postgres@127.0.0.1:5432/hubbub_bench

Posts come from the seeded simulator (the demo stream), run through `build_pipeline()` in batches of
HUBBUB_BATCH_SIZE on a fresh database with the demo configuration seeded: SQLite in a temporary
directory, or a PostgreSQL database that must not exist yet (it is created, then dropped).
Results and the commands that produced them are kept in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import benchmark_database, describe_machine, setup_django

F = TypeVar("F", bound=Callable[..., Any])


class StageClock:
    """Seconds spent in each wrapped callable, by name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, name: str, function: F) -> F:
        """`function`, timed under `name`."""
        self.seconds[name] = 0.0

        def timed(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args)
            finally:
                self.seconds[name] += time.perf_counter() - started

        return timed  # type: ignore[return-value]


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000, help="posts to generate (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, help="posts per batch (default: HUBBUB_BATCH_SIZE)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulator (default: %(default)s)")
    parser.add_argument("--database", help="a PostgreSQL URL whose database does not exist yet")
    return parser.parse_args(argv)


def _setup_django(var_dir: Path, database_url: str) -> None:
    setup_django(var_dir, database_url)
    from django.conf import settings  # noqa: PLC0415

    from hubbub.runtime.demo_data import seed_demo_data  # noqa: PLC0415

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding, not measured
    seed_demo_data()


def _run(posts: list[Any], batch_size: int) -> tuple[float, StageClock, list[Any]]:
    from hubbub.pipeline.runner import Pipeline  # noqa: PLC0415
    from hubbub.pipeline.stages import batched  # noqa: PLC0415
    from hubbub.runtime.assembly import build_pipeline  # noqa: PLC0415

    clock = StageClock()
    plain = build_pipeline()
    stages = [clock.wrap(getattr(s, "__qualname__", repr(s)), s) for s in plain.stages]
    pipeline = Pipeline(stages, clock.wrap("write_posts (store)", plain.writer))
    results = []
    started = time.perf_counter()
    for batch in batched(posts, batch_size):
        results.append(pipeline.process(batch))
    return time.perf_counter() - started, clock, results


def _report(title: str, count: int, elapsed: float, clock: StageClock, results: list[Any]) -> None:
    stored = sum(r.stored for r in results)
    unassigned = sum(r.unassigned for r in results)
    print(f"\n{title}: {count:,} posts in {elapsed:.2f} s = {count / elapsed:,.0f} posts/s")  # noqa: T201
    already = count - stored - unassigned
    print(f"  stored {stored:,}, not about any brand {unassigned:,}, already stored {already:,}")  # noqa: T201
    print(f"  {'stage':<36} {'seconds':>8} {'share':>7} {'posts/s alone':>14}")  # noqa: T201
    overhead = elapsed - sum(clock.seconds.values())
    for name, seconds in [*clock.seconds.items(), ("transaction, batching (rest)", overhead)]:
        alone = f"{count / seconds:,.0f}" if seconds >= 0.01 else "-"
        print(f"  {name:<36} {seconds:>8.2f} {seconds / elapsed:>7.1%} {alone:>14}")  # noqa: T201


def main(argv: Sequence[str] | None = None) -> None:
    """Generate posts, run them through the pipeline twice (new, then replayed), print the figures."""
    args = _parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="hubbub-bench-") as tmp,
        benchmark_database(args.database, Path(tmp)) as url,
    ):
        _setup_django(Path(tmp), url)
        from django.conf import settings  # noqa: PLC0415
        from django.db import connections  # noqa: PLC0415

        from hubbub.channels.simulator import posts  # noqa: PLC0415

        batch_size = args.batch_size or settings.HUBBUB_BATCH_SIZE
        started = time.perf_counter()
        generated = list(islice(posts(rate=1000.0, seed=args.seed), args.posts))
        generating = time.perf_counter() - started
        print(f"machine: {describe_machine()}; batch size {batch_size:,}")  # noqa: T201
        print(f"generated {len(generated):,} posts in {generating:.2f} s (not counted below)")  # noqa: T201
        _report("new posts", len(generated), *_run(generated, batch_size))
        _report("replayed (all already stored)", len(generated), *_run(generated, batch_size))
        connections.close_all()  # before the throwaway PostgreSQL database is dropped


if __name__ == "__main__":
    main()
