"""`hubbub ingest FILE`: read posts from a JSONL or CSV file into the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from hubbub.channels.replay.files import FileFormat, guess_format
from hubbub.core.models import Brand
from hubbub.runtime.assembly import build_pipeline
from hubbub.runtime.ingestion import (
    IngestOptions,
    IngestReport,
    count_lines,
    ingest_file,
)
from hubbub.runtime.terminal import (
    SHOWN_REJECTS,
    DocumentedCommand,
    RejectReporter,
    add_rejects_argument,
    raw_stream,
    rejects_path,
)

DESCRIPTION = """\
Read posts from a JSONL or CSV file into the pipeline, in micro-batches.

Rows may use hubbub's layout (network, external_id, author_id, text, created_at, author_handle,
author_name, author_followers, in_reply_to_id, is_inbound) or the customer-support-tweets layout
(tweet_id, author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id).
Each post goes to the brand whose account it mentions or is written by (or to --brand); posts about
no brand are counted, not stored. Bad rows are reported with their line number and written to the
rejects file; they never stop the ingest. Ingesting a file again stores only what is missing, so an
interrupted ingest is resumed by running the same command again.

Exit status: 0 when the file was read (even with rejected rows), 1 on a missing file, an unknown
brand or an unknown format.
"""

EXAMPLES = """\
examples:
  hubbub ingest posts.jsonl
  hubbub ingest twcs.csv --brand acme --batch-size 5000
  hubbub ingest export.txt --format csv --rejects /tmp/bad-rows.jsonl

"""


class Command(DocumentedCommand):
    help = DESCRIPTION
    examples = EXAMPLES

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the JSONL or CSV file to read")
        parser.add_argument(
            "--format",
            choices=[f.value for f in FileFormat],
            help="the file's format (default: from its extension: .jsonl/.ndjson/.json or .csv)",
        )
        parser.add_argument("--brand", metavar="SLUG", help="assign every row to this brand")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=settings.HUBBUB_BATCH_SIZE,
            help="posts per micro-batch and transaction (default: HUBBUB_BATCH_SIZE, %(default)s)",
        )
        add_rejects_argument(parser)

    def handle(self, *_args: Any, **options: Any) -> None:
        path: Path = options["file"]
        ingest_options = self._options(path, options)
        rejects_file = rejects_path(path, options["rejects"])
        err = Console(file=raw_stream(self.stderr), highlight=False, soft_wrap=True)
        try:
            rejects = rejects_file.open("w", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write the rejects file: {error}") from None
        with rejects:
            report = self._run(path, ingest_options, err, RejectReporter(rejects, err))
        self._summarise(report, rejects_file)

    def _options(self, path: Path, options: dict[str, Any]) -> IngestOptions:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            file_format = FileFormat(options["format"]) if options["format"] else guess_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from None
        brand_id = None
        if options["brand"]:
            brand_id = Brand.objects.filter(slug=options["brand"]).values_list("id", flat=True).first()
            if brand_id is None:
                known = ", ".join(Brand.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"no brand with slug {options['brand']!r} (known brands: {known})")
        return IngestOptions(file_format=file_format, batch_size=options["batch_size"], brand_id=brand_id)

    def _run(
        self, path: Path, options: IngestOptions, err: Console, on_reject: RejectReporter
    ) -> IngestReport:
        progress = Progress(
            TextColumn("ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("lines"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        with progress:
            task = progress.add_task("ingest", total=count_lines(path))
            return ingest_file(
                path,
                options,
                build_pipeline(),
                on_reject=on_reject,
                on_progress=lambda line: progress.update(task, completed=line),
            )

    def _summarise(self, report: IngestReport, rejects_file: Path) -> None:
        if report.rejected > SHOWN_REJECTS:
            self.stderr.write(
                f"... and {report.rejected - SHOWN_REJECTS:,} more rejected rows, see {rejects_file}"
            )
        lines = [
            f"read                 {report.read:>10,}",
            f"stored new           {report.stored:>10,}",
            f"already stored       {report.already_stored:>10,}",
            f"not about any brand  {report.unassigned:>10,}",
            f"rejected             {report.rejected:>10,}"
            + (f"  (written to {rejects_file})" if report.rejected else ""),
            f"rate                 {report.rate:>10,.0f} posts/s ({report.seconds:.2f} s)",
        ]
        self.stdout.write("\n".join(lines))
