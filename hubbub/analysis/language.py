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

# py3langid's features are byte n-grams of at most this many bytes (the depth of its automaton).
_DEPTH = 6
_SEPARATOR = b"\xff"
# Bytes walked one after another in each chunk: long enough that the DEPTH - 1 bytes each chunk
# re-reads cost little, short enough that one numpy step covers thousands of chunks.
_CHUNK = 32

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
        # C order: scipy would copy other layouts on every product
        self._weights = np.ascontiguousarray(np.asarray(ptc, dtype=np.float32)[:, columns])
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
        size = self._weights.shape[0]
        # Sorting (text, feature) keys groups the repeats of a feature in a text: one C sort instead of
        # scipy's duplicate summing.
        keys = np.sort(self._emitted_keys(texts))
        firsts = np.flatnonzero(np.diff(keys, prepend=-1))
        counts = np.diff(firsts, append=len(keys)).astype(np.float32)
        unique = keys[firsts]
        rows = unique // size
        indptr = np.searchsorted(rows, np.arange(len(texts) + 1))
        return sparse.csr_matrix((counts, unique - rows * size, indptr), shape=(len(texts), size))

    def _emitted_keys(self, texts: list[str]) -> npt.NDArray[np.int32] | Int64Array:
        """`text * features + feature` for every feature the automaton emits on the texts."""
        # The texts end to end, each after a 0xFF byte (never in UTF-8, and a step to the root state,
        # which emits nothing, from any state), with DEPTH - 1 more before the first and enough after
        # the last to fill the last chunk.
        body = _SEPARATOR + _encoded_batch(texts)
        data = np.frombuffer(
            _SEPARATOR * (_DEPTH - 1) + body + _SEPARATOR * (-len(body) % _CHUNK), dtype=np.uint8
        )
        features = np.take(self._outputs, self._walk_chunks(data))
        small = len(texts) * self._weights.shape[0] < np.iinfo(np.int32).max
        documents = np.cumsum(data[_DEPTH - 1 :] == _SEPARATOR[0], dtype=np.int32 if small else np.int64)
        # (chunk, step) to (step, chunk), as the walk lays its states out
        keys = (documents.reshape(-1, _CHUNK).T - 1) * self._weights.shape[0] + features
        emitted: npt.NDArray[np.int32] | Int64Array = keys[features >= 0]
        return emitted

    def _walk_chunks(self, data: npt.NDArray[np.uint8]) -> npt.NDArray[np.int32]:
        """The automaton's state after each byte of `data[DEPTH - 1:]`, as (step, chunk) for chunks of
        CHUNK bytes.

        The chunks are walked side by side, one numpy step for all of them; each starts DEPTH - 1 bytes
        early, from the root. That gives the state of a walk over the whole text, because no feature is
        longer than DEPTH bytes (the state is the longest suffix read so far that begins a feature)."""
        windows = np.lib.stride_tricks.sliding_window_view(data, _CHUNK + _DEPTH - 1)[::_CHUNK]
        steps = np.ascontiguousarray(windows.T)  # steps[t, k]: byte t of chunk k
        states = np.empty((_CHUNK, steps.shape[1]), dtype=np.int32)
        # np.take, unlike fancy indexing, does not copy int32 indices to intp first
        state = np.take(self._next, self._row_base[0] + steps[0])
        for t in range(1, _CHUNK + _DEPTH - 1):
            state = np.take(self._next, np.take(self._row_base, state) + steps[t])
            if t >= _DEPTH - 1:
                states[t - (_DEPTH - 1)] = state
        return states


@cache
def _letter_table() -> npt.NDArray[np.uint8]:
    # Letters of the Basic Multilingual Plane; the planes above hold mostly emoji and rare scripts.
    table = np.zeros(0x110000, dtype=np.uint8)
    table[:0x10000] = [chr(point).isalpha() for point in range(0x10000)]
    return table


def count_letters(texts: list[str]) -> Int64Array:
    """How many letters each text has, counted for the whole batch at once."""
    lengths = np.array(list(map(len, texts)), dtype=np.int64)
    points = np.frombuffer("".join(texts).encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    cumulative = np.zeros(len(points) + 1, dtype=np.int64)
    np.cumsum(np.take(_letter_table(), points), out=cumulative[1:])
    ends = np.cumsum(lengths)
    counts: Int64Array = cumulative[ends] - cumulative[ends - lengths]
    return counts


def _encoded_batch(texts: list[str]) -> bytes:
    """`_encode` of each text, cut to MAX_LANGUAGE_BYTES, joined by 0xFF bytes: normalised and encoded
    in one call for the whole batch."""
    # Joined by NUL, which NFC composes with nothing and UTF-8 writes as a lone 0x00 byte.
    joined = "\0".join([text.lower() if text.isupper() else text for text in texts])
    if joined.count("\0") == len(texts) - 1:  # else a text holds NUL itself
        encoded = unicodedata.normalize("NFC", joined).encode("utf-8", errors="surrogatepass")
        separators = np.flatnonzero(np.frombuffer(encoded, dtype=np.uint8) == 0)
        if (np.diff(separators, prepend=-1, append=len(encoded)) - 1).max() <= MAX_LANGUAGE_BYTES:
            return encoded.replace(b"\0", _SEPARATOR)
    return _SEPARATOR.join(_encode(text)[:MAX_LANGUAGE_BYTES] for text in texts)


def _encode(text: str) -> bytes:
    """py3langid's own preparation: all-caps lowered, NFC, UTF-8 (lone surrogates kept as bytes)."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


@cache
def language_identifier() -> LanguageIdentifier:
    """The identifier, loaded once per process."""
    return LanguageIdentifier()
