"""`hubbub import_crm customers|products|purchases FILE --brand SLUG`: CRM data from a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from hubbub.channels.replay.rows import Rejected
from hubbub.core.models import Brand
from hubbub.crm.actions.importing import ImportKind, ImportReport, import_csv
from hubbub.runtime.ingestion import count_lines
from hubbub.runtime.terminal import (
    SHOWN_REJECTS,
    DocumentedCommand,
    RejectReporter,
    add_rejects_argument,
    raw_stream,
    rejects_path,
)

DESCRIPTION = """\
Import customers, products or purchases of one brand from a CSV file with a header row.

customers: name, and reference or email (the keys), phone, language, customer_since (YYYY-MM-DD),
  loyalty_level, billing_account, tax_id, payment_method, marketing_consent, network + handle,
  address_line1, address_line2, postcode, city, region, country, and attr_<name> for custom
  attributes. Email, phone and handle become the customer's identities.
products: sku, name, kind (product, service or subscription).
purchases: customer_reference or customer_email, sku, order_number, purchased_on, ends_on,
  quantity, amount, currency, status (active, cancelled or returned).

Rows are upserted by their natural keys, so importing a file again changes nothing. Bad rows are
reported with their line number and written to the rejects file; they never stop the import.
Import products and customers before purchases. The tiers of touched customers are recomputed.

Exit status: 0 when the file was read (even with rejected rows), 1 on a missing file or an
unknown brand.
"""

EXAMPLES = """\
examples:
  hubbub import_crm products products.csv --brand acme
  hubbub import_crm customers customers.csv --brand acme --rejects /tmp/bad-customers.jsonl

"""


class Command(DocumentedCommand):
    help = DESCRIPTION
    examples = EXAMPLES

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[kind.value for kind in ImportKind], help="what the file holds")
        parser.add_argument("file", type=Path, help="the CSV file to read (UTF-8, header row first)")
        parser.add_argument("--brand", metavar="SLUG", required=True, help="the brand the rows belong to")
        add_rejects_argument(parser)

    def handle(self, *_args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        brand = _brand(options["brand"])
        rejects_file = rejects_path(path, options["rejects"])
        err = Console(file=raw_stream(self.stderr), highlight=False, soft_wrap=True)
        report = self._run(ImportKind(options["kind"]), path, brand, err)
        try:
            with rejects_file.open("w", encoding="utf-8") as rejects:
                reporter = RejectReporter(rejects, err)
                for error in report.errors:
                    reporter(Rejected(error.line, error.reason, error.raw))
        except OSError as error:
            raise CommandError(f"cannot write the rejects file: {error}") from None
        self._summarise(report, rejects_file)

    def _run(self, kind: ImportKind, path: Path, brand: Brand, err: Console) -> ImportReport:
        progress = Progress(
            TextColumn(f"importing {kind.value}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("lines"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        with progress, path.open(encoding="utf-8-sig", newline="") as lines:
            task = progress.add_task("import", total=count_lines(path))
            return import_csv(
                kind, lines, brand, on_progress=lambda line: progress.update(task, completed=line)
            )

    def _summarise(self, report: ImportReport, rejects_file: Path) -> None:
        if report.rejected > SHOWN_REJECTS:
            self.stderr.write(
                f"... and {report.rejected - SHOWN_REJECTS:,} more rejected rows, see {rejects_file}"
            )
        lines = [
            f"read       {report.read:>10,}",
            f"created    {report.created:>10,}",
            f"updated    {report.updated:>10,}",
            f"unchanged  {report.unchanged:>10,}",
            f"rejected   {report.rejected:>10,}"
            + (f"  (written to {rejects_file})" if report.rejected else ""),
        ]
        self.stdout.write("\n".join(lines))


def _brand(slug: str) -> Brand:
    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        known = ", ".join(Brand.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"no brand with slug {slug!r} (known brands: {known})")
    return brand
