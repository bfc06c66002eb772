"""Identity resolution on the hot path: posts of known authors resolved to customers, per second.

    .venv/bin/python benchmarks/identity_resolution.py --customers 100000
    .venv/bin/python benchmarks/identity_resolution.py --customers 100000 \\
        --database postgresql://postgres@127.0.0.1:5432/hubbub_bench_resolution

Seeds one brand with N customers, each with one identity (a quarter of them merged into another
customer, so the root's tier is looked up as in production), then resolves posts of those authors
through `CustomerResolver.resolve_customers` in batches of 2,000, one transaction per batch: first
with an empty cache (cold: identities looked up), then again (warm: the cache knows every identity,
and one primary-key query per 900 authors reads the current tiers). SQLite lives in a temporary
directory; a PostgreSQL database must not exist yet (it is created, then dropped).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import benchmark_database, describe_machine, setup_django

BATCH = 2_000


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--customers", type=int, default=100_000, help="(default: %(default)s)")
    parser.add_argument("--posts", type=int, default=200_000, help="posts per pass (default: %(default)s)")
    parser.add_argument("--database", help="a PostgreSQL URL whose database does not exist yet")
    return parser.parse_args(argv)


def _seed(count: int) -> int:
    from django.db import transaction  # noqa: PLC0415

    from hubbub.core.models import Brand  # noqa: PLC0415
    from hubbub.crm.models import Customer, Identity  # noqa: PLC0415

    brand = Brand.objects.create(slug="bench", name="Bench")
    tiers = ["platinum", "gold", "silver", "bronze"]
    with transaction.atomic():
        Customer.objects.bulk_create(
            [Customer(brand=brand, display_name=f"User {n}", tier=tiers[n % 4]) for n in range(count)],
            batch_size=5_000,
        )
        ids = list(Customer.objects.filter(brand=brand).order_by("id").values_list("id", flat=True))
        Identity.objects.bulk_create(
            [
                Identity(
                    customer_id=cid, brand=brand, network="twitter", external_id=f"u{n}", handle=f"user{n}"
                )
                for n, cid in enumerate(ids)
            ],
            batch_size=5_000,
        )
        # A quarter are merged into their neighbour, so posts carry the root's tier.
        merged = [(ids[n], ids[n + 1]) for n in range(0, len(ids) - 1, 8)] + [
            (ids[n], ids[n + 1]) for n in range(2, len(ids) - 1, 8)
        ]
        rows = [Customer(id=child, merged_into_id=root) for child, root in merged]
        Customer.objects.bulk_update(rows, ["merged_into"], batch_size=5_000)
    return brand.id


def _posts(brand_id: int, customers: int, count: int) -> list[Any]:
    from hubbub.core.posts import Post  # noqa: PLC0415

    rng = random.Random(1)  # noqa: S311 (a seeded benchmark, not security)
    when = datetime(2026, 12, 1, tzinfo=UTC)
    return [
        Post("twitter", f"p{n}", f"u{author}", "hi", when, author_handle=f"user{author}", brand_id=brand_id)
        for n, author in enumerate(rng.randrange(customers) for _ in range(count))
    ]


def _pass(resolver: Any, posts: list[Any]) -> float:
    from django.db import transaction  # noqa: PLC0415

    started = time.perf_counter()
    for start in range(0, len(posts), BATCH):
        with transaction.atomic():
            resolved = resolver.resolve_customers(posts[start : start + BATCH])
    elapsed = time.perf_counter() - started
    assert all(post.customer_id is not None for post in resolved)
    return elapsed


def main(argv: Sequence[str] | None = None) -> None:
    """Seed customers, resolve posts cold then warm, print posts per second."""
    args = _parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="hubbub-bench-") as tmp,
        benchmark_database(args.database, Path(tmp)) as url,
    ):
        setup_django(Path(tmp), url)
        from django.db import connections  # noqa: PLC0415

        from hubbub.crm.models import Customer, Identity  # noqa: PLC0415
        from hubbub.crm.resolution import CustomerResolver  # noqa: PLC0415

        started = time.perf_counter()
        brand_id = _seed(args.customers)
        print(f"machine: {describe_machine()}")  # noqa: T201
        print(f"seeded {args.customers:,} customers in {time.perf_counter() - started:.1f} s")  # noqa: T201
        posts = _posts(brand_id, args.customers, args.posts)
        resolver = CustomerResolver()
        for label in ("cold (empty cache)", "warm", "warm again"):
            elapsed = _pass(resolver, posts)
            rate = len(posts) / elapsed
            print(f"{label:<20} {len(posts):,} posts in {elapsed:.2f} s = {rate:,.0f} posts/s")  # noqa: T201
        assert Customer.objects.count() == Identity.objects.count() == args.customers
        connections.close_all()


if __name__ == "__main__":
    main()
