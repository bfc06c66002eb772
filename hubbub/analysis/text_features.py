"""Hashed text features for a whole batch at once: character 2-5-grams, word unigrams and bigrams.

Every post of a micro-batch is laid end to end as one array of code points, and the n-grams' hashes are
computed for all posts together with numpy (polynomial hashes, wrapping at 2**64), so no Python loop
runs per n-gram. The hash is fixed arithmetic, not Python's salted `hash()`: the same text gives the
same features in every process, which is what lets a model trained once ship as package data.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
from scipy import sparse

# Longer posts are cut for the models: a tweet-sized window carries the tone, and a 1 MB post must cost
# no more than a long one.
MAX_FEATURE_CHARS = 1_000
CHAR_ORDERS = (2, 3, 4, 5)

_URL = re.compile(r"http\S*|www\.\S+")
_MENTION = re.compile(r"@\w+")
# Words (anything but spaces and ASCII punctuation), single ASCII punctuation marks, and the line ends
# that separate texts in a batch.
_TOKENS = re.compile(r"[^\s!-/:-@\[-`{-~]+|[!-/:-@\[-`{-~]|\n")
_LINE_END = "\n"
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")

_BASE = np.uint64(0x100000001B3)  # an odd multiplier: invertible modulo 2**64
_MIX = np.uint64(0x9E3779B97F4A7C15)
_WORD_SALT = np.uint64(0x5851F42D4C957F2D)
_BIGRAM_SALT = np.uint64(0x14057B7EF767814F)

UInt64Array = npt.NDArray[np.uint64]
FloatArray = npt.NDArray[np.float32]


def normalise_texts(texts: list[str]) -> list[str]:
    """Lower case, mentions and links as placeholders, stretched letters shortened ("soooo" → "soo")."""
    return _normalise_joined(texts).split("\n") if texts else []


def _squeeze_stretches(text: str) -> str:
    """Runs of three or more of one character cut to two, for every text of the batch at once."""
    points = np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    stretched = np.zeros(len(points), dtype=np.bool_)
    stretched[2:] = (points[2:] == points[1:-1]) & (points[2:] == points[:-2]) & (points[2:] != ord("\n"))
    if not stretched.any():
        return text
    return points[~stretched].tobytes().decode("utf-32-le", errors="surrogatepass")


def _normalise_joined(texts: list[str]) -> str:
    # One pass of each pattern over the whole batch, one text a line: no pattern crosses a line.
    # Escapes like "\u2019" are how TweetEval's files (and exports like them) spell characters.
    text = "\n".join(text[:MAX_FEATURE_CHARS].replace("\n", " ") for text in texts)
    if "\\u" in text:
        text = _ESCAPED.sub(_unescape, text)
    text = _URL.sub(" http ", text.lower())
    return _squeeze_stretches(_MENTION.sub(" @user ", text))


def _unescape(match: re.Match[str]) -> str:
    character = chr(int(match.group(1), 16))
    return " " if character.isspace() else character


def _code_points(text: str) -> UInt64Array:
    """The text's code points plus one (so that NUL still changes a hash), as uint64."""
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    ) + np.uint64(1)


class HashedFeatures:
    """Maps texts to hashed n-gram features over `2**bits` buckets, weighted by idf."""

    def __init__(self, bits: int, idf: npt.NDArray[np.float32] | None = None) -> None:
        self.bits = bits
        self.idf = idf

    def blocks(self, texts: list[str]) -> tuple[list[sparse.csr_matrix], FloatArray]:
        """N-gram counts as one matrix per kind (each built without sorting), and n-grams per text."""
        joined = _normalise_joined(texts)
        blocks = [
            *self._char_blocks(joined.split("\n") if texts else []),
            *self._word_blocks(joined, len(texts)),
        ]
        sizes: FloatArray = np.sum([np.diff(block.indptr) for block in blocks], axis=0, dtype=np.float32)
        return blocks, sizes

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        """The model's input: n-gram counts x idf, each text divided by the square root of its n-grams."""
        blocks, sizes = self.blocks(texts)
        matrix = sparse.csr_matrix(sum(blocks[1:], blocks[0]), dtype=np.float32)
        if self.idf is not None:
            matrix = sparse.csr_matrix(matrix.multiply(self.idf[None, :]))
        return sparse.csr_matrix(
            matrix.multiply(1.0 / np.sqrt(np.maximum(sizes, 1.0))[:, None]), dtype=np.float32
        )

    def scores(self, texts: list[str], weights: FloatArray) -> FloatArray:
        """`transform(texts) @ (weights / idf)`: pass weights already multiplied by the idf, as
        `fold_idf` makes them; the counts are multiplied block by block, never merged or sorted."""
        blocks, sizes = self.blocks(texts)
        total = np.zeros((len(texts), weights.shape[1]), dtype=np.float32)
        for block in blocks:
            total += block @ weights
        scaled: FloatArray = (total / np.sqrt(np.maximum(sizes, 1.0))[:, None]).astype(np.float32)
        return scaled

    def fold_idf(self, weights: FloatArray) -> FloatArray:
        """Weights (buckets x labels) with each bucket's idf multiplied in, for `scores`."""
        return weights if self.idf is None else (weights * self.idf[:, None]).astype(np.float32)

    def _buckets(self, hashes: UInt64Array) -> npt.NDArray[np.int32]:
        return ((hashes * _MIX) >> np.uint64(64 - self.bits)).astype(np.int32)

    def _block(self, buckets: npt.NDArray[np.int32], indptr: npt.NDArray[np.int64]) -> sparse.csr_matrix:
        ones = np.ones(len(buckets), dtype=np.float32)
        return sparse.csr_matrix((ones, buckets, indptr), shape=(len(indptr) - 1, 1 << self.bits))

    def _char_blocks(self, texts: list[str]) -> list[sparse.csr_matrix]:
        # Each text as " text " followed by a run of NUL separators, and one run before the first: every
        # n-gram then ends inside one text's segment and sees only that text and separators, whatever its
        # neighbours in the batch, so no n-gram needs to be masked out.
        context = max(CHAR_ORDERS) - 1
        separator = "\0" * context
        segments = [f" {text} {separator}" for text in texts]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.array(list(map(len, segments)), dtype=np.int64), out=indptr[1:])
        points = _code_points(separator + "".join(segments))
        rolling = points.copy()
        blocks = []
        for order in range(2, max(CHAR_ORDERS) + 1):
            # hash of the `order` characters ending at each position, from the one ending just before
            rolling[1:] = rolling[:-1] * _BASE + points[1:]
            if order in CHAR_ORDERS:
                blocks.append(self._block(self._buckets(rolling[context:] + np.uint64(order)), indptr))
        return blocks

    def _word_blocks(self, joined: str, count: int) -> list[sparse.csr_matrix]:
        tokens = _TOKENS.findall(joined) if count else []
        line_end = np.array([token == _LINE_END for token in tokens], dtype=np.bool_)
        word_document = np.cumsum(line_end, dtype=np.int64)[~line_end]
        word_hash = _hash_words([token for token in tokens if token != _LINE_END]) + _WORD_SALT
        same_text = word_document[1:] == word_document[:-1]
        bigram = (word_hash[:-1] * _BIGRAM_SALT + word_hash[1:])[same_text]
        return [
            self._block(self._buckets(word_hash), _indptr(word_document, count)),
            self._block(self._buckets(bigram), _indptr(word_document[1:][same_text], count)),
        ]


def _indptr(rows: npt.NDArray[np.int64], count: int) -> npt.NDArray[np.int64]:
    indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=count), out=indptr[1:])
    return indptr


def _hash_words(words: list[str]) -> UInt64Array:
    """A polynomial hash of each word, computed for all words at once from prefix sums."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    points = _code_points("".join(words))
    lengths = np.array(list(map(len, words)), dtype=np.int64)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    powers = _powers(len(points) + 1)
    prefix = np.zeros(len(points) + 1, dtype=np.uint64)
    np.cumsum(points * powers[:-1], out=prefix[1:])
    inverse = np.uint64(pow(int(_BASE), -1, 1 << 64))
    # (prefix[end] - prefix[start]) is the word's hash times BASE**start; undo that factor.
    hashes: UInt64Array = (prefix[ends] - prefix[starts]) * _inverse_powers(inverse, starts)
    return hashes


def _powers(count: int) -> UInt64Array:
    powers = np.full(count, _BASE, dtype=np.uint64)
    powers[0] = 1
    return np.multiply.accumulate(powers)


def _inverse_powers(inverse: np.uint64, exponents: npt.NDArray[np.int64]) -> UInt64Array:
    table = np.full(int(exponents.max()) + 1, inverse, dtype=np.uint64)
    table[0] = 1
    return np.multiply.accumulate(table)[exponents]
