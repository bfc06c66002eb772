"""The inbox's server-sent events: ids, resumption, visibility and escaping."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient
from django.urls import reverse
from pytest_django import Settings

from hubbub.routing.models import Queue
from hubbub.workplace.events import inbox_event_stream, resume_after
from hubbub.workplace.queries import LIVE_BATCH_LIMIT
from hubbub.workplace.tests.conftest import HOSTILE_TEXT, MakePost

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Event:
    id: str
    event: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Stream:
    headers: dict[str, str]
    body: str

    @property
    def events(self) -> list[Event]:
        return [_parse(block) for block in self.body.split("\n\n") if block.startswith("id: ")]


def _parse(block: str) -> Event:
    fields = dict(line.split(": ", 1) for line in block.split("\n"))
    return Event(id=fields["id"], event=fields["event"], data=json.loads(fields["data"]))


@pytest.fixture(autouse=True)
def _short_streams(settings: Settings) -> None:
    settings.HUBBUB_LIVE_POLL_SECONDS = 0.01
    settings.HUBBUB_LIVE_STREAM_SECONDS = 0.05


def _read_stream(user: Any, query: str = "", headers: dict[str, str] | None = None) -> Stream:
    """The whole (short) stream, read through Django's ASGI request handling."""
    client = AsyncClient()
    client.force_login(user)

    async def consume() -> Stream:
        response: Any = await client.get(reverse("workplace:inbox_events") + query, headers=headers or {})
        chunks = [chunk async for chunk in response.streaming_content]
        return Stream(headers=dict(response.headers), body=b"".join(chunks).decode())

    return async_to_sync(consume)()


def test_the_stream_is_an_uncached_unbuffered_event_stream(alice: Any) -> None:
    stream = _read_stream(alice)

    assert stream.headers["Content-Type"] == "text/event-stream"
    assert stream.headers["Cache-Control"] == "no-cache"
    assert stream.headers["X-Accel-Buffering"] == "no"
    assert stream.body == "retry: 1000\n\n"


def test_the_stream_sends_each_post_after_the_given_id_as_an_event_with_the_post_id(
    alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    seen = make_post(queue_a)
    second = make_post(queue_a, priority=30)
    third = make_post(queue_a, priority=5)

    events = _read_stream(alice, f"?after={seen.id}").events

    assert [event.id for event in events] == [str(second.id), str(third.id)]
    assert [event.event for event in events] == ["post", "post"]
    assert [(event.data["id"], event.data["priority"]) for event in events] == [
        (second.id, 30),
        (third.id, 5),
    ]
    assert (
        events[0]
        .data["html"]
        .startswith(f'<li class="post-row" data-post-id="{second.id}" data-priority="30">')
    )


def test_a_reconnecting_browser_resumes_after_its_last_event_id(
    alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    first, second, third = (make_post(queue_a) for _ in range(3))

    events = _read_stream(alice, f"?after={first.id}", headers={"Last-Event-ID": str(second.id)}).events

    assert [event.id for event in events] == [str(third.id)]


def test_without_a_position_the_stream_starts_after_the_newest_visible_post(
    alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    make_post(queue_a)

    assert _read_stream(alice).events == []


def test_charlie_receives_no_event_for_a_post_of_brand_a(
    charlie: Any, queue_a: Queue, queue_b: Queue, make_post: MakePost
) -> None:
    make_post(queue_a)
    his = make_post(queue_b)

    events = _read_stream(charlie, "?after=0").events

    assert [event.id for event in events] == [str(his.id)]


def test_hostile_text_is_escaped_in_the_event_payload(
    alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    make_post(queue_a, text=HOSTILE_TEXT, author_name=HOSTILE_TEXT)

    stream = _read_stream(alice, "?after=0")

    [event] = stream.events
    assert "<script>" not in event.data["html"]
    assert "<img" not in event.data["html"]
    assert event.data["html"].count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "<script>" not in stream.body


def test_a_backlog_larger_than_one_poll_arrives_whole_and_in_order_across_reconnections(
    alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    posts = [make_post(queue_a) for _ in range(LIVE_BATCH_LIMIT + 5)]
    received: list[str] = []

    for _ in range(10):  # as a browser does: reconnect with the last id received, until caught up
        headers = {"Last-Event-ID": received[-1]} if received else {}
        received += [event.id for event in _read_stream(alice, "?after=0", headers).events]
        if len(received) >= len(posts):
            break

    assert received == [str(post.id) for post in posts]


def test_a_post_stored_while_the_stream_is_open_arrives_as_the_next_event(
    alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    async def scenario() -> tuple[str, str, int]:
        stream = inbox_event_stream(alice, after=None, poll_seconds=0.01, stream_seconds=5)
        retry = await anext(stream)
        waiting = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.05)
        post = await sync_to_async(make_post)(queue_a)
        event = await asyncio.wait_for(waiting, timeout=2)
        await stream.aclose()
        return retry, event, post.id

    retry, event, post_id = async_to_sync(scenario)()

    assert retry == "retry: 1000\n\n"
    assert event.startswith(f"id: {post_id}\nevent: post\ndata: {{")
    assert event.endswith("}\n\n")
    assert event.count("\n") == 4


def test_an_idle_stream_sends_heartbeat_comments(alice: Any) -> None:
    async def read_all() -> list[str]:
        stream = inbox_event_stream(
            alice, after=0, poll_seconds=0.01, stream_seconds=0.05, heartbeat_seconds=0
        )
        return [chunk async for chunk in stream]

    chunks = async_to_sync(read_all)()

    assert chunks[0] == "retry: 1000\n\n"
    assert set(chunks[1:]) == {": heartbeat\n\n"}
    assert len(chunks) >= 2


@pytest.mark.parametrize(
    ("last_event_id", "after", "expected"),
    [
        ("42", "7", 42),
        (None, "7", 7),
        ("", "7", 7),
        ("not-a-number", "7", 7),
        ("-3", None, None),
        ("٣", None, None),
        (str(2**63), None, None),
        (None, None, None),
    ],
)
def test_the_resume_position_comes_from_last_event_id_then_after(
    last_event_id: str | None, after: str | None, expected: int | None
) -> None:
    assert resume_after(last_event_id, after) == expected
