"""The analysis pipeline stage: the trained analyser over a micro-batch of posts."""

from __future__ import annotations

from functools import cache

from hubbub.analysis.analyser import Analyser
from hubbub.core.posts import Post, evolve


@cache
def shared_analyser() -> Analyser:
    """The process's analyser, loaded on first use (about a second, ~75 MB) and shared by every pipeline."""
    return Analyser()


class AnalysisStage:
    """Fills each post's analysis fields; the models load once per process, on the first batch."""

    @property
    def analyser(self) -> Analyser:
        """The shared analyser."""
        return shared_analyser()

    def analyse(self, posts: list[Post]) -> list[Post]:
        """Pipeline stage: language, sentiment, emotion, intent, decision, virality, urgency."""
        analyses = self.analyser.analyse_texts(
            [post.text for post in posts], followers=[post.author_followers for post in posts]
        )
        return [
            evolve(
                post,
                language=analysis.language,
                sentiment=analysis.sentiment,
                sentiment_score=analysis.sentiment_score,
                emotion=analysis.emotion,
                intent=analysis.intent,
                decision=analysis.decision,
                call_for_help=analysis.call_for_help,
                virality_risk=analysis.virality_risk.score,
                urgency=analysis.urgency.score,
                analysis_reasons=(("intent", analysis.intent_reason), ("decision", analysis.decision_reason)),
                virality_parts=analysis.virality_risk.parts,
                urgency_parts=analysis.urgency.parts,
            )
            for post, analysis in zip(posts, analyses, strict=True)
        ]
