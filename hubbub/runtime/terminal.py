"""Writing to the terminal from commands: the stream under Django's wrapper, and bad rows shown safely."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.text import Text

from hubbub.channels.replay.rows import Rejected
from hubbub.runtime.ingestion import printable, write_reject

SHOWN_REJECTS = 20


def add_rejects_argument(parser: CommandParser) -> None:
    """The `--rejects PATH` option of the commands that read files row by row."""
    parser.add_argument(
        "--rejects", type=Path, metavar="PATH", help="where to write bad rows (default: FILE.rejects.jsonl)"
    )


def rejects_path(path: Path, chosen: Path | None) -> Path:
    """Where a file's bad rows go: the `--rejects` path, else FILE.rejects.jsonl beside the file."""
    return chosen or path.with_name(path.name + ".rejects.jsonl")


class DocumentedCommand(BaseCommand):
    """A command whose `--help` keeps the description's line breaks and ends with `examples`."""

    examples = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = self.examples
        return parser


def raw_stream(wrapper: Any) -> IO[str]:
    """The stream under Django's OutputWrapper, which appends newlines to every write; rich needs it."""
    return getattr(wrapper, "_out", wrapper)  # type: ignore[no-any-return]


class RejectReporter:
    """Writes every bad row to the rejects file and shows the first few on the terminal."""

    def __init__(self, rejects: IO[str], console: Console) -> None:
        self.rejects = rejects
        self.console = console
        self.count = 0

    def __call__(self, row: Rejected) -> None:
        write_reject(self.rejects, row)
        self.count += 1
        if self.count <= SHOWN_REJECTS:
            # Text(), not markup: a row's "[bold]" or ANSI escape must not style the terminal.
            self.console.print(
                Text(f"line {row.line}: {printable(row.reason, 300)} | {printable(row.raw, 80)}")
            )
