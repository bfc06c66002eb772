"""The analyser: every model loaded once, applied to a whole micro-batch of texts at a time.

Language (py3langid's model, batched), tracked terms (through the matcher the caller passes in), and six
linear heads over one shared hashed feature matrix (sentiment, emotion, irony, offensive, hate,
customer service) scored in a single sparse matrix product; then the pure policies, each over the whole
batch at once: intent and call for help, the RightNow decision, virality risk and urgency, each with
its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from hubbub.analysis.cues import find_cues
from hubbub.analysis.decision import BatchSignals, decide_responses
from hubbub.analysis.heads import (
    MODELS_DIR,
    FloatArray,
    LinearHead,
    load_features,
    relative_to_last,
    softmax_relative_to_last,
)
from hubbub.analysis.intent import SERVICE_KINDS, IntentInputs, Intents, classify_intents
from hubbub.analysis.language import LanguageIdentifier, language_identifier
from hubbub.analysis.results import Analysis, AnalysisBatch, Columns, rejected_analysis
from hubbub.analysis.text_checks import check_texts
from hubbub.analysis.urgency import score_urgencies
from hubbub.analysis.virality import Engagement, levels_of, negative_percents, score_viralities
from hubbub.core.posts import MAX_TEXT_CHARS

__all__ = ["HEADS", "Analyser", "Analysis", "AnalysisBatch", "rejected_analysis"]

HEADS = ("sentiment", "emotion", "irony", "offensive", "hate", "service")
Float64Array = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _HeadColumns:
    """What the policies read from the heads, for every post: labels and chances rounded to 4 places."""

    sentiment: npt.NDArray[np.int64]
    negative: Float64Array
    positive: Float64Array
    emotion: npt.NDArray[np.int64]
    emotion_score: Float64Array
    irony: Float64Array
    offensive: Float64Array
    hate: Float64Array
    help_score: Float64Array
    service: npt.NDArray[np.int64]  # an index into SERVICE_KINDS


TermFinder = Callable[[str], tuple[str, ...]]
BatchTermFinder = Callable[[list[str]], list[tuple[str, ...]]]


def _no_terms(_text: str) -> tuple[str, ...]:
    return ()


def _text_by_text(find_terms: TermFinder) -> BatchTermFinder:
    return lambda texts: [find_terms(text) for text in texts]


class Analyser:
    """All analysis models, loaded once; `analyse` runs them over a micro-batch."""

    def __init__(
        self,
        find_terms: TermFinder | None = None,
        models: Path = MODELS_DIR,
        languages: LanguageIdentifier | None = None,
        find_terms_in: BatchTermFinder | None = None,
    ) -> None:
        self.features = load_features(models)
        heads = [LinearHead.load(task, models) for task in HEADS]
        self.labels = {head.task: head.labels for head in heads}
        relative = [relative_to_last(head) for head in heads]
        # Zero columns up to a multiple of four: scipy's sparse product runs about a quarter faster over
        # 12 columns than over 11 (measured in the whole run), and the padding's scores are never read.
        padding = -sum(len(bias) for _, bias in relative) % 4
        weights = np.pad(np.hstack([weights for weights, _ in relative]), ((0, 0), (0, padding)))
        self._weights = self.features.fold_idf(weights)
        self._bias = np.pad(np.concatenate([bias for _, bias in relative]), (0, padding))
        ends = np.cumsum([len(head.labels) - 1 for head in heads])
        self._columns = {
            head.task: slice(end - len(head.labels) + 1, end) for head, end in zip(heads, ends, strict=True)
        }
        self.languages = languages or language_identifier()
        # Tracked terms belong to listening, a sibling package: the caller passes its matcher in, best
        # as a finder over the whole batch (`find_terms_in`, one pass for all texts), else text by text.
        self.find_terms_in = find_terms_in or _text_by_text(find_terms or _no_terms)

    def probabilities(self, texts: list[str]) -> dict[str, FloatArray]:
        """Each head's label probabilities for each text (texts x labels)."""
        scores = self.features.scores(texts, self._weights) + self._bias
        return {task: softmax_relative_to_last(scores[:, columns]) for task, columns in self._columns.items()}

    def analyse_texts(
        self,
        texts: Sequence[str],
        followers: Sequence[int] | None = None,
        engagement: Sequence[Engagement] | None = None,
    ) -> list[Analysis]:
        """One `Analysis` per text, in order (see `analyse`)."""
        return self.analyse(texts, followers, engagement).analyses()

    def analyse(
        self,
        texts: Sequence[str],
        followers: Sequence[int] | None = None,
        engagement: Sequence[Engagement] | None = None,
    ) -> AnalysisBatch:
        """Every field for every text, computed for the whole batch at once; bad texts are rejected with
        a reason and never stop the batch."""
        checked = check_texts(texts, MAX_TEXT_CHARS)
        analysed = [index for index, reason in enumerate(checked.rejected) if not reason]
        clean = [checked.texts[index] for index in analysed]
        reach = np.array([followers[index] for index in analysed] if followers else [0] * len(clean))
        reactions = [engagement[index] for index in analysed] if engagement else [Engagement()] * len(clean)
        return AnalysisBatch(
            checked.rejected, checked.notes, analysed, self._columns_of(clean, reach, reactions)
        )

    def _columns_of(
        self, texts: list[str], followers: npt.NDArray[np.int64], engagement: list[Engagement]
    ) -> Columns:
        heads = self._head_columns(texts)
        intents = classify_intents(
            IntentInputs(
                find_cues(texts), heads.sentiment == self._sentiment("negative"),
                heads.sentiment == self._sentiment("positive"), heads.positive, heads.help_score,
                heads.service, heads.offensive, heads.hate,
            )
        )  # fmt: skip
        negative = negative_percents(heads.negative)
        weighted = np.array([reactions.weighted for reactions in engagement], dtype=np.float64)
        virality = score_viralities(followers.astype(np.int64), weighted, negative)
        urgency = score_urgencies(virality, intents.call_for_help, intents.label, negative)
        return Columns(
            self.labels["sentiment"], self.labels["emotion"], self.languages.identify(texts),
            heads.sentiment, np.round(heads.positive - heads.negative, 4), heads.negative, heads.positive,
            heads.emotion, heads.emotion_score, intents.label, intents.abuse, intents.call_for_help,
            heads.help_score, self._decisions(heads, intents), heads.irony, heads.offensive,
            followers.astype(np.int64), engagement, virality, levels_of(virality), urgency,
            levels_of(urgency), self.find_terms_in(texts),
        )  # fmt: skip

    def _decisions(self, heads: _HeadColumns, intents: Intents) -> npt.NDArray[np.int64]:
        return decide_responses(
            BatchSignals(
                intents.label, heads.sentiment == self._sentiment("negative"),
                heads.sentiment == self._sentiment("positive"),
                heads.emotion == self.labels["emotion"].index("anger"), heads.emotion_score, heads.irony,
                heads.offensive, intents.call_for_help,
            )
        )  # fmt: skip

    def _sentiment(self, label: str) -> int:
        return self.labels["sentiment"].index(label)

    def _head_columns(self, texts: list[str]) -> _HeadColumns:
        """What the policies read from the heads, for every text at once."""
        probabilities = self.probabilities(texts)

        def chance(task: str, name: str) -> Float64Array:
            column = probabilities[task][:, self.labels[task].index(name)].astype(np.float64)
            rounded: Float64Array = np.round(column, 4)
            return rounded

        service = probabilities["service"][:, [self.labels["service"].index(kind) for kind in SERVICE_KINDS]]
        emotion = probabilities["emotion"]
        return _HeadColumns(
            probabilities["sentiment"].argmax(axis=1).astype(np.int64), chance("sentiment", "negative"),
            chance("sentiment", "positive"), emotion.argmax(axis=1).astype(np.int64),
            np.round(emotion.max(axis=1).astype(np.float64), 4), chance("irony", "irony"),
            chance("offensive", "offensive"), chance("hate", "hate"),
            np.round(1.0 - chance("service", "chatter"), 4), service.argmax(axis=1).astype(np.int64),
        )  # fmt: skip
