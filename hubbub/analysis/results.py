"""What the analysis says: every field of a batch as columns, and one post's `Analysis` read from them.

The analyser computes each field for the whole batch at once (numpy arrays of labels, scores and rule
numbers); the words (labels, reasons, the parts of virality and urgency) are filled in when a post's
`Analysis` is read, from the same rules and point functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from hubbub.analysis.decision import NONE, decision_of
from hubbub.analysis.intent import INTENTS, OTHER, intent_reason
from hubbub.analysis.urgency import UrgencyInputs, score_urgency
from hubbub.analysis.virality import Engagement, Risk, level_of, score_virality

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_NO_RISK = Risk(0, level_of(0), ())


class Analysis(NamedTuple):
    """Everything the analysis says about one post, each judgement with its reason.

    A named tuple rather than a frozen dataclass: one is built per post on the hot path, and a tuple
    builds several times faster; it is just as immutable."""

    language: str
    sentiment: str
    sentiment_score: float  # P(positive) - P(negative), from -1 to 1
    emotion: str
    emotion_score: float
    intent: str
    intent_reason: str
    decision: str
    decision_reason: str
    call_for_help: bool
    call_for_help_score: float
    irony: float
    offensive: float
    virality_risk: Risk
    urgency: Risk
    matched_terms: tuple[str, ...] = ()
    rejected: str = ""  # why the text was not analysed ("" when it was)
    note: str = ""  # what was done to analyse it (e.g. truncated)

    def as_json(self) -> dict[str, Any]:
        """A flat JSON-ready dict (the `hubbub analyze` line): each label under the issue's field name,
        its score and reason beside it."""
        return {
            "language": self.language,
            "sentiment": self.sentiment,
            "sentiment_score": self.sentiment_score,
            "emotion": self.emotion,
            "emotion_score": self.emotion_score,
            "intent": self.intent,
            "intent_reason": self.intent_reason,
            "decision": self.decision,
            "decision_reason": self.decision_reason,
            "call_for_help": self.call_for_help,
            "call_for_help_score": self.call_for_help_score,
            "irony": self.irony,
            "offensive": self.offensive,
            "virality_risk": self.virality_risk.score,
            "virality_level": self.virality_risk.level,
            "virality_parts": _parts_json(self.virality_risk),
            "urgency": self.urgency.score,
            "urgency_level": self.urgency.level,
            "urgency_parts": _parts_json(self.urgency),
            "matched_terms": list(self.matched_terms),
            "rejected": self.rejected or None,
            "note": self.note or None,
        }


def _parts_json(risk: Risk) -> list[dict[str, Any]]:
    return [{"label": part.label, "points": part.points} for part in risk.parts]


def rejected_analysis(reason: str) -> Analysis:
    """The documented result for a text that cannot be analysed: neutral, no action, and why."""
    return Analysis(
        language="", sentiment="neutral", sentiment_score=0.0, emotion="", emotion_score=0.0,
        intent=OTHER, intent_reason=reason, decision=NONE, decision_reason=f"not analysed: {reason}",
        call_for_help=False, call_for_help_score=0.0, irony=0.0, offensive=0.0,
        virality_risk=_NO_RISK, urgency=_NO_RISK, rejected=reason,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Columns:
    """Every field of the analysed posts of a batch, one entry per analysed post."""

    sentiment_labels: tuple[str, ...]
    emotion_labels: tuple[str, ...]
    language: list[str]
    sentiment: IntArray  # an index into sentiment_labels
    sentiment_score: FloatArray
    negative: FloatArray  # P(negative sentiment), which virality and urgency read
    positive: FloatArray
    emotion: IntArray  # an index into emotion_labels
    emotion_score: FloatArray
    intent: IntArray  # an index into INTENTS
    abuse: FloatArray  # max(P(offensive), P(hate)), which a rant's reason quotes
    call_for_help: BoolArray
    help_score: FloatArray
    decision: IntArray  # an index into decision.RULES
    irony: FloatArray
    offensive: FloatArray
    followers: IntArray
    engagement: list[Engagement]
    virality: IntArray
    virality_level: IntArray  # an index into virality.LEVELS
    urgency: IntArray
    urgency_level: IntArray
    matched_terms: list[tuple[str, ...]]

    def analyses(self, notes: list[str]) -> Iterator[Analysis]:
        """Each analysed post's `Analysis`, its note from `notes`."""
        rows = zip(
            self.language, self.sentiment.tolist(), self.sentiment_score.tolist(), self.negative.tolist(),
            self.positive.tolist(), self.emotion.tolist(), self.emotion_score.tolist(), self.intent.tolist(),
            self.abuse.tolist(), self.call_for_help.tolist(), self.help_score.tolist(),
            self.decision.tolist(), self.irony.tolist(), self.offensive.tolist(), self.followers.tolist(),
            self.engagement, self.matched_terms, notes, strict=True,
        )  # fmt: skip
        return (self._analysis(_Row(*row)) for row in rows)

    def _analysis(self, row: _Row) -> Analysis:
        intent = INTENTS[row.intent]
        decision = decision_of(row.decision, intent, row.irony)
        virality = score_virality(row.followers, row.engagement, row.negative)
        urgency = score_urgency(UrgencyInputs(virality, row.call_for_help, intent, row.negative))
        return Analysis(
            row.language, self.sentiment_labels[row.sentiment], row.sentiment_score,
            self.emotion_labels[row.emotion], row.emotion_score, intent,
            intent_reason(intent, row.abuse, row.help_score, row.positive), decision.action, decision.reason,
            row.call_for_help, row.help_score, row.irony, row.offensive, virality, urgency, row.matched_terms,
            "", row.note,
        )  # fmt: skip


class _Row(NamedTuple):
    """One analysed post's values, read from the columns."""

    language: str
    sentiment: int
    sentiment_score: float
    negative: float
    positive: float
    emotion: int
    emotion_score: float
    intent: int
    abuse: float
    call_for_help: bool
    help_score: float
    decision: int
    irony: float
    offensive: float
    followers: int
    engagement: Engagement
    matched_terms: tuple[str, ...]
    note: str


class AnalysisBatch(Sequence[Analysis]):
    """The analysis of a batch: `columns` for the texts that were analysed (`analysed` says which), the
    reason for each text that was not, and each text's `Analysis` by index, in order."""

    def __init__(self, rejected: list[str], notes: list[str], analysed: list[int], columns: Columns) -> None:
        self.rejected = rejected
        self.notes = notes
        self.analysed = analysed
        self.columns = columns
        self._analyses: list[Analysis] | None = None

    def __len__(self) -> int:
        return len(self.rejected)

    @overload
    def __getitem__(self, index: int) -> Analysis: ...

    @overload
    def __getitem__(self, index: slice) -> list[Analysis]: ...

    def __getitem__(self, index: int | slice) -> Analysis | list[Analysis]:
        return self.analyses()[index]

    def analyses(self) -> list[Analysis]:
        """Every text's `Analysis`, in order, built on first use."""
        if self._analyses is None:
            analyses = [rejected_analysis(reason) if reason else None for reason in self.rejected]
            notes = [self.notes[index] for index in self.analysed]
            for index, analysis in zip(self.analysed, self.columns.analyses(notes), strict=True):
                analyses[index] = analysis
            self._analyses = [analysis for analysis in analyses if analysis is not None]
        return self._analyses
