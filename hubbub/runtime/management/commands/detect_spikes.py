"""`hubbub detect_spikes`: one detection pass over the topic counters, or one every few seconds."""

from __future__ import annotations

import argparse
import math
from datetime import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from hubbub.metrics.actions import DetectionReport, detect_spikes
from hubbub.metrics.spikes import DEFAULT_RULE
from hubbub.metrics.watch import SpikeWatcher
from hubbub.runtime.terminal import DocumentedCommand

_RULE = DEFAULT_RULE
DESCRIPTION = f"""\
Look for spikes in every topic's posts; open, update or close the alerts shown on the wall (/wall/).

Each pass compares the last {_RULE.window_minutes} complete minutes of a topic with the \
{_RULE.baseline_minutes} minutes before them,
in {_RULE.window_minutes}-minute windows. A volume spike is far more posts than the baseline \
predicts (and at least
{_RULE.min_posts}); a negative spike is a share of negative posts well above the baseline's. An alert stays
open while its anomaly lasts and closes when it ends. Each pass prints what it did.

`hubbub serve` and `hubbub demo` may run the same detection in the background; otherwise run this
command from cron, or with --every as a process of its own.
"""

EXAMPLES = """\
examples:
  hubbub detect_spikes
  hubbub detect_spikes --every 30

"""


def _seconds(raw: str) -> float:
    value = float(raw)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{raw} is not a positive number of seconds")
    return value


def _count(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{raw} is not a positive number")
    return value


class Command(DocumentedCommand):
    help = DESCRIPTION
    examples = EXAMPLES

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=_seconds, metavar="SECONDS", help="run a pass every SECONDS until Ctrl-C"
        )
        parser.add_argument(
            "--passes", type=_count, metavar="N", help="with --every: stop after N passes (default: never)"
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        if options["passes"] is not None and options["every"] is None:
            raise CommandError("--passes needs --every")
        if options["every"] is None:
            self._print(detect_spikes(timezone.now()))
            return
        watcher = SpikeWatcher(options["every"], detect=self._detect_and_print)
        try:
            watcher.run(passes=options["passes"])
        except KeyboardInterrupt:
            self.stdout.write("stopped")

    def _detect_and_print(self, now: datetime) -> DetectionReport:
        report = detect_spikes(now)
        self._print(report)
        return report

    def _print(self, report: DetectionReport) -> None:
        self.stdout.write(
            f"{timezone.now():%H:%M:%S} topics with posts: {report.topics:,}; "
            f"alerts opened: {report.opened}, still open: {report.updated}, closed: {report.closed}; "
            f"open now: {report.open_now}"
        )
