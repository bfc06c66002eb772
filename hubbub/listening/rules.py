"""What an admin writes for a topic (terms, exclusions, languages), parsed and bounded. Pure: no database.

Terms are literal text for the Aho-Corasick matcher, never patterns, so nothing an admin writes can
make matching slow; these bounds keep one topic from growing without limit.
"""

from __future__ import annotations

import re

MAX_TERM_CHARS = 100
MAX_TERMS_PER_TOPIC = 200
MAX_LANGUAGES = 20
MAX_LANGUAGES_CHARS = 100
_SEPARATORS = re.compile(r"[\s,;]+")


class RuleError(ValueError):
    """Something an admin wrote that cannot be a term, exclusion or language list; says what."""


def parse_terms(text: str, *, what: str = "term") -> tuple[str, ...]:
    """One term per line, trimmed, blank lines skipped, repeats (ignoring case) kept once."""
    terms: dict[str, str] = {}
    for line in text.splitlines():
        term = " ".join(line.split())
        if not term:
            continue
        if len(term) > MAX_TERM_CHARS:
            raise RuleError(f"A {what} has at most {MAX_TERM_CHARS} characters: {term[:40]}…")
        terms.setdefault(term.casefold(), term)
    if len(terms) > MAX_TERMS_PER_TOPIC:
        raise RuleError(f"A topic has at most {MAX_TERMS_PER_TOPIC} {what}s; this list has {len(terms)}.")
    return tuple(terms.values())


def parse_languages(text: str) -> tuple[str, ...]:
    """ISO 639-1 (or 639-3) codes separated by commas or spaces, lower-cased, each kept once."""
    if len(text) > MAX_LANGUAGES_CHARS:
        raise RuleError(f"Write at most {MAX_LANGUAGES_CHARS} characters of language codes.")
    codes = tuple(dict.fromkeys(code.lower() for code in _SEPARATORS.split(text) if code))
    wrong = [code for code in codes if not (code.isascii() and code.isalpha() and len(code) in (2, 3))]
    if wrong:
        raise RuleError(f"Not a language code: {wrong[0][:20]}. Use ISO codes such as en, es, pt.")
    if len(codes) > MAX_LANGUAGES:
        raise RuleError(f"A topic listens to at most {MAX_LANGUAGES} languages.")
    return codes


def format_languages(codes: tuple[str, ...] | list[str]) -> str:
    """The stored form of a language list: "en,es"; empty for every language."""
    return ",".join(codes)
