"""Customer search latency on 100,000 customers with identities: name prefix, handle, email, phone.

    .venv/bin/python benchmarks/customer_search.py --customers 100000
    .venv/bin/python benchmarks/customer_search.py --customers 100000 \\
        --database postgresql://postgres@127.0.0.1:5432/hubbub_search_bench

Seeds one brand with seeded random customers (a tenth with accented names), each with an email
address, a phone number and a Twitter identity, into a fresh database: SQLite in a temporary
directory, or a PostgreSQL database that must not exist yet (it is created, then dropped). Then times
`hubbub.crm.queries.search.search_customers` (one page of 50) for queries drawn from the seeded
customers. Results and the commands that produced them are kept in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import benchmark_database, setup_django

FIRST = [
    "Ana",
    "José",
    "Zoë",
    "Björn",
    "Dana",
    "Ömer",
    "Lena",
    "Marc",
    "Chloé",
    "Ivan",
    "Maya",
    "Noah",
    "Sven",
]
LAST = [
    "García",
    "Müller",
    "Smith",
    "Nguyen",
    "Kowalski",
    "Dubois",
    "Rossi",
    "Novák",
    "Jensen",
    "Brown",
    "Silva",
]
SEED_BATCH = 5_000


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--customers", type=int, default=100_000, help="customers to seed (default: %(default)s)"
    )
    parser.add_argument("--queries", type=int, default=200, help="queries per kind (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument("--database", help="a PostgreSQL URL whose database does not exist yet")
    return parser.parse_args(argv)


def _seed(count: int, rng: random.Random) -> tuple[int, list[dict[str, str]]]:
    from hubbub.core.models import Brand  # noqa: PLC0415 (after django.setup)
    from hubbub.core.text import fold  # noqa: PLC0415
    from hubbub.crm.models import Customer, Identity  # noqa: PLC0415

    brand = Brand.objects.create(slug="bench", name="Bench")
    people = []
    for start in range(0, count, SEED_BATCH):
        batch = [_person(number, rng) for number in range(start, min(start + SEED_BATCH, count))]
        customers = Customer.objects.bulk_create(
            # bulk_create skips Customer.save(), which keeps search_name: fold it here.
            Customer(
                brand=brand,
                display_name=p["name"],
                search_name=fold(p["name"]),
                email=p["email"],
                phone=p["phone"],
            )
            for p in batch
        )
        Identity.objects.bulk_create(
            Identity(
                customer=customer,
                brand=brand,
                network="twitter",
                external_id=f"tw-{p['n']}",
                handle=p["handle"],
            )
            for customer, p in zip(customers, batch, strict=True)
        )
        people += batch
    _analyse()
    return brand.id, people


def _analyse() -> None:
    """Fresh statistics, as autovacuum keeps them in a running database: a bulk load leaves none."""
    from django.db import connection  # noqa: PLC0415 (after django.setup)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _person(number: int, rng: random.Random) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    plain = f"{first}.{last}".encode("ascii", "ignore").decode().lower()
    return {
        "n": str(number),
        "name": f"{first} {last} {number}",
        "email": f"{plain}{number}@example.com",
        "phone": f"+4930{number:08d}",
        "handle": f"{plain.replace('.', '_')}{number}",
    }


def _queries(people: list[dict[str, str]], per_kind: int, rng: random.Random) -> dict[str, list[str]]:
    sample = rng.sample(people, per_kind)
    return {
        "name prefix (e.g. 'José Mül')": [p["name"][: len(p["name"].split()[0]) + 4] for p in sample],
        "name, one customer (folded)": [_folded(p["name"]) for p in sample],
        "name, no match (full scan)": [f"zzq{p['n']}" for p in sample],
        "@handle, exact": [f"@{p['handle']}" for p in sample],
        "email, exact": [p["email"] for p in sample],
        "phone, national format": [f"030 {p['phone'][5:]}" for p in sample],
    }


def _folded(name: str) -> str:
    from hubbub.core.text import fold  # noqa: PLC0415 (after django.setup)

    return fold(name).upper()


def _time(search: Callable[..., Any], brand_id: int, queries: list[str]) -> tuple[float, float, int]:
    timings, found = [], 0
    for query in queries:
        started = time.perf_counter()
        page = search([brand_id], query)
        timings.append((time.perf_counter() - started) * 1000)
        found += bool(page.customers)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], found


def main(argv: Sequence[str] | None = None) -> None:
    args = _parse_args(argv)
    rng = random.Random(args.seed)  # noqa: S311 (seeded test data, not secrets)
    with (
        tempfile.TemporaryDirectory(prefix="hubbub-bench-") as tmp,
        benchmark_database(args.database, Path(tmp)) as url,
    ):
        setup_django(Path(tmp), url)
        from django.db import connection  # noqa: PLC0415

        from hubbub.crm.queries.search import search_customers  # noqa: PLC0415

        started = time.perf_counter()
        brand_id, people = _seed(args.customers, rng)
        seconds = time.perf_counter() - started
        print(f"seeded {len(people):,} customers in {seconds:.1f} s ({connection.vendor})")  # noqa: T201
        print(f"Python {platform.python_version()}, {platform.machine()}")  # noqa: T201
        for label, queries in _queries(people, args.queries, rng).items():
            p50, p95, found = _time(search_customers, brand_id, queries)
            print(f"{label:32} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   found {found}/{len(queries)}")  # noqa: T201
        connection.close()


if __name__ == "__main__":
    main()
