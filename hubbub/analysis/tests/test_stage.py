from __future__ import annotations

from datetime import UTC, datetime

from hubbub.analysis.stage import AnalysisStage
from hubbub.core.posts import Post


def post(external_id: str, text: str) -> Post:
    return Post(
        network="x",
        external_id=external_id,
        author_id="a1",
        text=text,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_the_stage_fills_language_and_sentiment_and_keeps_order_and_everything_else():
    stage = AnalysisStage()
    posts = [post("1", "I love this phone, best purchase of the year! Thank you so much"), post("2", "")]

    analysed = stage.analyse(posts)

    assert [(p.external_id, p.language, p.sentiment) for p in analysed] == [
        ("1", "en", "positive"),
        ("2", "", "neutral"),
    ]
    assert analysed[0].sentiment_score > 0.5
    assert analysed[1].sentiment_score == 0.0
    assert analysed[0].text == posts[0].text
