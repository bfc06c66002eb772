"""Phrase cues of intent (a question's shape, a request to be contacted, complaint phrases, claims that
may be incorrect facts), found in every post of a batch at once. Pure.

Cues are fixed phrases, never built from a post's text, matched as whole words in lower-cased text.
The phrases are compiled into an Aho-Corasick automaton over the few characters they use; the batch is
cut into chunks walked side by side, one numpy step for all chunks, so no Python loop runs per
character or per post (a C automaton walked one character at a time costs ~15 ns a character here).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

CUE_PHRASES = {
    "question": (
        "?", "how", "what", "when", "where", "why", "who", "which", "can i", "can you", "could you", "does",
        "do you", "do i", "is it", "is there", "are you", "will you", "should i", "anyone know",
    ),
    "contact": (
        "dm me", "call me", "email me", "e-mail me", "contact me", "ring me", "phone me", "speak to a",
        "speak to someone", "talk to a", "talk to someone", "real person", "a human",
        "customer service number", "call back", "get back to me",
    ),
    "misinformation": (
        "i heard", "rumour", "rumor", "rumours", "rumors", "apparently", "hoax", "fake news", "they say",
        "is shutting down", "is going bankrupt", "is closing down", "causes cancer", "cause cancer",
        "is poison", "is toxic", "are toxic", "conspiracy",
    ),
    "complaint": (
        "still waiting", "still not", "still no", "not working", "doesn't work", "doesnt work", "broken",
        "refund", "charged twice", "worst", "never arrived", "never received", "cancel my", "cancelled my",
        "no response", "unacceptable", "ripped off", "scam", "overcharged", "disappointed", "complaint",
    ),
}  # fmt: skip
CUES = tuple(CUE_PHRASES)
# Question words count only at the start of a post ("how" inside "that's how it is" asks nothing).
OPENERS_ONLY = frozenset(CUE_PHRASES["question"]) - {"?"}
# Every other phrase is a whole word or words: no letter, digit or underscore just before or after.
_ANYWHERE = frozenset({"?"})
_CHUNK = 64
_NEWLINE = ord("\n")

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Automaton:
    """The phrases' Aho-Corasick automaton as numpy tables."""

    symbols: npt.NDArray[np.uint8]  # each ASCII code point's symbol (0: in no phrase)
    steps: npt.NDArray[np.intp]  # steps[state * alphabet + symbol]: the next state times alphabet
    alphabet: int
    emitting: int  # states from this one on end a phrase (one each), the others none
    outputs: IntArray  # the phrase ending at each emitting state
    phrases: tuple[str, ...]
    lengths: IntArray
    cues: IntArray  # each phrase's index into CUES
    opener: BoolArray
    whole_word: BoolArray
    depth: int  # the longest phrase


@cache
def _automaton() -> _Automaton:
    phrases = tuple(phrase for phrases in CUE_PHRASES.values() for phrase in phrases)
    alphabet = sorted({char for phrase in phrases for char in phrase})
    symbol = {char: index + 1 for index, char in enumerate(alphabet)}
    children, ends = _trie([[symbol[char] for char in phrase] for phrase in phrases])
    steps, outputs = _complete(children, ends, len(alphabet) + 1)
    symbols = np.zeros(128, dtype=np.uint8)
    symbols[[ord(char) for char in alphabet]] = [symbol[char] for char in alphabet]
    return _Automaton(
        symbols, (steps * (len(alphabet) + 1)).reshape(-1), len(alphabet) + 1, len(steps) - len(outputs),
        outputs, phrases, np.array([len(phrase) for phrase in phrases]),
        np.array([CUES.index(cue) for cue, group in CUE_PHRASES.items() for _ in group]),
        np.array([phrase in OPENERS_ONLY for phrase in phrases]),
        np.array([phrase not in _ANYWHERE for phrase in phrases]), max(map(len, phrases)),
    )  # fmt: skip


def _trie(words: list[list[int]]) -> tuple[list[dict[int, int]], list[list[int]]]:
    """The trie's children of each node, and the words that end at each node."""
    children: list[dict[int, int]] = [{}]
    ends: list[list[int]] = [[]]
    for index, word in enumerate(words):
        node = 0
        for symbol in word:
            if symbol not in children[node]:
                children[node][symbol] = len(children)
                children.append({})
                ends.append([])
            node = children[node][symbol]
        ends[node].append(index)
    return children, ends


def _complete(
    children: list[dict[int, int]], ends: list[list[int]], alphabet: int
) -> tuple[npt.NDArray[np.intp], IntArray]:
    """The automaton's full transition table (the trie plus failure links, breadth first), its states
    renumbered so that those where a phrase ends come last, and the phrase ending at each of those."""
    step = np.zeros((len(children), alphabet), dtype=np.intp)
    failure = [0] * len(children)
    found = [list(words) for words in ends]
    queue = deque([0])
    while queue:
        node = queue.popleft()
        for symbol in range(alphabet):
            child = children[node].get(symbol)
            if child is None:
                step[node, symbol] = step[failure[node], symbol] if node else 0
                continue
            step[node, symbol] = child
            failure[child] = step[failure[node], symbol] if node else 0
            found[child] += found[failure[child]]
            queue.append(child)
    # No cue phrase ends with another (checked here), so a state ends at most one phrase.
    assert max(map(len, found)) == 1
    order = sorted(range(len(found)), key=lambda node: bool(found[node]))  # stable: the root stays 0
    renumber = np.empty(len(order), dtype=np.intp)
    renumber[order] = np.arange(len(order))
    return renumber[step[order]], np.array([found[node][0] for node in order if found[node]])


def find_cues(texts: list[str]) -> BoolArray:
    """Which phrase cues each text has (texts x CUES)."""
    automaton = _automaton()
    found = np.zeros((len(texts), len(CUES)), dtype=np.bool_)
    joined = "\n".join(text.replace("\n", " ") for text in texts).lower()
    points = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    if not len(points):
        return found
    ends, phrase = _phrase_ends(automaton, automaton.symbols[np.minimum(points, 127)])
    starts = ends - automaton.lengths[phrase] + 1
    before = np.where(starts > 0, points[np.maximum(starts - 1, 0)], _NEWLINE)
    after = np.where(ends + 1 < len(points), points[np.minimum(ends + 1, len(points) - 1)], _NEWLINE)
    keep = ~(automaton.whole_word[phrase] & (_is_word_char(before) | _is_word_char(after)))
    keep &= ~automaton.opener[phrase] | (before == _NEWLINE)
    # Lines are found in the lower-cased text: lowering may change a text's length ("İ" → "i̇").
    lines = np.searchsorted(np.flatnonzero(points == _NEWLINE), starts[keep])
    found[lines, automaton.cues[phrase[keep]]] = True
    return found


def _phrase_ends(automaton: _Automaton, symbols: npt.NDArray[np.uint8]) -> tuple[IntArray, IntArray]:
    """Where a phrase ends (the index of its last symbol), and which phrase.

    Chunks of CHUNK symbols are walked side by side, one numpy step for all chunks, each starting
    `depth - 1` symbols early from the root: the automaton's state is the longest suffix read so far
    that begins a phrase, so it never depends on more than the last `depth` symbols."""
    context = automaton.depth - 1
    data = np.zeros(context + len(symbols) + (-len(symbols) % _CHUNK), dtype=np.uint8)
    data[context : context + len(symbols)] = symbols
    windows = np.lib.stride_tricks.sliding_window_view(data, _CHUNK + context)[::_CHUNK]
    steps = np.ascontiguousarray(windows.T)  # steps[t, k]: symbol t of chunk k
    states = np.empty((_CHUNK, steps.shape[1]), dtype=np.intp)  # states times the alphabet's size
    state = np.zeros(steps.shape[1], dtype=np.intp)
    for t in range(_CHUNK + context):
        state = automaton.steps[state + steps[t]]
        if t >= context:
            states[t - context] = state
    steps_in, chunks = np.nonzero(states >= automaton.emitting * automaton.alphabet)
    phrases = automaton.outputs[states[steps_in, chunks] // automaton.alphabet - automaton.emitting]
    return chunks * _CHUNK + steps_in, phrases


def _is_word_char(points: npt.NDArray[np.uint32]) -> BoolArray:
    """Letters, digits and the underscore (`str.isalnum` or "_"), for the few characters next to a match."""
    return np.array([chr(point).isalnum() or point == ord("_") for point in points.tolist()], dtype=np.bool_)
