"""The trained linear heads: one weight column per label over the shared hashed features.

Stored as `.npz` (no pickle: loading runs no code) with weights quantised to int8 per label, which keeps
each file at a few MB; loading turns them back into float32 once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from hubbub.analysis.text_features import HashedFeatures

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
    """Write the featuriser's size and idf (float16)."""
    assert features.idf is not None
    path = directory / FEATURES_FILE
    np.savez_compressed(path, bits=np.array(features.bits), idf=features.idf.astype(np.float16))
    return path


def load_features(directory: Path = MODELS_DIR) -> HashedFeatures:
    """The featuriser the heads were trained with."""
    with np.load(directory / FEATURES_FILE, allow_pickle=False) as stored:
        return HashedFeatures(int(stored["bits"]), stored["idf"].astype(np.float32))


def softmax(scores: FloatArray) -> FloatArray:
    """Row-wise softmax."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    chances: FloatArray = (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
    return chances
