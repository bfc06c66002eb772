"""Polling the inbox, subreddits and searches with praw against a local server answering like Reddit."""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.reddit.connector import SPEC, RedditConnector
from hubbub.channels.networks.reddit.tests.conftest import NOW, RATE, fixture, listing, reddit_account
from hubbub.channels.tests.local_server import LocalServer, Received, Reply
from hubbub.core.posts import Post

SEARCH = "search:" + hashlib.sha256(b"acme x2").hexdigest()[:16]


def serve_fixtures(server: LocalServer) -> None:
    server.route("GET", "/message/inbox", Reply(200, fixture("inbox.json"), RATE))
    server.route("GET", "/r/acme/new", Reply(200, fixture("subreddit_new.json"), RATE))
    server.route("GET", "/r/acme/comments", Reply(200, fixture("subreddit_comments.json"), RATE))
    server.route("GET", "/search", Reply(200, fixture("search_new.json"), RATE))


def at(hour: int, minute: int) -> datetime:
    return datetime(2024, 5, 2, hour, minute, tzinfo=UTC)


def test_poll_maps_inbox_subreddit_and_search_items_to_posts_oldest_first(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    serve_fixtures(reddit)

    fetched = connector.poll({})

    thread = "https://www.reddit.com/r/acme/comments/1ci0a01/x2_charging_problems/"
    assert fetched.posts == [
        Post(
            network="reddit",
            external_id="t3_1chz0b7",
            author_id="dana_r",
            author_handle="dana_r",
            text="Is the Acme X2 worth it?\n\nThinking of switching. How is the battery life?",
            created_at=at(7, 45),
            brand_id=2,
            kind="post",
            thread_id="t3_1chz0b7",
            account_id=None,
            url="https://www.reddit.com/r/Phones/comments/1chz0b7/is_the_acme_x2_worth_it/",
            source="r/phones",
        ),
        Post(
            network="reddit",
            external_id="t3_1ci0a01",
            author_id="jo_writes",
            author_handle="jo_writes",
            text="X2 charging problems",
            created_at=at(8, 30),
            brand_id=2,
            kind="post",
            thread_id="t3_1ci0a01",
            url=thread,
            source="r/acme",
        ),
        Post(
            network="reddit",
            external_id="t1_l27aa05",
            author_id="[deleted]:t1_l27aa05",
            author_handle="[deleted]",
            text="Same here, mine died after two days.",
            created_at=at(8, 50),
            in_reply_to_id="t3_1ci0a01",
            brand_id=2,
            kind="comment",
            thread_id="t3_1ci0a01",
            url=thread + "l27aa05/",
            source="r/acme",
        ),
        Post(
            network="reddit",
            external_id="t1_l27ab02",
            author_id="jo_writes",
            author_handle="jo_writes",
            text="It still won't charge **at all** after the update",
            created_at=at(9, 15),
            in_reply_to_id="t1_l27aa01",
            brand_id=2,
            kind="comment",
            thread_id="t3_1ci0a01",
            account_id=7,
            url=thread + "l27ab02/",
            source="r/acme",
        ),
        Post(
            network="reddit",
            external_id="t1_l27ab03",
            author_id="AcmeSupport",
            author_handle="AcmeSupport",
            text="Thanks for the report! We are looking into it.",
            created_at=at(9, 40),
            in_reply_to_id="t3_1ci0a01",
            is_inbound=False,
            brand_id=2,
            kind="comment",
            thread_id="t3_1ci0a01",
            url=thread + "l27ab03/",
            source="r/acme",
        ),
        Post(
            network="reddit",
            external_id="t3_1ci0a03",
            author_id="pat_m",
            author_handle="pat_m",
            text=(
                "Battery <script>alert('x')</script> drains overnight\n\n"
                "Since the update my **X2** drains 30% overnight.\n\n> anyone else?\n\n"
                "[details](javascript:alert(1))"
            ),
            created_at=at(10, 0),
            brand_id=2,
            kind="post",
            thread_id="t3_1ci0a03",
            url="https://www.reddit.com/r/acme/comments/1ci0a03/battery_scriptalertx_script_drains_overnight/",
            source="r/acme",
        ),
        Post(
            network="reddit",
            external_id="t4_2b1c3d4",
            author_id="sam_k",
            author_handle="sam_k",
            text="Refund for order 4411\n\nHi, I was charged twice for order 4411. Can you help?",
            created_at=at(10, 20),
            brand_id=2,
            kind="direct",
            thread_id="t4_2b1c3d4",
            account_id=7,
            url="https://www.reddit.com/message/messages/2b1c3d4",
            source="reddit.com",
        ),
    ]
    assert dict(fetched.cursor) == {
        "inbox": "t1_l27ab02 t4_2b1c3d4",
        "inbox:after": "",
        "inbox:newest": "",
        "r/acme/new": "t3_1ci0a03",
        "r/acme/new:after": "",
        "r/acme/new:newest": "",
        "r/acme/comments": "t1_l27ab03",
        "r/acme/comments:after": "",
        "r/acme/comments:newest": "",
        SEARCH: "t3_1chz0b7",
        f"{SEARCH}:after": "",
        f"{SEARCH}:newest": "",
    }


def test_the_first_poll_gets_a_token_then_asks_each_feed_for_its_newest_page(
    reddit: LocalServer, connector: RedditConnector
) -> None:
    serve_fixtures(reddit)

    connector.poll({})

    [token] = reddit.received("POST", "/api/v1/access_token")
    assert parse_qs(token.body.decode()) == {"grant_type": ["refresh_token"], "refresh_token": ["refresh-7"]}
    assert token.headers["authorization"] == "Basic " + base64.b64encode(b"client-7:secret-7").decode()
    [inbox] = reddit.received("GET", "/message/inbox")
    assert inbox.query == {"limit": "100", "raw_json": "1"}
    assert inbox.headers["authorization"] == "bearer token-7"
    assert inbox.headers["user-agent"].startswith(
        "server:hubbub:1.0 (social contact center; by /u/AcmeSupport)"
    )
    [search] = reddit.received("GET", "/search")
    assert search.query == {"q": "acme x2", "sort": "new", "type": "link", "limit": "100", "raw_json": "1"}
    assert [request.path for request in reddit.requests] == [
        "/api/v1/access_token",
        "/message/inbox",
        "/r/acme/new",
        "/r/acme/comments",
        "/search",
    ]


def test_a_script_app_gets_its_token_with_the_accounts_password(
    reddit: LocalServer, budget: RateBudget
) -> None:
    secrets = {
        "client_id": "client-7",
        "client_secret": "secret-7",
        "username": "AcmeSupport",
        "password": "pw-7",
    }
    reddit.route("GET", "/message/inbox", Reply(200, listing([]), RATE))

    SPEC.connect(reddit_account(reddit, secrets), budget).poll({})

    [token] = reddit.received("POST", "/api/v1/access_token")
    assert parse_qs(token.body.decode()) == {
        "grant_type": ["password"],
        "username": ["AcmeSupport"],
        "password": ["pw-7"],
    }


def test_a_malformed_item_is_rejected_with_its_reason_and_the_others_kept(
    reddit: LocalServer, connector: RedditConnector, caplog: pytest.LogCaptureFixture
) -> None:
    serve_fixtures(reddit)

    with caplog.at_level(logging.WARNING):
        fetched = connector.poll({})

    ids = {post.external_id for post in fetched.posts}
    assert "t1_l27ab01" not in ids
    assert {"t1_l27ab03", "t1_l27ab02", "t1_l27aa05"} <= ids
    assert (
        "reddit:7 r/acme/comments: rejected item 2: created_utc: Input should be a valid datetime"
        in caplog.text
    )


def test_items_whose_text_was_removed_are_skipped(reddit: LocalServer, connector: RedditConnector) -> None:
    serve_fixtures(reddit)

    fetched = connector.poll({})

    assert "t1_l27aa09" not in {post.external_id for post in fetched.posts}


def test_a_permalink_that_would_lead_to_another_site_rejects_the_item(
    reddit: LocalServer, budget: RateBudget, caplog: pytest.LogCaptureFixture
) -> None:
    newer, older = fixture("subreddit_new.json")["data"]["children"]
    newer["data"]["permalink"] = "@evil.example/r/acme/comments/1ci0a03/"
    reddit.route("GET", "/message/inbox", Reply(200, listing([]), RATE))
    reddit.route("GET", "/r/acme/new", Reply(200, listing([newer, older]), RATE))
    reddit.route("GET", "/r/acme/comments", Reply(200, listing([]), RATE))

    with caplog.at_level(logging.WARNING):
        fetched = SPEC.connect(reddit_account(reddit, subreddits=["acme"]), budget).poll({})

    assert [post.external_id for post in fetched.posts] == ["t3_1ci0a01"]
    assert "rejected item 0: permalink: Value error, not a path on reddit.com" in caplog.text


def test_the_accounts_own_comment_is_outbound_whatever_the_case_of_its_name(
    reddit: LocalServer, budget: RateBudget
) -> None:
    own = fixture("subreddit_comments.json")["data"]["children"][0]
    own["data"]["author"] = "acmesupport"
    reddit.route("GET", "/message/inbox", Reply(200, listing([]), RATE))
    reddit.route("GET", "/r/acme/new", Reply(200, listing([]), RATE))
    reddit.route("GET", "/r/acme/comments", Reply(200, listing([own]), RATE))

    [post] = SPEC.connect(reddit_account(reddit, subreddits=["acme"]), budget).poll({}).posts

    assert (post.external_id, post.is_inbound, post.account_id) == ("t1_l27ab03", False, None)


def numbered_submissions(first: int, count: int) -> list[dict[str, Any]]:
    """Submissions numbered first..first+count-1, newest first as Reddit lists them."""
    template = fixture("subreddit_new.json")["data"]["children"][1]
    items = []
    for number in range(first + count - 1, first - 1, -1):
        id36 = base36(number)
        data = {**template["data"], "id": id36, "name": f"t3_{id36}", "created_utc": NOW - 100_000 + number}
        items.append({"kind": "t3", "data": {**data, "permalink": f"/r/acme/comments/{id36}/x/"}})
    return items


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
    return text


def only_new_submissions(server: LocalServer, answer: Any) -> None:
    server.route("GET", "/message/inbox", Reply(200, listing([]), RATE))
    server.route("GET", "/r/acme/new", answer)
    server.route("GET", "/r/acme/comments", Reply(200, listing([]), RATE))


def two_pages_down_to(cursor_number: int, rate: dict[str, str]) -> Any:
    """/r/acme/new with 150 submissions above the cursor's: 100 on the first page, the rest below."""

    def answer(request: Received) -> Reply:
        if "after" not in request.query:
            page = numbered_submissions(cursor_number + 51, 100)
            return Reply(200, listing(page, after=page[-1]["data"]["name"]), rate)
        assert request.query["after"] == "t3_" + base36(cursor_number + 51)
        page = numbered_submissions(cursor_number - 49, 100)  # the cursor's item and 49 older ones
        return Reply(200, listing(page, after=page[-1]["data"]["name"]), rate)

    return answer


def test_poll_catches_up_over_two_pages_down_to_the_cursor(reddit: LocalServer, budget: RateBudget) -> None:
    start = 50_000
    only_new_submissions(reddit, two_pages_down_to(start, RATE))
    connector = SPEC.connect(reddit_account(reddit, subreddits=["acme"]), budget)

    fetched = connector.poll({"r/acme/new": "t3_" + base36(start)})

    asked = [request.query.get("after") for request in reddit.received("GET", "/r/acme/new")]
    assert asked == [None, "t3_" + base36(start + 51)]
    assert [post.external_id for post in fetched.posts] == [
        "t3_" + base36(n) for n in range(start + 1, start + 151)
    ]
    assert (fetched.cursor["r/acme/new"], fetched.cursor["r/acme/new:after"]) == (
        "t3_" + base36(start + 150),
        "",
    )


def test_a_walk_cut_short_by_the_budget_resumes_where_it_stopped(reddit: LocalServer) -> None:
    start = 50_000
    spent = {**RATE, "X-Ratelimit-Used": "598", "X-Ratelimit-Remaining": "2.0"}
    only_new_submissions(reddit, two_pages_down_to(start, spent))
    cursor = {"r/acme/new": "t3_" + base36(start)}

    first = SPEC.connect(reddit_account(reddit, subreddits=["acme"]), RateBudget(clock=lambda: NOW)).poll(
        cursor
    )

    assert len(reddit.received("GET", "/r/acme/new")) == 1
    assert reddit.received("GET", "/r/acme/comments") == []
    assert len(first.posts) == 100
    assert {key: first.cursor[key] for key in ("r/acme/new", "r/acme/new:after", "r/acme/new:newest")} == {
        "r/acme/new": "t3_" + base36(start),
        "r/acme/new:after": "t3_" + base36(start + 51),
        "r/acme/new:newest": "t3_" + base36(start + 150),
    }
    only_new_submissions(reddit, two_pages_down_to(start, RATE))

    second = SPEC.connect(reddit_account(reddit, subreddits=["acme"]), RateBudget(clock=lambda: NOW)).poll(
        first.cursor
    )

    assert reddit.received("GET", "/r/acme/new")[-1].query["after"] == "t3_" + base36(start + 51)
    assert [post.external_id for post in second.posts] == [
        "t3_" + base36(n) for n in range(start + 1, start + 51)
    ]
    assert (second.cursor["r/acme/new"], second.cursor["r/acme/new:after"]) == (
        "t3_" + base36(start + 150),
        "",
    )
