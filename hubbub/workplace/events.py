"""The inbox's live updates as server-sent events.

Each visible post is sent once, as an event whose id is the post id, in ascending id order, so the
browser's `Last-Event-ID` on reconnection says exactly where to resume
(https://html.spec.whatwg.org/multipage/server-sent-events.html#the-last-event-id-header).
Ids follow commit order while one pipeline writes at a time (every batch commits whole); several
concurrent writers on PostgreSQL could commit a lower id after a higher one was sent.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator

from asgiref.sync import sync_to_async
from django.template.loader import render_to_string

from hubbub.workplace.queries import (
    LIVE_BATCH_LIMIT,
    AnyUser,
    InboxItem,
    inbox_items_after,
    latest_inbox_post_id,
)

ROW_TEMPLATE = "workplace/_inbox_row.html"
# A comment line now and then keeps proxies and load balancers from closing an idle stream.
HEARTBEAT_SECONDS = 15.0
# How long the browser waits before reconnecting after a stream ends (the spec's `retry:` field).
RETRY_MILLISECONDS = 1000
MAX_EVENT_ID = 2**63 - 1


def resume_after(last_event_id: str | None, after: str | None) -> int | None:
    """Where a stream starts: the Last-Event-ID header, else `?after=`, else None (from now on)."""
    for raw in (last_event_id, after):
        value = (raw or "").strip()
        if value.isascii() and value.isdigit() and int(value) <= MAX_EVENT_ID:
            return int(value)
    return None


def post_event(post_id: int, priority: int, row_html: str) -> str:
    """One SSE event; JSON keeps newlines in the HTML from breaking the `data:` line."""
    data = json.dumps({"id": post_id, "priority": priority, "html": row_html})
    return f"id: {post_id}\nevent: post\ndata: {data}\n\n"


def render_new_rows(user: AnyUser, after: int) -> list[tuple[int, str]]:
    """(post id, event) for the visible posts above `after`; each event carries the rendered inbox row."""
    return [
        (item.post.id, post_event(item.post.id, item.post.priority, _render_row(item)))
        for item in inbox_items_after(user, after)
    ]


def _render_row(item: InboxItem) -> str:
    return render_to_string(ROW_TEMPLATE, {"item": item}).strip()


async def inbox_event_stream(
    user: AnyUser,
    *,
    after: int | None,
    poll_seconds: float,
    stream_seconds: float,
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
) -> AsyncGenerator[str]:
    """Events for posts newer than `after`, polled from the database until `stream_seconds` pass."""
    if after is None:
        after = await sync_to_async(latest_inbox_post_id)(user)
    deadline = time.monotonic() + stream_seconds
    next_heartbeat = time.monotonic() + heartbeat_seconds
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    while True:
        events = await sync_to_async(render_new_rows)(user, after)
        for post_id, event in events:
            yield event
            after = post_id
        now = time.monotonic()
        if now >= deadline:
            return
        if now >= next_heartbeat:
            next_heartbeat = now + heartbeat_seconds
            yield ": heartbeat\n\n"
        if len(events) < LIVE_BATCH_LIMIT:
            await asyncio.sleep(min(poll_seconds, deadline - now))
