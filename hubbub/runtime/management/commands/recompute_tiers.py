"""`hubbub recompute_tiers`: every customer's tier again, e.g. nightly, as tenure and 12-month spend move."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from hubbub.core.models import Brand
from hubbub.crm.actions.tiers import recompute_brand_tiers
from hubbub.crm.models import Customer


class Command(BaseCommand):
    help = (
        "Recompute the tier of every customer group of one brand or all brands, by the brand's tier rules. "
        "Tiers follow purchases, invoices, merges and rule changes at once; run this daily too, since "
        "tenure grows and the 12-month spend window moves by themselves."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--brand", metavar="SLUG", help="only this brand (default: every brand)")

    def handle(self, *_args: Any, **options: Any) -> None:
        brands = Brand.objects.order_by("slug")
        if options["brand"]:
            brands = brands.filter(slug=options["brand"])
            if not brands.exists():
                raise CommandError(f"no brand with the slug {options['brand']!r}")
        console = Console(stderr=True)
        total = Customer.objects.filter(brand__in=brands, merged_into=None).count()
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("recomputing tiers", total=total)
            done = sum(
                recompute_brand_tiers(brand.id, on_progress=lambda n: progress.advance(task, n))
                for brand in brands
            )
        self.stdout.write(f"recomputed the tiers of {done:,} customer groups")
