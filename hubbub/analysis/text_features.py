"""Hashed text features for a whole batch at once: character n-grams, word unigrams and bigrams.

Every post of a micro-batch is laid end to end as one array of code points, and the n-grams' hashes are
computed for all posts together with numpy (polynomial hashes, wrapping at 2**64), so no Python loop
runs per post, word or n-gram. The hash is fixed arithmetic, not Python's salted `hash()`: the same
text gives the same features in every process, which is what lets a model trained once ship as
package data.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import numpy.typing as npt
from scipy import sparse

# Longer posts are cut for the models: a tweet-sized window carries the tone, and a 1 MB post must cost
# no more than a long one.
MAX_FEATURE_CHARS = 1_000
CHAR_ORDERS = (2, 3, 4, 5)  # the default; the trained featuriser stores its own (see heads.py)

_URL = re.compile(r"http\S*|www\.\S+")
# Each alone has a literal prefix, which re finds several times faster than the alternation's.
_HTTP = re.compile(r"http\S*")
_WWW = re.compile(r"www\.\S+")
_MENTION = re.compile(r"@\w+")
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")
_NEWLINE = 10
_SPACE = 32

_BASE = np.uint64(0x100000001B3)  # an odd multiplier: invertible modulo 2**64
_MIX = np.uint64(0x9E3779B97F4A7C15)  # the top bits of hash x MIX are the bucket
_WORD_SALT = np.uint64(0x5851F42D4C957F2D)
_BIGRAM_SALT = np.uint64(0x14057B7EF767814F)

UInt64Array = npt.NDArray[np.uint64]
UInt32Array = npt.NDArray[np.uint32]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


def normalise_texts(texts: list[str]) -> list[str]:
    """Lower case, mentions and links as placeholders, stretched letters shortened ("soooo" → "soo")."""
    return _normalise_joined(texts).split("\n") if texts else []


def _code_points(text: str) -> UInt32Array:
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


def _normalise_joined(texts: list[str]) -> str:
    """The normalised texts of the batch, one text a line."""
    # One pass of each pattern over the whole batch, one text a line: no pattern crosses a line.
    # Escapes like "\u2019" are how TweetEval's files (and exports like them) spell characters.
    text = "\n".join(text[:MAX_FEATURE_CHARS].replace("\n", " ") for text in texts)
    if "\\u" in text:
        text = _ESCAPED.sub(_unescape, text)
    return _squeeze_stretches(_MENTION.sub(" @user ", _links_as_placeholders(text.lower())))


def _links_as_placeholders(text: str) -> str:
    if "www." not in text:
        return _HTTP.sub(" http ", text)
    return _URL.sub(" http ", text) if "http" in text else _WWW.sub(" http ", text)


def _squeeze_stretches(text: str) -> str:
    """Runs of three or more of one character cut to two, for every text of the batch at once."""
    points = _code_points(text)
    stretched = np.zeros(len(points), dtype=np.bool_)
    stretched[2:] = (points[2:] == points[1:-1]) & (points[2:] == points[:-2]) & (points[2:] != _NEWLINE)
    if not stretched.any():
        return text
    return points[~stretched].tobytes().decode("utf-32-le", errors="surrogatepass")


def _unescape(match: re.Match[str]) -> str:
    character = chr(int(match.group(1), 16))
    return " " if character.isspace() else character


def _ones(count: int) -> FloatArray:
    """`count` ones (read-only), cut from one shared row: a block's values cost no allocation."""
    return _ones_row(1 << max(20, (count - 1).bit_length()))[:count]


@cache
def _ones_row(size: int) -> FloatArray:
    ones = np.ones(size, dtype=np.float32)
    ones.flags.writeable = False
    return ones


@cache
def _token_classes() -> npt.NDArray[np.uint8]:
    """Each code point of the Basic Multilingual Plane as a space (0), word (1) or punctuation (2)
    character, or the line end (3) between texts: the classes of the regular expression
    `[^\\s!-/:-@\\[-`{-~]+|[!-/:-@\\[-`{-~]|\\n` (re's `\\s` is exactly `str.isspace`)."""
    classes = np.ones(0x10000, dtype=np.uint8)
    classes[[point for point in range(0x10000) if chr(point).isspace()]] = 0
    for first, last in ("!/", ":@", "[`", "{~"):
        classes[ord(first) : ord(last) + 1] = 2
    classes[_NEWLINE] = 3
    return classes


class _PowerTables:
    """BASE**k and BASE**-k modulo 2**64, grown as longer batches come."""

    def __init__(self) -> None:
        self.powers = np.ones(1, dtype=np.uint64)
        self.inverses = np.ones(1, dtype=np.uint64)

    def up_to(self, count: int) -> tuple[UInt64Array, UInt64Array]:
        if len(self.powers) < count:
            size = max(count, 2 * len(self.powers))
            self.powers = _geometric(_BASE, size)
            self.inverses = _geometric(np.uint64(pow(int(_BASE), -1, 1 << 64)), size)
        return self.powers, self.inverses


def _geometric(ratio: np.uint64, count: int) -> UInt64Array:
    powers = np.full(count, ratio, dtype=np.uint64)
    powers[0] = 1
    return np.multiply.accumulate(powers)


_POWERS = _PowerTables()


class HashedFeatures:
    """Maps texts to hashed n-gram features over `2**bits` buckets, weighted by idf."""

    def __init__(
        self,
        bits: int,
        idf: npt.NDArray[np.float32] | None = None,
        char_orders: tuple[int, ...] = CHAR_ORDERS,
    ) -> None:
        self.bits = bits
        self.idf = idf
        self.char_orders = char_orders

    def blocks(self, texts: list[str]) -> tuple[list[sparse.csr_matrix], FloatArray]:
        """N-gram counts as one matrix per kind (character n-grams, words, word pairs), each built
        without sorting, and the number of n-grams of each text."""
        if not texts:
            empty = sparse.csr_matrix((0, 1 << self.bits), dtype=np.float32)
            return [empty, empty, empty], np.zeros(0, dtype=np.float32)
        joined = _normalise_joined(texts)
        points = _code_points(joined)
        line_ends = np.flatnonzero(points == _NEWLINE)
        lengths = np.diff(line_ends, prepend=-1, append=len(points)) - 1
        blocks = [self._char_block(joined, lengths), *self._word_blocks(points, line_ends)]
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
        total /= np.sqrt(np.maximum(sizes, 1.0))[:, None]
        return total

    def fold_idf(self, weights: FloatArray) -> FloatArray:
        """Weights (buckets x labels) with each bucket's idf multiplied in, for `scores`."""
        return weights if self.idf is None else (weights * self.idf[:, None]).astype(np.float32)

    def _buckets(self, hashes: UInt64Array) -> npt.NDArray[np.int32]:
        return ((hashes * _MIX) >> np.uint64(64 - self.bits)).astype(np.int32)

    def _buckets_into(self, hashes: UInt64Array, out: npt.NDArray[np.int32]) -> None:
        """`_buckets(hashes)` written into `out`; `hashes` is overwritten."""
        np.multiply(hashes, _MIX, out=hashes)
        np.right_shift(hashes, np.uint64(64 - self.bits), out=hashes)
        np.copyto(out, hashes, casting="unsafe")

    def _block(self, buckets: npt.NDArray[np.int32], indptr: IntArray) -> sparse.csr_matrix:
        return sparse.csr_matrix(
            (_ones(len(buckets)), buckets, indptr),
            shape=(len(indptr) - 1, 1 << self.bits),
        )

    def _char_block(self, joined: str, lengths: IntArray) -> sparse.csr_matrix:
        # Each text as " text " followed by a run of NUL separators, and one run before the first: every
        # n-gram then ends inside one text's segment and sees only that text and separators, whatever its
        # neighbours in the batch, so no n-gram needs to be masked out.
        orders = self.char_orders
        context = max(orders) - 1
        separator = "\0" * context
        laid = f"{separator} {joined.replace(chr(_NEWLINE), f' {separator} ')} {separator}"
        points = _code_points(laid).astype(np.uint64) + np.uint64(1)  # plus one: NUL changes a hash
        rolling, scratch = points.copy(), np.empty_like(points)
        buckets = np.empty((len(points) - context, len(orders)), dtype=np.int32)
        for order in range(2, max(orders) + 1):
            # hash of the `order` characters ending at each position, from the one ending just before
            np.multiply(rolling[:-1], _BASE, out=scratch[:-1])
            np.add(scratch[:-1], points[1:], out=rolling[1:])
            if order in orders:
                np.add(rolling[context:], np.uint64(order), out=scratch[context:])
                self._buckets_into(scratch[context:], buckets[:, orders.index(order)])
        segments = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths + (2 + context), out=segments[1:])
        # One row of `buckets` per position: a text's n-grams of every order are consecutive.
        return self._block(buckets.reshape(-1), segments * len(orders))

    def _word_blocks(self, points: UInt32Array, line_ends: IntArray) -> list[sparse.csr_matrix]:
        starts, ends, documents = _tokens(points, line_ends)
        count = len(line_ends) + 1
        word_hash = _hash_spans(points, starts, ends) + _WORD_SALT
        same_text = documents[1:] == documents[:-1]
        bigram = (word_hash[:-1] * _BIGRAM_SALT + word_hash[1:])[same_text]
        return [
            self._block(self._buckets(word_hash), _indptr(documents, count)),
            self._block(self._buckets(bigram), _indptr(documents[1:][same_text], count)),
        ]


def _tokens(points: UInt32Array, line_ends: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Where each token (a run of word characters, or one ASCII punctuation mark) starts and ends,
    and which text (line) it belongs to."""
    classes = _token_classes()[np.minimum(points, 0xFFFF)]
    word = classes == 1
    punctuation = classes == 2
    first = word.copy()
    first[1:] &= ~word[:-1]
    last = word.copy()
    last[:-1] &= ~word[1:]
    starts = np.flatnonzero(first | punctuation)
    ends = np.flatnonzero(last | punctuation) + 1
    documents = np.searchsorted(line_ends, starts).astype(np.int64)
    return starts, ends, documents


def _hash_spans(points: UInt32Array, starts: IntArray, ends: IntArray) -> UInt64Array:
    """The polynomial hash of each span `points[start:end]` (code points plus one), all at once from
    prefix sums: the same value wherever the span sits."""
    if not len(starts):
        return np.zeros(0, dtype=np.uint64)
    powers, inverses = _POWERS.up_to(len(points) + 1)
    prefix = np.zeros(len(points) + 1, dtype=np.uint64)
    np.cumsum((points.astype(np.uint64) + np.uint64(1)) * powers[: len(points)], out=prefix[1:])
    # (prefix[end] - prefix[start]) is the span's hash times BASE**start; undo that factor.
    hashes: UInt64Array = (prefix[ends] - prefix[starts]) * inverses[starts]
    return hashes


def _indptr(rows: IntArray, count: int) -> IntArray:
    return np.searchsorted(rows, np.arange(count + 1)).astype(np.int64)
