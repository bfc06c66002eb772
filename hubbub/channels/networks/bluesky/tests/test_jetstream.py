"""Jetstream commit events read into the Posts that concern the brand."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubbub.channels.networks.bluesky.jetstream import read_jetstream
from hubbub.channels.networks.bluesky.tests.conftest import ACME_DID, bluesky_account

MESSAGES = (Path(__file__).parent / "fixtures" / "jetstream.jsonl").read_text().splitlines()


def test_jetstream_keeps_mentions_replies_to_the_brand_and_term_matches_and_drops_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        fetched = read_jetstream(MESSAGES, bluesky_account("http://127.0.0.1:9"), ["acme"])

    assert [(p.external_id, p.kind, p.account_id, p.in_reply_to_id, p.text) for p in fetched.posts] == [
        (
            "at://did:plc:4hqjfn7m6n5hno3doamuhgef/app.bsky.feed.post/3kq3jet0001aa",
            "post",
            9,
            "",
            "@acme.example.com refund please",
        ),
        (
            "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kq3jet0004aa",
            "comment",
            9,
            f"at://{ACME_DID}/app.bsky.feed.post/3kq2lqxqjgk2a",
            "Thanks, it works again",
        ),
        (
            "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kq3jet0008aa",
            "post",
            None,
            "",
            "Switching to ACME next month",
        ),
    ]
    assert fetched.posts[0].created_at == datetime(2024, 5, 2, 9, 20, tzinfo=UTC)
    assert (
        fetched.posts[0].url == "https://bsky.app/profile/did:plc:4hqjfn7m6n5hno3doamuhgef/post/3kq3jet0001aa"
    )
    assert dict(fetched.cursor) == {"jetstream": "1714641600700000"}
    assert "rejected message 4" in caplog.text
    assert "rejected message 8" in caplog.text


def test_a_batch_of_nothing_usable_gives_no_cursor() -> None:
    fetched = read_jetstream(["{not json", "[]"], bluesky_account("http://127.0.0.1:9"), ["acme"])

    assert (fetched.posts, dict(fetched.cursor)) == ([], {})
