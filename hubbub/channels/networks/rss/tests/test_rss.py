"""The RSS/Atom connector against a local server serving feeds in the documented formats."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig, Connector, ConnectorError, OutboundMessage
from hubbub.channels.networks.rss.connector import SPEC, cursor_names
from hubbub.channels.tests.local_server import LocalServer, Reply
from hubbub.core.posts import Post

FIXTURES = Path(__file__).parent / "fixtures"
RSS = {"Content-Type": "application/rss+xml; charset=UTF-8"}
NOW = datetime(2024, 4, 3, 12, 0, tzinfo=UTC)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def account(server: LocalServer, *feeds: object) -> AccountConfig:
    resolved = [
        {**feed, "url": server.url + feed["url"]} if isinstance(feed, dict) else server.url + str(feed)
        for feed in feeds
    ]
    return AccountConfig(7, 3, "rss", "gadget-notes", settings={"feeds": resolved})


def connect(server: LocalServer, *feeds: object, budget: RateBudget | None = None) -> Connector:
    return SPEC.connect(account(server, *feeds), budget or RateBudget(clock=NOW.timestamp))


def test_poll_maps_an_rss_feed_to_articles_oldest_first(local_server: LocalServer) -> None:
    local_server.route("GET", "/feed/", Reply(200, fixture("blog_feed.xml"), RSS))

    fetched = connect(local_server, "/feed/").poll({})

    assert fetched.posts == [
        Post(
            network="rss",
            external_id="https://gadgetnotes.example.com/?p=790",
            author_id='<script>alert("name")</script>Kit',
            author_name='<script>alert("name")</script>Kit',
            text="Switching carriers in March\n\nI moved from Globex to Acme. Porting took a day.",
            created_at=datetime(2024, 3, 15, 17, 30, tzinfo=UTC),
            kind="post",
            thread_id="https://gadgetnotes.example.com/2024/03/switching-carriers/",
            account_id=7,
            brand_id=3,
            url="https://gadgetnotes.example.com/2024/03/switching-carriers/",
            source="gadgetnotes.example.com",
        ),
        Post(
            network="rss",
            external_id="https://gadgetnotes.example.com/?p=812",
            author_id="Robin Vale",
            author_name="Robin Vale",
            text=(
                "Acme X2 review: great screen, <b>poor</b> battery\n\n"
                "The Acme X2 has a lovely screen.\n\n"
                "The battery lasted nine hours & charging is slow."  # &nbsp; reads as a space
            ),
            created_at=datetime(2024, 4, 2, 8, 15, tzinfo=UTC),
            kind="post",
            thread_id="https://gadgetnotes.example.com/2024/04/acme-x2-review/",
            account_id=7,
            brand_id=3,
            url="https://gadgetnotes.example.com/2024/04/acme-x2-review/",
            source="gadgetnotes.example.com",
        ),
    ]


def test_html_and_scripts_in_entries_arrive_as_inert_text(local_server: LocalServer) -> None:
    local_server.route("GET", "/feed/", Reply(200, fixture("blog_feed.xml"), RSS))

    review = connect(local_server, "/feed/").poll({}).posts[1]

    assert "document.cookie" not in review.text
    assert "onerror" not in review.text
    assert "<strong>" not in review.text
    assert "<p>" not in review.text


def test_a_comment_feed_puts_each_comment_in_its_article_thread(local_server: LocalServer) -> None:
    local_server.route("GET", "/comments/feed/", Reply(200, fixture("blog_comments.xml"), RSS))

    fetched = connect(local_server, {"url": "/comments/feed/", "comments": True}).poll({})

    article = "https://gadgetnotes.example.com/2024/04/acme-x2-review/"
    assert [(p.kind, p.external_id, p.thread_id, p.url, p.text) for p in fetched.posts] == [
        ("comment", "https://gadgetnotes.example.com/?p=812#comment-4402", article, article + "#comment-4402",
         "Mine lasts a full day."),
        ("comment", "https://gadgetnotes.example.com/?p=812#comment-4410", article, article + "#comment-4410",
         "Same here, @Acme support never answered my ticket."),
    ]  # fmt: skip


def test_atom_threading_makes_an_entry_a_reply_and_rejects_an_entry_without_identity(
    local_server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    local_server.route("GET", "/replies.atom", Reply(200, fixture("forum_replies.atom"), {}))

    with caplog.at_level(logging.WARNING):
        fetched = connect(local_server, "/replies.atom").poll({})

    assert fetched.posts == [
        Post(
            network="rss",
            external_id="tag:phoneforum.example.org,2024:reply-9917",
            author_id="https://phoneforum.example.org/u/mo_k",
            author_name="mo_k",
            text="They charged me €40 for one day in Spain.",
            created_at=datetime(2024, 4, 3, 7, 30, tzinfo=UTC),
            kind="comment",
            in_reply_to_id="tag:phoneforum.example.org,2024:topic-3301",
            thread_id="https://phoneforum.example.org/t/acme-roaming-charges/3301",
            account_id=7,
            brand_id=3,
            url="https://phoneforum.example.org/t/acme-roaming-charges/3301#reply-9917",
            source="phoneforum.example.org",
        )
    ]
    assert "entry 1: an entry has neither an id nor a link" in caplog.text


def test_poll_sends_the_stored_validators_and_keeps_the_new_ones(local_server: LocalServer) -> None:
    headers = {**RSS, "ETag": '"v2"', "Last-Modified": "Tue, 02 Apr 2024 08:15:00 GMT"}
    local_server.route("GET", "/feed/", Reply(200, fixture("blog_feed.xml"), headers))
    etag, modified = cursor_names(local_server.url + "/feed/")

    fetched = connect(local_server, "/feed/").poll({etag: '"v1"', modified: "Mon, 01 Apr 2024 00:00:00 GMT"})

    [received] = local_server.received("GET", "/feed/")
    assert (received.headers["if-none-match"], received.headers["if-modified-since"]) == (
        '"v1"',
        "Mon, 01 Apr 2024 00:00:00 GMT",
    )
    assert dict(fetched.cursor) == {etag: '"v2"', modified: "Tue, 02 Apr 2024 08:15:00 GMT"}


def test_a_first_poll_sends_no_validators(local_server: LocalServer) -> None:
    local_server.route("GET", "/feed/", Reply(200, fixture("blog_feed.xml"), RSS))

    connect(local_server, "/feed/").poll({})

    [received] = local_server.received("GET", "/feed/")
    assert "if-none-match" not in received.headers
    assert "if-modified-since" not in received.headers


def test_not_modified_means_nothing_new_and_the_validators_stay(local_server: LocalServer) -> None:
    local_server.route("GET", "/feed/", Reply(304, b""))
    etag, modified = cursor_names(local_server.url + "/feed/")
    cursor = {etag: '"v2"', modified: "Tue, 02 Apr 2024 08:15:00 GMT"}

    fetched = connect(local_server, "/feed/").poll(cursor)

    assert (fetched.posts, dict(fetched.cursor)) == ([], cursor)


def test_each_feed_of_an_account_keeps_its_own_cursor(local_server: LocalServer) -> None:
    local_server.route("GET", "/feed/", Reply(304, b"", {"ETag": '"a"'}))
    local_server.route("GET", "/comments/feed/", Reply(200, fixture("blog_comments.xml"), {"ETag": '"b"'}))

    fetched = connect(local_server, "/feed/", {"url": "/comments/feed/", "comments": True}).poll({})

    assert len(fetched.posts) == 2
    assert dict(fetched.cursor) == {
        cursor_names(local_server.url + "/feed/")[0]: '"a"',
        cursor_names(local_server.url + "/feed/")[1]: "",
        cursor_names(local_server.url + "/comments/feed/")[0]: '"b"',
        cursor_names(local_server.url + "/comments/feed/")[1]: "",
    }


def test_a_broken_feed_keeps_its_readable_entries_but_not_its_validators(
    local_server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    local_server.route("GET", "/half.xml", Reply(200, fixture("broken.xml"), {"ETag": '"broken"'}))

    with time_machine.travel(NOW, tick=False), caplog.at_level(logging.WARNING):
        fetched = connect(local_server, "/half.xml").poll({})

    assert [(p.external_id, p.text, p.created_at) for p in fetched.posts] == [
        ("https://halfafeed.example.net/p/1", "Cut off", NOW)
    ]
    assert dict(fetched.cursor) == {}
    assert "is not well-formed: SAXParseException" in caplog.text


def test_a_document_that_is_no_feed_is_skipped_with_the_reason_and_the_other_feeds_kept(
    local_server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    local_server.route("GET", "/gateway", Reply(200, fixture("not_a_feed.html"), {"ETag": '"html"'}))
    local_server.route("GET", "/feed/", Reply(200, fixture("blog_feed.xml"), RSS))

    with caplog.at_level(logging.WARNING):
        fetched = connect(local_server, "/gateway", "/feed/").poll({})

    assert len(fetched.posts) == 2
    assert cursor_names(local_server.url + "/gateway")[0] not in fetched.cursor
    assert "skipped feed" in caplog.text
    assert "unreadable feed: SAXParseException" in caplog.text


def test_429_is_retryable_after_the_time_the_server_asked_and_the_budget_backs_off(
    local_server: LocalServer,
) -> None:
    local_server.route("GET", "/feed/", Reply(429, b"slow down", {"Retry-After": "120"}))
    budget = RateBudget(clock=NOW.timestamp, jitter=lambda: 0.0)

    with pytest.raises(ConnectorError) as caught:
        connect(local_server, "/feed/", budget=budget).poll({})

    assert (caught.value.retryable, caught.value.retry_after) == (True, 120.0)
    state = budget.state("rss:7")
    assert (state.failures, state.blocked_until) == (1, NOW.timestamp() + 120)


def test_a_server_error_is_retryable(local_server: LocalServer) -> None:
    local_server.route("GET", "/feed/", Reply(503, b"maintenance"))

    with pytest.raises(ConnectorError) as caught:
        connect(local_server, "/feed/").poll({})

    assert (caught.value.retryable, caught.value.retry_after) == (True, None)


def test_a_missing_feed_is_a_permanent_error(local_server: LocalServer) -> None:
    with pytest.raises(ConnectorError) as caught:
        connect(local_server, "/gone/").poll({})

    assert caught.value.retryable is False
    assert str(caught.value) == f"feed {local_server.url}/gone/ answered 404"


def test_a_refused_connection_is_retryable_and_counted_as_a_failure(local_server: LocalServer) -> None:
    budget = RateBudget(clock=NOW.timestamp, jitter=lambda: 0.0)
    connector = SPEC.connect(
        AccountConfig(7, 3, "rss", "gadget-notes", settings={"feeds": ["http://127.0.0.1:9/feed"]}), budget
    )

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})

    assert caught.value.retryable is True
    assert budget.state("rss:7").failures == 1


def test_a_feed_larger_than_the_bound_is_refused(local_server: LocalServer) -> None:
    local_server.route("GET", "/huge", Reply(200, b"<rss>" + b" " * (5 * 1024 * 1024) + b"</rss>"))

    with pytest.raises(ConnectorError) as caught:
        connect(local_server, "/huge").poll({})

    assert caught.value.retryable is False


def test_settings_with_a_non_http_feed_are_a_permanent_error() -> None:
    config = AccountConfig(7, 3, "rss", "gadget-notes", settings={"feeds": ["file:///etc/passwd"]})

    with pytest.raises(ConnectorError) as caught:
        SPEC.connect(config, RateBudget())

    assert caught.value.retryable is False


def test_feeds_cannot_be_answered(local_server: LocalServer) -> None:
    message = OutboundMessage(key="k1", kind="reply", text="Thanks!", in_reply_to="x")
    connector = connect(local_server, "/feed/")

    with pytest.raises(ConnectorError) as caught:
        connector.send(message)

    assert caught.value.retryable is False
    assert connector.find_sent(message) is None
    assert local_server.requests == []
    assert SPEC.rules.kinds == frozenset()


def test_every_request_names_the_reader(local_server: LocalServer) -> None:
    local_server.route("GET", "/feed/", Reply(304, b""))

    connect(local_server, "/feed/").poll({})

    [received] = local_server.received("GET", "/feed/")
    assert received.headers["user-agent"] == "hubbub-feed-reader/1.0"
