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
        """Pipeline stage: language and sentiment (label and score) of each post, batch-vectorised."""
        analyses = self.analyser.analyse_texts(
            [post.text for post in posts], followers=[post.author_followers for post in posts]
        )
        return [
            evolve(
                post,
                language=analysis.language,
                sentiment=analysis.sentiment,
                sentiment_score=analysis.sentiment_score,
            )
            for post, analysis in zip(posts, analyses, strict=True)
        ]
