"""Intent of a post, and whether it is a (possibly hidden) call for help. Pure.

The trained `service` head tells customer-service messages (request, complaint, contact) from everyday
chatter; the `offensive` and `hate` heads find abuse. A few phrase cues cover what no labelled set here
teaches: a question's shape, a request to be contacted, complaint phrases and claims that may be
incorrect facts (rumours, hoaxes). Cues are fixed phrases, never built from a post's text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache

import ahocorasick
import numpy as np

QUESTION = "question"
COMPLAINT = "complaint"
PRAISE = "praise"
INCORRECT_FACTS = "incorrect_facts"
CONTACT_REQUEST = "contact_request"
RANT = "rant"
OTHER = "other"
INTENTS = (QUESTION, COMPLAINT, PRAISE, INCORRECT_FACTS, CONTACT_REQUEST, RANT, OTHER)

ABUSE_FROM = 0.6
HELP_FROM = 0.5
PRAISE_FROM = 0.6

# Phrase cues, matched as whole words in lower-cased text with an Aho-Corasick automaton (one C pass
# over the whole batch). Phrases are fixed here, never taken from a post.
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
# Question words count only at the start of a post ("how" inside "that's how it is" asks nothing).
_OPENERS_ONLY = frozenset(CUE_PHRASES["question"]) - {"?"}
_NO_CUES: frozenset[str] = frozenset()


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for cue, phrases in CUE_PHRASES.items():
        for phrase in phrases:
            automaton.add_word(phrase, (cue, phrase))
    automaton.make_automaton()
    return automaton


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def find_cues(texts: list[str]) -> list[frozenset[str]]:
    """Which phrase cues each text has, found in one pass over the whole batch."""
    joined = "\n".join(text.replace("\n", " ") for text in texts).lower()
    line_starts = np.cumsum([0, *(len(text) + 1 for text in texts)])[:-1].tolist()
    found: list[set[str]] = [set() for _ in texts]
    for end, (cue, phrase) in _automaton().iter(joined):
        start = end - len(phrase) + 1
        before = joined[start - 1] if start > 0 else "\n"
        after = joined[end + 1] if end + 1 < len(joined) else "\n"
        if phrase != "?" and (_is_word_char(before) or _is_word_char(after)):
            continue
        if phrase in _OPENERS_ONLY and before != "\n":
            continue
        found[bisect.bisect_right(line_starts, start) - 1].add(cue)
    return [frozenset(cues) if cues else _NO_CUES for cues in found]


@dataclass(frozen=True, slots=True)
class IntentSignals:
    """The heads' probabilities and the phrase cues (see `find_cues`) that intent reads."""

    cues: frozenset[str]
    sentiment: str
    positive: float
    help_score: float  # 1 - P(chatter) from the service head: how much it reads as a customer's message
    service: str  # the service head's likeliest of request, complaint, contact
    offensive: float
    hate: float


@dataclass(frozen=True, slots=True)
class Intent:
    """The intent, why, and whether the post asks for help (even without addressing the brand)."""

    label: str
    reason: str
    call_for_help: bool
    help_score: float


def classify_intent(signals: IntentSignals) -> Intent:
    """One of INTENTS, from the heads and the phrase cues, in order of what the brand must act on."""
    needs_help = signals.help_score >= HELP_FROM
    label, reason = _label(signals, needs_help)
    return Intent(label, reason, needs_help and label != RANT, signals.help_score)


def _label(signals: IntentSignals, needs_help: bool) -> tuple[str, str]:  # noqa: PLR0911 (one rule a line)
    abuse = max(signals.offensive, signals.hate)
    service = signals.service
    if abuse >= ABUSE_FROM and not needs_help:
        return RANT, f"abusive or offensive language ({abuse:.0%})"
    if "contact" in signals.cues or (needs_help and service == "contact"):
        return CONTACT_REQUEST, "asks to be contacted or to speak to a person"
    if "misinformation" in signals.cues:
        return INCORRECT_FACTS, "repeats a claim or rumour that may be incorrect"
    if "complaint" in signals.cues or (
        needs_help and (service == "complaint" or signals.sentiment == "negative")
    ):
        return (
            COMPLAINT,
            f"a problem with a product or service (customer-service message {signals.help_score:.0%})",
        )
    if "question" in signals.cues or needs_help:
        return QUESTION, "asks a question or for something to be done"
    if signals.sentiment == "positive" and signals.positive >= PRAISE_FROM:
        return PRAISE, f"positive ({signals.positive:.0%})"
    return OTHER, "no question, complaint, request or praise found"
