"""The analyser: every model loaded once, applied to a whole micro-batch of texts at a time.

Language (py3langid, batched), tracked terms (through the matcher the caller passes in), and six
linear heads over one shared hashed feature matrix (sentiment, emotion, irony, offensive, hate,
customer service) scored in a single sparse matrix product; then the pure policies: intent and call
for help, the RightNow decision, virality risk and urgency, each with its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from hubbub.analysis.decision import NONE, Signals, decide_response
from hubbub.analysis.heads import MODELS_DIR, FloatArray, LinearHead, load_features, softmax
from hubbub.analysis.intent import OTHER, IntentSignals, classify_intent, find_cues
from hubbub.analysis.language import LanguageIdentifier, language_identifier
from hubbub.analysis.text_checks import check_text
from hubbub.analysis.urgency import UrgencyInputs, score_urgency
from hubbub.analysis.virality import Engagement, Risk, level_of, score_virality
from hubbub.core.posts import MAX_TEXT_CHARS

HEADS = ("sentiment", "emotion", "irony", "offensive", "hate", "service")
_NO_RISK = Risk(0, level_of(0), ())


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the analysis says about one post, each judgement with its reason."""

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


class _Heads(NamedTuple):
    """One post's head outputs, as the policies read them."""

    sentiment: str
    negative: float
    positive: float
    emotion: str
    emotion_score: float
    irony: float
    offensive: float
    hate: float
    help_score: float
    service: str


@dataclass(frozen=True, slots=True)
class _Post:
    """What the per-post policies read besides the heads' probabilities."""

    text: str
    language: str
    cues: frozenset[str]
    followers: int
    engagement: Engagement
    note: str


def _no_terms(_text: str) -> tuple[str, ...]:
    return ()


def rejected_analysis(reason: str) -> Analysis:
    """The documented result for a text that cannot be analysed: neutral, no action, and why."""
    return Analysis(
        language="", sentiment="neutral", sentiment_score=0.0, emotion="", emotion_score=0.0,
        intent=OTHER, intent_reason=reason, decision=NONE, decision_reason=f"not analysed: {reason}",
        call_for_help=False, call_for_help_score=0.0, irony=0.0, offensive=0.0,
        virality_risk=_NO_RISK, urgency=_NO_RISK, rejected=reason,
    )  # fmt: skip


class Analyser:
    """All analysis models, loaded once; `analyse_texts` runs them over a micro-batch."""

    def __init__(
        self,
        find_terms: Callable[[str], tuple[str, ...]] | None = None,
        models: Path = MODELS_DIR,
        languages: LanguageIdentifier | None = None,
    ) -> None:
        self.features = load_features(models)
        heads = [LinearHead.load(task, models) for task in HEADS]
        self.labels = {head.task: head.labels for head in heads}
        self._weights = self.features.fold_idf(np.hstack([head.weights for head in heads]))
        self._bias = np.concatenate([head.bias for head in heads])
        ends = np.cumsum([len(head.labels) for head in heads])
        self._columns = {
            head.task: slice(end - len(head.labels), end) for head, end in zip(heads, ends, strict=True)
        }
        self.languages = languages or language_identifier()
        # Tracked terms belong to listening, a sibling package: the caller passes its matcher in.
        self.find_terms = find_terms or _no_terms

    def probabilities(self, texts: list[str]) -> dict[str, FloatArray]:
        """Each head's label probabilities for each text (texts x labels)."""
        scores = self.features.scores(texts, self._weights) + self._bias
        return {task: softmax(scores[:, columns]) for task, columns in self._columns.items()}

    def analyse_texts(
        self,
        texts: Sequence[str],
        followers: Sequence[int] | None = None,
        engagement: Sequence[Engagement] | None = None,
    ) -> list[Analysis]:
        """One analysis per text, in order; bad texts get `rejected_analysis` and never stop the batch."""
        checks = [check_text(text, MAX_TEXT_CHARS) for text in texts]
        usable = [i for i, check in enumerate(checks) if not check.rejected]
        clean = [checks[i].text for i in usable]
        results = [rejected_analysis(check.rejected) if check.rejected else None for check in checks]
        if not clean:
            return [rejected_analysis(check.rejected) for check in checks]
        heads = self._head_values(self.probabilities(clean))
        languages = self.languages.identify(clean)
        cues = find_cues(clean)
        for row, index in enumerate(usable):
            post = _Post(
                clean[row],
                languages[row],
                cues[row],
                followers[index] if followers else 0,
                engagement[index] if engagement else Engagement(),
                checks[index].note,
            )
            results[index] = self._analyse_one(post, heads[row])
        return [result for result in results if result is not None]

    def _head_values(self, probabilities: dict[str, FloatArray]) -> list[_Heads]:
        """What the policies read from the heads, for every row at once (labels, rounded chances)."""

        def label(task: str, choices: FloatArray) -> list[str]:
            return [self.labels[task][best] for best in choices.argmax(axis=1).tolist()]

        def chance(task: str, name: str) -> list[float]:
            column = probabilities[task][:, self.labels[task].index(name)]
            return [float(value) for value in np.round(column.astype(np.float64), 4).tolist()]

        service = probabilities["service"]
        wanted = [self.labels["service"].index(name) for name in ("request", "complaint", "contact")]
        emotion = probabilities["emotion"]
        return [
            _Heads(*values)
            for values in zip(
                label("sentiment", probabilities["sentiment"]),
                chance("sentiment", "negative"),
                chance("sentiment", "positive"),
                label("emotion", emotion),
                np.round(emotion.max(axis=1).astype(np.float64), 4).tolist(),
                chance("irony", "irony"),
                chance("offensive", "offensive"),
                chance("hate", "hate"),
                [round(1.0 - value, 4) for value in chance("service", "chatter")],
                [("request", "complaint", "contact")[i] for i in service[:, wanted].argmax(axis=1).tolist()],
                strict=True,
            )
        ]

    def _analyse_one(self, post: _Post, heads: _Heads) -> Analysis:
        intent = classify_intent(
            IntentSignals(
                post.cues, heads.sentiment, heads.positive, heads.help_score, heads.service, heads.offensive,
                heads.hate,
            )
        )  # fmt: skip
        decision = decide_response(
            Signals(
                intent.label, heads.sentiment, heads.emotion, heads.emotion_score, heads.irony,
                heads.offensive, intent.call_for_help,
            )
        )  # fmt: skip
        virality = score_virality(post.followers, post.engagement, heads.negative)
        urgency = score_urgency(UrgencyInputs(virality, intent.call_for_help, intent.label, heads.negative))
        return Analysis(
            language=post.language, sentiment=heads.sentiment,
            sentiment_score=round(heads.positive - heads.negative, 4), emotion=heads.emotion,
            emotion_score=heads.emotion_score, intent=intent.label, intent_reason=intent.reason,
            decision=decision.action, decision_reason=decision.reason, call_for_help=intent.call_for_help,
            call_for_help_score=intent.help_score, irony=heads.irony, offensive=heads.offensive,
            virality_risk=virality, urgency=urgency,
            matched_terms=self.find_terms(post.text), note=post.note,
        )  # fmt: skip
