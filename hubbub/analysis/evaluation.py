"""Validation figures of every model, and throughput against VADER on the same posts, in one run."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hubbub.analysis.analyser import Analyser
from hubbub.analysis.training import datasets
from hubbub.analysis.vader_baseline import score_sentiment

XLMT_CODES = {"arabic": "ar", "english": "en", "french": "fr", "german": "de", "italian": "it",
              "portuguese": "pt", "spanish": "es"}  # fmt: skip
# The metric of record of each TweetEval task (Barbieri et al., 2020).
METRICS = {"sentiment": "macro recall", "emotion": "macro F1", "irony": "F1 of irony",
           "offensive": "macro F1", "hate": "macro F1"}  # fmt: skip
BATCH = 2_000


@dataclass(frozen=True)
class ClassScore:
    """Precision, recall and F1 of one class, and how many gold examples it has."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class TaskReport:
    """One task's per-class scores, its metric of record, accuracy and speed."""

    task: str
    system: str
    classes: tuple[ClassScore, ...]
    metric: str
    value: float
    accuracy: float


def score_classes(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> tuple[ClassScore, ...]:
    """Per-class precision, recall and F1."""
    gold_array, predicted_array = np.array(gold), np.array(predicted)
    scores = []
    for label in labels:
        true_positive = int(np.sum((gold_array == label) & (predicted_array == label)))
        said, real = int(np.sum(predicted_array == label)), int(np.sum(gold_array == label))
        precision = true_positive / said if said else 0.0
        recall = true_positive / real if real else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(ClassScore(label, precision, recall, f1, real))
    return tuple(scores)


def _metric_value(task: str, classes: tuple[ClassScore, ...]) -> float:
    if task == "sentiment":
        return float(np.mean([c.recall for c in classes]))
    if task == "irony":
        return next(c.f1 for c in classes if c.label == "irony")
    return float(np.mean([c.f1 for c in classes]))


def report(
    task: str, system: str, gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> TaskReport:
    """A task's report for one system."""
    classes = score_classes(gold, predicted, labels)
    accuracy = float(np.mean(np.array(gold) == np.array(predicted))) if gold else 0.0
    metric = METRICS.get(task, "accuracy")
    value = accuracy if metric == "accuracy" else _metric_value(task, classes)
    return TaskReport(task, system, classes, metric, value, accuracy)


def evaluate_heads(analyser: Analyser, data: Path) -> list[TaskReport]:
    """Each TweetEval head on its validation split."""
    reports = []
    for task in METRICS:
        split = datasets.tweeteval(data, task, "val")
        labels = analyser.labels[task]
        predicted: list[str] = []
        for start in range(0, len(split.texts), BATCH):
            chances = analyser.probabilities(split.texts[start : start + BATCH])[task]
            predicted += [labels[i] for i in chances.argmax(axis=1).tolist()]
        reports.append(report(task, "hubbub", [split.names[i] for i in split.labels], predicted, labels))
    return reports


def evaluate_vader(data: Path) -> TaskReport:
    """VADER's sentiment (compound, its documented ±0.05 thresholds) on the same validation split."""
    split = datasets.tweeteval(data, "sentiment", "val")
    predicted = [score_sentiment(text).label for text in split.texts]
    return report("sentiment", "VADER", [split.names[i] for i in split.labels], predicted, split.names)


def evaluate_language(analyser: Analyser, data: Path) -> TaskReport:
    """Language identification on XLM-T validation, the seven languages written in their own script."""
    texts, gold = [], []
    for folder, code in XLMT_CODES.items():
        split = datasets.xlmt(data, folder, "val")
        texts += split.texts
        gold += [code] * len(split.texts)
    predicted = analyser.languages.identify(texts)
    return report("language", "hubbub (py3langid, batched)", gold, predicted, list(XLMT_CODES.values()))


def posts_per_second(run: Callable[[list[str]], object], texts: list[str], batch: int = BATCH) -> float:
    """Throughput of `run` over `texts` in micro-batches of `batch`."""
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        run(texts[start : start + batch])
    return len(texts) / (time.perf_counter() - started)


def alternating_rates(
    systems: dict[str, Callable[[list[str]], object]], texts: list[str], rounds: int, batch: int = BATCH
) -> dict[str, list[float]]:
    """Posts/s of each system in each round; the systems take turns within a round, so that a busy
    neighbour slows them alike."""
    rates: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(rounds):
        for name, run in systems.items():
            rates[name].append(posts_per_second(run, texts, batch))
    return rates


def throughput_texts(data: Path, count: int) -> list[str]:
    """`count` real posts: TweetEval's and XLM-T's validation texts, repeated as needed."""
    texts = datasets.tweeteval(data, "sentiment", "val").texts
    for folder in XLMT_CODES:
        texts = texts + datasets.xlmt(data, folder, "val").texts
    return (texts * (count // len(texts) + 1))[:count]
