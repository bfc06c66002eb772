"""`hubbub eval`: validation figures of every analysis model and throughput, beside VADER, in one run."""

from __future__ import annotations

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
        analyser = Analyser(find_terms=lambda text: tuple(match.term for match in matcher.find(text)))
        reports = [
            *evaluation.evaluate_heads(analyser, data),
            evaluation.evaluate_vader(data),
            evaluation.evaluate_language(analyser, data),
        ]
        for task_report in reports:
            console.print(_title(task_report))
            console.print(_table(task_report))
        texts = evaluation.throughput_texts(data, options["posts"])
        whole = evaluation.posts_per_second(analyser.analyse_texts, texts)
        vader = evaluation.posts_per_second(lambda batch: [score_sentiment(t) for t in batch], texts)
        first = evaluation.posts_per_second(
            lambda batch: [(detect_language(t), score_sentiment(t)) for t in batch], texts
        )
        console.print(
            f"throughput on {len(texts):,} posts, micro-batches of {evaluation.BATCH:,}, one process:\n"
            f"  hubbub analysis (every field)       {whole:>9,.0f} posts/s\n"
            f"  VADER alone                         {vader:>9,.0f} posts/s\n"
            f"  baseline (py3langid + VADER)        {first:>9,.0f} posts/s\n"
            f"  ratio to VADER: {whole / vader:.2f}x"
        )


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
