"""Whole-word matching of many terms at once (Aho-Corasick), ignoring case and accents.

Terms are data, never regular expressions: an admin's term cannot cause catastrophic backtracking.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from hubbub.core.text import fold

K = TypeVar("K", bound=Hashable)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True, slots=True)
class Match(Generic[K]):
    """A term found in a text, and the key it was registered with."""

    term: str
    key: K


class Matcher(Generic[K]):
    """Finds whole-word occurrences of registered terms; each term carries a key (a topic, a brand)."""

    def __init__(self, terms: Iterable[tuple[str, K]]) -> None:
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, K]]] = {}
        for term, key in terms:
            folded = fold(term.strip())
            if folded:
                entries.setdefault(folded, []).append((term.strip(), key))
        for folded, payload in entries.items():
            self._automaton.add_word(folded, (len(folded), tuple(payload)))
        self._empty = not entries
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Match[K]]:
        """Every registered term found in `text` as a whole word or hashtag, first occurrence only."""
        if self._empty or not text:
            return []
        folded = fold(text)
        found: dict[tuple[str, K], Match[K]] = {}
        for end, (length, payload) in self._automaton.iter(folded):
            start = end - length + 1
            before = folded[start - 1] if start > 0 else " "
            after = folded[end + 1] if end + 1 < len(folded) else " "
            # Whole words only. A plain term also matches its hashtag ("sale" in "#sale"), but a
            # hashtag term must not match inside "##sale" or "x#sale".
            if _is_word_char(before) or _is_word_char(after) or (before == "#" and payload[0][0][0] == "#"):
                continue
            for term, key in payload:
                found.setdefault((term, key), Match(term=term, key=key))
        return list(found.values())
