"""Reading a replay file into the pipeline in micro-batches, with every bad row reported, never fatal.

Crash safety comes from the pipeline: each batch is one transaction and the store is idempotent on
(network, external id), so rerunning an interrupted ingest stores exactly the rows that are missing.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from hubbub.channels.replay.files import FileFormat, read_posts
from hubbub.channels.replay.rows import Rejected
from hubbub.core.posts import Post
from hubbub.pipeline.runner import BatchResult, Pipeline

# Control characters (ANSI escapes start with ESC) and bidirectional overrides, shown escaped.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_COUNT_CHUNK = 1 << 20


@dataclass(slots=True)
class IngestReport:
    """What an ingest did, row by row."""

    read: int = 0
    stored: int = 0
    already_stored: int = 0
    unassigned: int = 0
    rejected: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Rows read per second."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def add(self, result: BatchResult) -> None:
        """Count one processed batch."""
        self.stored += result.stored
        self.already_stored += result.already_stored
        self.unassigned += result.unassigned


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How to read the file: its format, the brand to force on every row, the batch size."""

    file_format: FileFormat
    batch_size: int
    brand_id: int | None = None


def count_lines(path: Path) -> int:
    """The number of lines in a file (the progress bar's total), read in 1 MiB chunks."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(_COUNT_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def printable(text: str, limit: int = 120) -> str:
    """Hostile text made safe for a terminal: control characters shown as escapes, cut to `limit`."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return _UNPRINTABLE.sub(lambda match: ascii(match.group())[1:-1], cut)


def write_reject(rejects: IO[str], rejected: Rejected) -> None:
    """One JSON line for a bad row: its line number, the reason and an excerpt of the raw row."""
    record = {"line": rejected.line, "reason": rejected.reason, "raw": rejected.raw}
    rejects.write(json.dumps(record, ensure_ascii=True) + "\n")


def ignore_progress(line: int) -> None:
    """The default progress callback: no progress shown."""


def _batches(
    rows: Iterator[tuple[int, Post | Rejected]], size: int, on_reject: Callable[[Rejected], None]
) -> Iterator[tuple[int, list[Post]]]:
    """(last line read, posts) in batches of `size` posts; rejected rows go to `on_reject`."""
    batch: list[Post] = []
    line = 0
    for line, row in rows:
        if isinstance(row, Rejected):
            on_reject(row)
        else:
            batch.append(row)
        if len(batch) >= size:
            yield line, batch
            batch = []
    yield line, batch


def ingest_file(
    path: Path,
    options: IngestOptions,
    pipeline: Pipeline,
    *,
    on_reject: Callable[[Rejected], None],
    on_progress: Callable[[int], object] = ignore_progress,
) -> IngestReport:
    """Run every good row of the file through the pipeline; bad rows go to `on_reject`."""
    report = IngestReport()
    started = time.perf_counter()

    def reject(row: Rejected) -> None:
        report.rejected += 1
        on_reject(row)

    for line, posts in _batches(read_posts(path, options.file_format), options.batch_size, reject):
        batch = posts if options.brand_id is None else [replace(p, brand_id=options.brand_id) for p in posts]
        report.read += len(batch)
        if batch:
            report.add(pipeline.process(batch))
        on_progress(line)
    report.read += report.rejected
    report.seconds = time.perf_counter() - started
    return report
