"""Train every analysis model from ../shared/data and write them into hubbub/analysis/models/.

    .venv/bin/python -m hubbub.analysis.training.train --data ../shared/data

Deterministic: hashed features (no random projection), L-BFGS logistic regression (no shuffling),
regularisation chosen from a fixed grid on each task's validation split, which is printed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, recall_score

from hubbub.analysis.heads import MODELS_DIR, LinearHead, save_features
from hubbub.analysis.text_features import CHAR_ORDERS, HashedFeatures
from hubbub.analysis.training import datasets
from hubbub.analysis.training.datasets import Split

BITS = 20
CHUNK = 5_000
Metric = Callable[[list[int], list[int]], float]


def macro_recall(gold: list[int], predicted: list[int]) -> float:
    return float(recall_score(gold, predicted, average="macro"))


def macro_f1(gold: list[int], predicted: list[int]) -> float:
    return float(f1_score(gold, predicted, average="macro"))


def positive_f1(gold: list[int], predicted: list[int]) -> float:
    return float(f1_score(gold, predicted, pos_label=1, average="binary"))


@dataclass(frozen=True)
class Task:
    """A head to train: its data, its metric of record and the regularisation grid."""

    name: str
    train: Split
    val: Split
    metric: Metric
    grid: tuple[float, ...]


def tasks(data: Path) -> list[Task]:
    """Every head, with the data it learns from (validation splits are never trained on)."""
    sentiment = datasets.tweeteval(data, "sentiment", "train")
    # XLM-T's English train holds 1,430 of TweetEval's 2,000 sentiment validation tweets (both come from
    # SemEval-2017), so it is left out; the other languages share no tweet with it.
    for language in datasets.XLMT_LANGUAGES:
        if language != "english":
            sentiment = sentiment + datasets.xlmt(data, language, "train")
    binary = {"irony": positive_f1, "offensive": macro_f1, "hate": macro_f1}
    found = [
        Task(
            "sentiment",
            sentiment,
            datasets.tweeteval(data, "sentiment", "val"),
            macro_recall,
            (0.5, 1.0, 2.0),
        ),
        Task("emotion", *_tweeteval(data, "emotion"), macro_f1, (3.0, 10.0, 30.0)),
        *(Task(name, *_tweeteval(data, name), metric, (1.0, 3.0, 10.0)) for name, metric in binary.items()),
        Task(
            "service",
            datasets.service(data, "train"),
            datasets.service(data, "val"),
            macro_f1,
            (3.0, 10.0, 30.0),
        ),
    ]
    return [without_validation_texts(task) for task in found]


def without_validation_texts(task: Task) -> Task:
    """The task with every training text that also occurs in its validation split removed."""
    held_out = {text.strip() for text in task.val.texts}
    keep = [i for i, text in enumerate(task.train.texts) if text.strip() not in held_out]
    train = Split([task.train.texts[i] for i in keep], [task.train.labels[i] for i in keep], task.train.names)
    return Task(task.name, train, task.val, task.metric, task.grid)


def _tweeteval(data: Path, task: str) -> tuple[Split, Split]:
    return datasets.tweeteval(data, task, "train"), datasets.tweeteval(data, task, "val")


def fit_idf(features: HashedFeatures, texts: list[str]) -> None:
    """Smoothed inverse document frequency of each bucket over all training texts."""
    document_frequency = np.zeros(1 << features.bits, dtype=np.int64)
    for start in range(0, len(texts), CHUNK):
        blocks, _ = features.blocks(texts[start : start + CHUNK])
        counts = sparse.csr_matrix(sum(blocks[1:], blocks[0]))
        counts.sum_duplicates()
        document_frequency += np.bincount(counts.indices, minlength=1 << features.bits)
    features.idf = (
        (np.log((1 + len(texts)) / (1 + document_frequency)) + 1).astype(np.float16).astype(np.float32)
    )


def transform(features: HashedFeatures, texts: list[str]) -> sparse.csr_matrix:
    """The feature matrix of many texts, built a chunk at a time."""
    chunks = [features.transform(texts[start : start + CHUNK]) for start in range(0, len(texts), CHUNK)]
    return sparse.csr_matrix(sparse.vstack(chunks))


def train_head(task: Task, features: HashedFeatures) -> tuple[LinearHead, float, float]:
    """The best head on the grid, its C and its validation figure."""
    x_train, x_val = transform(features, task.train.texts), transform(features, task.val.texts)
    best: tuple[float, float, LogisticRegression] | None = None
    for c in task.grid:
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=1000, tol=1e-4)
        model.fit(x_train, task.train.labels)
        score = task.metric(task.val.labels, model.predict(x_val).tolist())
        print(f"  {task.name:<10} C={c:<5} validation {score * 100:.1f}")  # noqa: T201
        if best is None or score > best[0]:
            best = (score, c, model)
    assert best is not None
    score, c, model = best
    weights, bias = model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32)
    if weights.shape[1] == 1:  # binary: [-z/2, z/2] under a softmax is the sigmoid of z
        weights, bias = np.hstack([-weights / 2, weights / 2]), np.array([-bias[0] / 2, bias[0] / 2])
    return LinearHead(task.name, task.train.names, weights, bias.astype(np.float32)), c, score


def main(argv: list[str] | None = None) -> None:
    """Train, print validation figures, write the artefacts."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="the shared data folder")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="where to write the models")
    parser.add_argument("--only", nargs="*", help="train only these heads (the features are refitted anyway)")
    parser.add_argument("--bits", type=int, default=BITS, help="hash buckets: 2**bits (%(default)s)")
    parser.add_argument(
        "--char-orders", type=int, nargs="+", default=list(CHAR_ORDERS), help="character n-gram lengths"
    )
    args = parser.parse_args(argv)
    all_tasks = tasks(args.data)
    features = HashedFeatures(args.bits, char_orders=tuple(args.char_orders))
    fit_idf(features, [text for task in all_tasks for text in task.train.texts])
    args.out.mkdir(parents=True, exist_ok=True)
    save_features(features, args.out)
    for task in all_tasks:
        if args.only and task.name not in args.only:
            continue
        started = time.perf_counter()
        head, c, score = train_head(task, features)
        path = head.save(args.out)
        print(  # noqa: T201
            f"{task.name}: validation {score * 100:.1f} with C={c} ({len(task.train.texts):,} training "
            f"texts, {path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.0f} s)"
        )


if __name__ == "__main__":
    main()
