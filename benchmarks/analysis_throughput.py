"""Throughput of the whole analysis stage against VADER, side by side, on one core, in one run.

    taskset -c 0 .venv/bin/python benchmarks/analysis_throughput.py --data ../shared/data --posts 50000

The posts are real: TweetEval's sentiment validation tweets and XLM-T's validation tweets in seven
languages, repeated to --posts. Each system runs over the same posts in micro-batches (--batch-size);
the runs alternate (--rounds) so that a noisy neighbour slows both alike, and the best round of each
is reported with the median. "All fields" is `Analyser.analyse`: every field of every post computed
as columns (labels, scores, intent, decision, virality, urgency, and the terms that the listening
matcher finds in one pass over the batch); the line below it also builds one `Analysis` object per
post (reasons and parts in words), as `hubbub analyze` does before writing JSON. Results are kept in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# One core: no BLAS or OpenMP threads (numpy's sparse products are single-threaded anyway).
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

WHOLE = "hubbub analysis (all fields)"
VADER = "VADER (polarity_scores)"
TERMS = [
    "refund",
    "delivery",
    "customer service",
    "app",
    "card",
    "acme",
    "globex",
    "#fail",
    "outage",
    "price",
]


def main(argv: Sequence[str] | None = None) -> None:
    """Load the models (not timed), then time the whole analysis and VADER on the same posts."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: PLC0415

    from hubbub.analysis.analyser import Analyser  # noqa: PLC0415
    from hubbub.analysis.cues import find_cues  # noqa: PLC0415
    from hubbub.analysis.evaluation import alternating_rates, throughput_texts  # noqa: PLC0415
    from hubbub.analysis.vader_baseline import detect_language  # noqa: PLC0415
    from hubbub.listening.matcher import Matcher  # noqa: PLC0415

    started = time.perf_counter()
    matcher: Matcher[str] = Matcher((term, term) for term in TERMS)
    analyser = Analyser(find_terms_in=matcher.terms_in_texts)
    loading = time.perf_counter() - started
    vader = SentimentIntensityAnalyzer()
    texts = throughput_texts(args.data, args.posts)
    systems: dict[str, Callable[[list[str]], object]] = {
        WHOLE: analyser.analyse,
        "  + one Analysis object per post": analyser.analyse_texts,
        "  of which the six heads": analyser.probabilities,
        "  of which language ID": analyser.languages.identify,
        "  of which intent cues": find_cues,
        "  of which the matcher (batch)": matcher.terms_in_texts,
        VADER: lambda batch: [vader.polarity_scores(text) for text in batch],
        "first analyser (py3langid + VADER)": lambda batch: [
            (detect_language(text), vader.polarity_scores(text)) for text in batch
        ],
    }
    rates = alternating_rates(systems, texts, args.rounds, args.batch_size)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {cpus} CPU(s) allowed")  # noqa: T201
    print(  # noqa: T201
        f"{len(texts):,} posts, batches of {args.batch_size:,}, {args.rounds} rounds; "
        f"models loaded in {loading:.2f} s"
    )
    print(f"  {'system':<40} {'best posts/s':>13} {'median':>10}")  # noqa: T201
    for name, values in rates.items():
        print(f"  {name:<40} {max(values):>13,.0f} {statistics.median(values):>10,.0f}")  # noqa: T201
    best = max(rates[WHOLE]) / max(rates[VADER])
    median = statistics.median(rates[WHOLE]) / statistics.median(rates[VADER])
    print(f"whole analysis / VADER: {best:.2f}x best, {median:.2f}x median")  # noqa: T201


if __name__ == "__main__":
    main()
