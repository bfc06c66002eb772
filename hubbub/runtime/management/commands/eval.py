"""`hubbub eval`: validation figures of every analysis model and throughput, beside VADER, in one run."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from hubbub.analysis import evaluation
from hubbub.analysis.analyser import Analyser
from hubbub.analysis.evaluation import TaskReport
from hubbub.analysis.vader_baseline import detect_language, score_sentiment
from hubbub.listening.matcher import Matcher
from hubbub.runtime.terminal import raw_stream

# Tracked terms for the throughput run, so that it includes the matcher as the pipeline does.
TERMS = ("refund", "delivery", "customer service", "app", "card", "acme", "globex", "#fail", "outage")
# The throughput runs take turns this many times: a busy neighbour then slows each alike.
ROUNDS = 3


class Command(BaseCommand):
    help = (
        "Print per-task, per-class precision, recall and F1 of the analysis models on the validation "
        "splits in --data, the same for VADER, and posts/s of the whole analysis against VADER's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data", type=Path, default=Path("../shared/data"), help="the shared data folder"
        )
        parser.add_argument(
            "--posts", type=int, default=20_000, help="posts for the throughput run (%(default)s)"
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        data: Path = options["data"]
        if not (data / "tweeteval").is_dir():
            raise CommandError(f"{data}: no tweeteval folder (see ../shared/data/README.md)")
        console = Console(file=raw_stream(self.stdout), highlight=False, width=110)
        matcher: Matcher[str] = Matcher((term, term) for term in TERMS)
        analyser = Analyser(find_terms_in=matcher.terms_in_texts)
        reports = [
            *evaluation.evaluate_heads(analyser, data),
            evaluation.evaluate_vader(data),
            evaluation.evaluate_language(analyser, data),
        ]
        for task_report in reports:
            console.print(_title(task_report))
            console.print(_table(task_report))
        texts = evaluation.throughput_texts(data, options["posts"])
        console.print(_throughput(analyser, texts))


def _throughput(analyser: Analyser, texts: list[str]) -> str:
    """Best and median posts/s of the whole analysis (every field of the batch as columns, as
    `Analyser.analyse` computes it), VADER and the first analyser, in alternating rounds."""
    rates = evaluation.alternating_rates(
        {
            "hubbub analysis (every field)": analyser.analyse,
            "VADER alone": lambda batch: [score_sentiment(t) for t in batch],
            "baseline (py3langid + VADER)": lambda batch: [
                (detect_language(t), score_sentiment(t)) for t in batch
            ],
        },
        texts,
        ROUNDS,
    )
    lines = [
        f"throughput on {len(texts):,} posts, micro-batches of {evaluation.BATCH:,}, one process, "
        f"{ROUNDS} alternating rounds (best / median posts/s):"
    ]
    lines += [f"  {name:<34} {max(v):>9,.0f} {statistics.median(v):>9,.0f}" for name, v in rates.items()]
    whole, vader = rates["hubbub analysis (every field)"], rates["VADER alone"]
    best, median = max(whole) / max(vader), statistics.median(whole) / statistics.median(vader)
    lines.append(f"  ratio to VADER: {best:.2f}x best, {median:.2f}x median")
    return "\n".join(lines)


def _title(task_report: TaskReport) -> str:
    title = f"{task_report.task} - {task_report.system}: {task_report.metric} {task_report.value:.1%}"
    return title if task_report.metric == "accuracy" else f"{title}, accuracy {task_report.accuracy:.1%}"


def _table(task_report: TaskReport) -> Table:
    table = Table()
    for column in ("class", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "class" else "right")
    for score in task_report.classes:
        table.add_row(
            score.label,
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
            f"{score.support}",
        )
    return table
