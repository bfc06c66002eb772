"""The trained linear heads: one weight column per label over the shared hashed features.

Stored as `.npz` (no pickle: loading runs no code) with weights quantised to int8 per label, which keeps
each file at a few MB; loading turns them back into float32 once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from hubbub.analysis.text_features import CHAR_ORDERS, HashedFeatures

MODELS_DIR = Path(__file__).resolve().parent / "models"
FEATURES_FILE = "features.npz"
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class LinearHead:
    """A softmax classifier: labels, weights (buckets x labels) and biases."""

    task: str
    labels: tuple[str, ...]
    weights: FloatArray
    bias: FloatArray

    def save(self, directory: Path) -> Path:
        """Write the head as `<task>.npz`, int8 weights with one scale per label."""
        scale = np.abs(self.weights).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        quantised = np.round(self.weights / scale).astype(np.int8)
        path = directory / f"{self.task}.npz"
        np.savez_compressed(
            path, labels=np.array(self.labels), weights=quantised, scale=scale.astype(np.float32),
            bias=self.bias.astype(np.float32),
        )  # fmt: skip
        return path

    @classmethod
    def load(cls, task: str, directory: Path = MODELS_DIR) -> LinearHead:
        """Read `<task>.npz` back (float32 weights)."""
        with np.load(directory / f"{task}.npz", allow_pickle=False) as stored:
            weights = stored["weights"].astype(np.float32) * stored["scale"]
            labels = tuple(str(label) for label in stored["labels"])
            return cls(task, labels, weights, stored["bias"].astype(np.float32))


def save_features(features: HashedFeatures, directory: Path) -> Path:
    """Write the featuriser's size, character n-gram orders and idf (float16)."""
    assert features.idf is not None
    path = directory / FEATURES_FILE
    np.savez_compressed(
        path, bits=np.array(features.bits), char_orders=np.array(features.char_orders),
        idf=features.idf.astype(np.float16),
    )  # fmt: skip
    return path


def load_features(directory: Path = MODELS_DIR) -> HashedFeatures:
    """The featuriser the heads were trained with."""
    with np.load(directory / FEATURES_FILE, allow_pickle=False) as stored:
        orders = tuple(map(int, stored["char_orders"])) if "char_orders" in stored else CHAR_ORDERS
        return HashedFeatures(int(stored["bits"]), stored["idf"].astype(np.float32), orders)


def relative_to_last(head: LinearHead) -> tuple[FloatArray, FloatArray]:
    """The head's weights and biases minus those of its last label, which drop out: a softmax is
    unchanged when every score moves by the same amount, so k labels need only k - 1 columns."""
    return head.weights[:, :-1] - head.weights[:, -1:], head.bias[:-1] - head.bias[-1]


def softmax_relative_to_last(scores: FloatArray) -> FloatArray:
    """Row-wise softmax of `scores` with a last column of zeros appended (see `relative_to_last`)."""
    top = np.maximum(scores.max(axis=1, keepdims=True), 0.0)
    shifted = np.exp(np.hstack([scores, np.zeros((len(scores), 1), dtype=scores.dtype)]) - top)
    chances: FloatArray = (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
    return chances
