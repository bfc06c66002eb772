"""`hubbub analyze FILE`: analyse one text per line (or JSONL) and write one JSON object per line."""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from hubbub.analysis.analyser import Analyser, rejected_analysis
from hubbub.analysis.batch_input import InputLine, looks_like_jsonl, parse_lines
from hubbub.listening.matcher import Matcher
from hubbub.runtime.terminal import DocumentedCommand, raw_stream

DESCRIPTION = """\
Analyse posts: one text per line, or JSONL objects with a "text" field (and optional "followers",
"likes", "reposts", "replies" for virality risk). FILE may be - for stdin. Writes one JSON object per
input line to stdout, in order, with language, sentiment, emotion, intent, decision, call_for_help,
irony, offensive, virality_risk, urgency and matched_terms; lines that cannot be analysed (empty,
binary, bad JSON) get "rejected" with the reason and never stop the batch. Progress goes to stderr.
"""

EXAMPLES = """\
examples:
  hubbub analyze posts.txt > analysis.jsonl
  hubbub analyze posts.jsonl --terms terms.txt
  cat posts.txt | hubbub analyze - --format text
"""


class Command(DocumentedCommand):
    help = DESCRIPTION
    examples = EXAMPLES

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file to read, or - for stdin")
        parser.add_argument(
            "--format",
            choices=["auto", "text", "jsonl"],
            default="auto",
            help="text: one post a line; jsonl: objects with a text field; auto (default): from the "
            "extension (.jsonl, .ndjson), else from the first line",
        )
        parser.add_argument("--terms", type=Path, metavar="FILE", help="tracked terms, one a line")
        parser.add_argument(
            "--batch-size", type=int, default=2_000, help="texts per micro-batch (%(default)s)"
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        matcher: Matcher[str] = Matcher((term, term) for term in self._terms(options["terms"]))
        analyser = Analyser(find_terms_in=matcher.terms_in_texts)
        out = raw_stream(self.stdout)
        err = Console(file=raw_stream(self.stderr), highlight=False)
        with self._open(options["file"]) as stream:
            lines = iter(stream)
            first = list(itertools.islice(lines, 1))
            jsonl = self._is_jsonl(options["format"], options["file"], first)
            started, count = time.perf_counter(), 0
            with _progress(err) as progress:
                task = progress.add_task("analyse", total=None)
                for batch in _batches(
                    parse_lines(itertools.chain(first, lines), jsonl), options["batch_size"]
                ):
                    _write(out, analyser, batch)
                    count += len(batch)
                    progress.update(task, completed=count)
        seconds = time.perf_counter() - started
        err.print(f"analysed {count:,} lines in {seconds:.2f} s ({count / max(seconds, 1e-9):,.0f} posts/s)")

    def _terms(self, path: Path | None) -> list[str]:
        if path is None:
            return []
        try:
            return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read the terms file: {error}") from None

    def _open(self, name: str) -> IO[bytes]:
        if name == "-":
            return _NotClosing(sys.stdin.buffer)  # type: ignore[return-value]
        try:
            return Path(name).open("rb")
        except OSError as error:
            raise CommandError(f"{name}: {error.strerror}") from None

    def _is_jsonl(self, choice: str, name: str, first: list[bytes]) -> bool:
        if choice != "auto":
            return choice == "jsonl"
        if name.endswith((".jsonl", ".ndjson")):
            return True
        return bool(first) and looks_like_jsonl(first[0])


class _NotClosing:
    """stdin in a `with`, left open afterwards."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def __enter__(self) -> IO[bytes]:
        return self.stream

    def __exit__(self, *_exc: object) -> None:
        return None


def _progress(err: Console) -> Progress:
    return Progress(
        TextColumn("analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("lines"),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _batches(lines: Iterator[InputLine], size: int) -> Iterator[list[InputLine]]:
    while batch := list(itertools.islice(lines, size)):
        yield batch


def _write(out: IO[str], analyser: Analyser, batch: list[InputLine]) -> None:
    readable = [line for line in batch if not line.rejected]
    analyses = iter(
        analyser.analyse_texts(
            [line.text for line in readable],
            followers=[line.followers for line in readable],
            engagement=[line.engagement for line in readable],
        )
    )
    for line in batch:
        analysis = rejected_analysis(line.rejected) if line.rejected else next(analyses)
        out.write(json.dumps({"line": line.number, **analysis.as_json()}, ensure_ascii=True) + "\n")
    out.flush()
