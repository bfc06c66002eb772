"""`hubbub storm --brand SLUG`: a simulated Twitter storm against a brand, fed to the pipeline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hubbub.channels.simulator import DEMO_SCENARIO, BrandScript
from hubbub.channels.storm import storm_issue, storm_posts
from hubbub.core.models import Brand, BrandAccount
from hubbub.core.networks import Network
from hubbub.core.posts import Post, evolve
from hubbub.pipeline.runner import BatchResult
from hubbub.pipeline.stages import batched
from hubbub.runtime.assembly import build_pipeline
from hubbub.runtime.terminal import DocumentedCommand, raw_stream

DESCRIPTION = """\
Simulate a Twitter storm against a brand and feed it to the pipeline, in micro-batches: many
distinct authors (some with large followings), mostly angry posts about one issue and the brand's
hashtag, retweets, copy-pasted calls to join in, a few defenders, and a small share of posts
delivered twice (dropped as duplicates). The storm rises, peaks and decays.

With --rate R the storm lasts POSTS / R seconds and each post is delivered when it is published
(R posts per second on average, two and a half times that at the peak). The wall (/wall/) shows a
volume spike on the issue's topic once the storm's first minute has ended, and a negative-share
spike too where the topic had a baseline: 20 posts in the hour before the last five minutes (a
demo that has run for ten minutes has it). With --rate 0 the posts go in as fast as the pipeline
takes them, published over the last four minutes.

The same --seed gives the same storm, so running it again stores nothing new; without --seed
every run is a new storm. Brands of the demo scenario storm about their own products and hashtag
(acme: #acmefail); any other brand storms about an outage with #<slug>fail.

Exit status: 0 when the storm was fed, 1 on an unknown brand or a bad option.
"""

EXAMPLES = """\
examples:
  hubbub storm --brand acme --posts 20000 --rate 50
  hubbub storm --brand acme --posts 50000 --rate 0 --seed 7

"""

DEFAULT_RATE = 50.0
# At --rate 0 the storm has already happened: published over the last minutes, inside the window
# spike detection reads (hubbub/metrics/spikes.py: five minutes).
REPLAYED_SECONDS = 240.0
# A paced storm delivers what has come due at most this often: small transactions, not one per post.
TICK_SECONDS = 0.5
Sleep = Callable[[float], None]


@dataclass(slots=True)
class StormReport:
    """What the pipeline did with the storm."""

    posts: int = 0
    stored: int = 0
    duplicates: int = 0
    unassigned: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def rate(self) -> float:
        """Posts taken per second."""
        return self.posts / self.seconds if self.seconds > 0 else 0.0

    def add(self, result: BatchResult) -> None:
        """Count one processed batch."""
        self.posts += result.received
        self.stored += result.stored
        self.duplicates += result.already_stored
        self.unassigned += result.unassigned


class Command(DocumentedCommand):
    help = DESCRIPTION
    examples = EXAMPLES

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--brand", metavar="SLUG", required=True, help="the brand under attack")
        parser.add_argument(
            "--posts", type=int, default=20_000, help="posts in the storm (default: %(default)s)"
        )
        parser.add_argument(
            "--rate",
            type=float,
            default=DEFAULT_RATE,
            help="average posts per second, 0 for as fast as the pipeline goes (default: %(default)s)",
        )
        parser.add_argument("--seed", type=int, help="seed of the storm (default: the clock, a new storm)")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=settings.HUBBUB_BATCH_SIZE,
            help="most posts per micro-batch and transaction (default: HUBBUB_BATCH_SIZE, %(default)s)",
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        count, rate, batch_size = options["posts"], options["rate"], options["batch_size"]
        if count < 1 or rate < 0 or batch_size < 1:
            raise CommandError("--posts and --batch-size must be at least 1, --rate at least 0")
        brand = _brand(options["brand"])
        script = storm_script(brand)
        seed = options["seed"] if options["seed"] is not None else time.time_ns() // 1_000_000
        seconds = count / rate if rate else REPLAYED_SECONDS
        start = timezone.now() - (timedelta(0) if rate else timedelta(seconds=seconds))
        posts = (
            evolve(post, brand_id=brand.id)
            for post in storm_posts(script, count, seed=seed, start=start, seconds=seconds)
        )
        batches = due_batches(posts, start=start, paced=rate > 0, batch_size=batch_size)
        err = Console(file=raw_stream(self.stderr), highlight=False, soft_wrap=True)
        report = self._feed(batches, count, err)
        self._summarise(report, script, seed, start, seconds)

    def _feed(self, batches: Iterable[list[Post]], count: int, err: Console) -> StormReport:
        progress = Progress(
            TextColumn("storming"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("posts · {task.fields[rate]:,.0f}/s · {task.fields[stored]:,} stored"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        pipeline = build_pipeline()
        report = StormReport()
        started = time.perf_counter()
        with progress:
            task = progress.add_task("storm", total=count, rate=0.0, stored=0)
            try:
                for batch in batches:
                    report.add(pipeline.process(batch))
                    report.seconds = time.perf_counter() - started
                    progress.update(task, completed=report.posts, rate=report.rate, stored=report.stored)
            except KeyboardInterrupt:
                # Ctrl-C ends a long paced storm: the batches stored so far stay, and are summed up.
                report.interrupted = True
        return report

    def _summarise(
        self, report: StormReport, script: BrandScript, seed: int, start: datetime, seconds: float
    ) -> None:
        end = start + timedelta(seconds=seconds)
        lines = [
            f"storm               {script.fail_tag} about {storm_issue(script)!r}, seed {seed}",
            f"against             {script.name}",
            f"published           {start:%H:%M:%S} to {end:%H:%M:%S} UTC ({seconds:,.0f} s)",
            f"posts               {report.posts:>10,}",
            f"stored new          {report.stored:>10,}",
            f"duplicates dropped  {report.duplicates:>10,}",
            f"not about the brand {report.unassigned:>10,}",
            f"rate                {report.rate:>10,.0f} posts/s ({report.seconds:.2f} s)",
        ]
        if report.interrupted:
            lines.append(f"interrupted         the same --seed {seed} again stores the rest")
        self.stdout.write("\n".join(lines))


def _brand(slug: str) -> Brand:
    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        known = ", ".join(Brand.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"no brand with slug {slug!r} (known brands: {known})")
    return brand


def storm_script(brand: Brand) -> BrandScript:
    """What the storm says about `brand`: the demo scenario's script, or one from its X account."""
    for script in DEMO_SCENARIO.brands:
        if script.slug == brand.slug:
            return script
    handles = BrandAccount.objects.filter(brand=brand, network=Network.TWITTER).values_list(
        "handle", flat=True
    )
    handle = next(iter(handles.order_by("id")), "")
    accounts = ((str(Network.TWITTER), handle),) if handle else ()
    return BrandScript(brand.slug, brand.name, accounts, (), (), ("outage",), f"#{brand.slug}fail")


def due_batches(
    posts: Iterable[Post],
    *,
    start: datetime,
    paced: bool,
    batch_size: int,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = time.sleep,
) -> Iterator[list[Post]]:
    """Batches of posts, each delivered once its posts are published (all at once when not paced)."""
    if not paced:
        yield from batched(posts, batch_size)
        return
    began = clock()
    batch: list[Post] = []
    for post in posts:
        wait = (post.created_at - start).total_seconds() - (clock() - began)
        if wait > 0 and batch:
            yield batch
            batch = []
            wait = (post.created_at - start).total_seconds() - (clock() - began)
        if wait > 0:
            sleep(max(wait, TICK_SECONDS))
        batch.append(post)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch
