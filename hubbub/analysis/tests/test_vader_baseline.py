"""The VADER baseline (hubbub's first analyser): language identification and VADER sentiment, offline."""

from __future__ import annotations

import pytest

from hubbub.analysis.vader_baseline import Sentiment, analyse, detect_language, score_sentiment
from hubbub.pipeline.tests.factories import PostFactory


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The weather is lovely today and we are going to the park.", "en"),
        ("Je voudrais réserver une table pour deux personnes ce soir.", "fr"),
        ("Ich habe gestern mein Handy verloren und brauche Hilfe.", "de"),
        ("Mi teléfono no funciona desde la actualización de ayer.", "es"),
    ],
)
def test_detect_language_names_the_language_of_a_clear_sentence(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   ", "hi", "ok thanks", "merci!!", "  short text  "])
def test_detect_language_does_not_guess_on_short_text(text):
    assert detect_language(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f600" * 30,
        "\U0001f621\U0001f4a9 " * 10,
        "!!!??? 1234567890 ... !!!",
        "#### @@@@ ---- ++++",
    ],
)
def test_detect_language_does_not_guess_on_text_without_words(text):
    assert detect_language(text) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love this, thank you so much, great service!", Sentiment("positive", 0.9143)),
        ("This is terrible, worst service ever, I hate it.", Sentiment("negative", -0.8979)),
        ("The parcel arrived on Tuesday afternoon.", Sentiment("neutral", 0.0)),
    ],
)
def test_score_sentiment_labels_clear_texts(text, expected):
    assert score_sentiment(text) == expected


def test_sentiment_labels_follow_the_documented_thresholds():
    assert score_sentiment("good").label == "positive"
    assert score_sentiment("bad").label == "negative"
    assert score_sentiment("table").label == "neutral"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Sentiment("neutral", 0.0)),
        ("\U0001f600\U0001f600", Sentiment("positive", 0.6124)),
        ("\U0001f621\U0001f621\U0001f621", Sentiment("neutral", 0.0)),
        ("\u202e\u0000\ufeff", Sentiment("neutral", 0.0)),
    ],
)
def test_empty_and_emoji_only_text_score_without_crashing(text, expected):
    assert score_sentiment(text) == expected


def test_analyse_sets_language_and_rounded_sentiment_and_nothing_else():
    original = PostFactory(text="This is terrible, worst service ever, I hate it.", brand_id=3)

    [post] = analyse([original])

    assert (post.language, post.sentiment, post.sentiment_score) == ("en", "negative", -0.8979)
    assert (post.external_id, post.text, post.brand_id) == (original.external_id, original.text, 3)


def test_analyse_handles_empty_and_emoji_only_posts():
    posts = analyse([PostFactory(text=""), PostFactory(text="\U0001f600" * 20)])

    assert [(post.language, post.sentiment) for post in posts] == [("", "neutral"), ("", "positive")]


def test_analyse_of_an_empty_batch_is_empty():
    assert analyse([]) == []
