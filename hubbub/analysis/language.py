"""Language identification for a whole batch at once: py3langid's model, walked for all posts together.

py3langid walks a byte automaton in Python, one byte of one post at a time (~40 µs a post). Here the
same automaton takes one step for every post of a micro-batch at once: posts sorted by length, the
step for byte j is three numpy operations over the posts that have a byte j. That gives exactly
py3langid's feature counts, hence its answers (`test_language.py` checks both), at a fraction of the
cost. The model ships inside py3langid: nothing is downloaded.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import numpy as np
import numpy.typing as npt
from py3langid.langid import MODEL_DIR, MODEL_FILE
from py3langid.modelio import load_model
from scipy import sparse

# The languages a post may be labelled with. Restricting py3langid to the languages a contact centre
# meets removes look-alike minor languages (e.g. Galician for Portuguese); on XLM-T validation this
# set scores 97.5 % against 95.3 % for all 97 (see docs/benchmarks.md).
CANDIDATES = (
    "ar", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he", "hi", "hu", "id", "it",
    "ja", "ko", "nl", "no", "pl", "pt", "ro", "ru", "sv", "th", "tr", "uk", "ur", "vi", "zh",
)  # fmt: skip
# Texts with fewer letters than this carry too little signal; counting letters, not characters,
# keeps emoji, digits and punctuation from being labelled with a language.
MIN_LANGUAGE_LETTERS = 12
# The language of a post shows in its first few hundred bytes; reading at most this many keeps one
# 1 MB post from costing as much as thousands of tweets.
MAX_LANGUAGE_BYTES = 2_000

Int64Array = npt.NDArray[np.int64]


def _as_numpy(values: object) -> Int64Array:
    """py3langid's stdlib arrays of unsigned integers as an int64 numpy array."""
    item_size = values.itemsize  # type: ignore[attr-defined]
    dtype = {2: np.uint16, 4: np.uint32, 8: np.uint64}[item_size]
    array: Int64Array = np.frombuffer(values, dtype=dtype).astype(np.int64)  # type: ignore[call-overload]
    return array


class LanguageIdentifier:
    """py3langid's naive Bayes model over byte n-grams, applied to many texts in one pass."""

    def __init__(self, candidates: tuple[str, ...] = CANDIDATES) -> None:
        ptc, pc, classes, nextmove, rows, outputs = load_model(MODEL_DIR / MODEL_FILE)
        self._next = _as_numpy(nextmove).astype(np.int32)  # distinct 256-entry rows of the automaton
        self._row_base = (_as_numpy(rows) * 256).astype(np.int32)  # each state's row, pre-multiplied
        self._outputs = np.asarray(outputs, dtype=np.int32)  # each state's feature, -1 for none
        wanted = set(candidates)
        columns = [i for i, label in enumerate(classes) if label in wanted]
        self.labels = tuple(str(classes[i]) for i in columns)
        self._weights = np.asarray(ptc, dtype=np.float32)[:, columns]
        self._priors = np.asarray(pc, dtype=np.float32)[columns]

    def identify(self, texts: list[str]) -> list[str]:
        """The ISO 639-1 code of each text's language, or "" when a text has too few letters to tell."""
        result = [""] * len(texts)
        long_enough = np.flatnonzero(count_letters(texts) >= MIN_LANGUAGE_LETTERS).tolist()
        if not long_enough:
            return result
        counts = self.feature_counts([texts[i] for i in long_enough])
        counts.data = np.log1p(counts.data)
        scores = counts @ self._weights + self._priors
        for index, best in zip(long_enough, scores.argmax(axis=1).tolist(), strict=True):
            result[index] = self.labels[best]
        return result

    def feature_counts(self, texts: list[str]) -> sparse.csr_matrix:
        """How often each of the model's byte n-gram features occurs in each text (documents x features)."""
        encoded = [_encode(text)[:MAX_LANGUAGE_BYTES] for text in texts]
        lengths = np.array(list(map(len, encoded)), dtype=np.int64)
        order = np.argsort(-lengths, kind="stable")  # longest first: the posts still walking are a prefix
        longest = int(lengths.max()) if len(texts) else 0
        # bytes[j, k]: byte j of the k-th longest post (column-major steps read contiguous memory)
        data = np.frombuffer(b"".join(encoded[i] for i in order.tolist()), dtype=np.uint8)
        sorted_lengths = lengths[order]
        starts = np.cumsum(sorted_lengths) - sorted_lengths
        post = np.repeat(np.arange(len(texts)), sorted_lengths)
        step = np.arange(len(data)) - np.repeat(starts, sorted_lengths)
        grid = np.zeros((longest, len(texts)), dtype=np.int32)
        grid[step, post] = data
        states = np.zeros((longest, len(texts)), dtype=np.int32)
        walking = np.searchsorted(-sorted_lengths, -np.arange(longest), side="right")  # posts longer than j
        state = np.zeros(len(texts), dtype=np.int32)
        for j in range(longest):
            k = int(walking[j])
            state[:k] = self._next[self._row_base[state[:k]] + grid[j, :k]]
            states[j, :k] = state[:k]
        features = self._outputs[states[step, post]]
        emitted = features >= 0
        counts = sparse.csr_matrix(
            (np.ones(int(emitted.sum()), dtype=np.float32), (order[post[emitted]], features[emitted])),
            shape=(len(texts), self._weights.shape[0]),
        )
        counts.sum_duplicates()
        return counts


@cache
def _letter_table() -> npt.NDArray[np.bool_]:
    # Letters of the Basic Multilingual Plane; the planes above hold mostly emoji and rare scripts.
    return np.array([chr(point).isalpha() for point in range(0x10000)], dtype=np.bool_)


def count_letters(texts: list[str]) -> Int64Array:
    """How many letters each text has, counted for the whole batch at once."""
    lengths = np.array(list(map(len, texts)), dtype=np.int64)
    points = np.frombuffer("".join(texts).encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    letters = np.zeros(len(points), dtype=np.bool_)
    basic = points < 0x10000
    letters[basic] = _letter_table()[points[basic]]
    ends = np.cumsum(lengths)
    cumulative = np.concatenate([[0], np.cumsum(letters, dtype=np.int64)])
    counts: Int64Array = cumulative[ends] - cumulative[ends - lengths]
    return counts


def _encode(text: str) -> bytes:
    """py3langid's own preparation: all-caps lowered, NFC, UTF-8 (lone surrogates kept as bytes)."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


@cache
def language_identifier() -> LanguageIdentifier:
    """The identifier, loaded once per process."""
    return LanguageIdentifier()
