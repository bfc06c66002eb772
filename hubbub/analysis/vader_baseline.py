"""The baseline the trained analysis is measured against: py3langid per post and the VADER lexicon.

This was hubbub's first analyser; `hubbub eval` and the benchmarks keep it to compare with, in the same
run. Both models come inside their packages, so nothing is downloaded at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import py3langid
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from hubbub.core.posts import Post

# VADER's documented thresholds on the compound score (Hutto & Gilbert, 2014).
POSITIVE_FROM = 0.05
NEGATIVE_UPTO = -0.05
# Texts with fewer letters than this carry too little signal for language identification; counting
# letters, not characters, keeps emoji, digits and punctuation from being labelled with a language.
MIN_LANGUAGE_CHARS = 12


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Negative, neutral or positive, and a score from -1 (most negative) to 1 (most positive)."""

    label: str
    score: float


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language, or "" when the text is too short to tell."""
    if sum(char.isalpha() for char in text) < MIN_LANGUAGE_CHARS:
        return ""
    language, _ = py3langid.classify(text)
    return str(language)


def score_sentiment(text: str) -> Sentiment:
    """The text's sentiment from the VADER lexicon."""
    compound = float(_vader().polarity_scores(text)["compound"])
    if compound >= POSITIVE_FROM:
        return Sentiment("positive", compound)
    if compound <= NEGATIVE_UPTO:
        return Sentiment("negative", compound)
    return Sentiment("neutral", compound)


def analyse(posts: list[Post]) -> list[Post]:
    """Pipeline stage: language and sentiment of each post."""
    analysed = []
    for post in posts:
        sentiment = score_sentiment(post.text)
        analysed.append(
            replace(
                post,
                language=detect_language(post.text),
                sentiment=sentiment.label,
                sentiment_score=round(sentiment.score, 4),
            )
        )
    return analysed
