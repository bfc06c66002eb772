"""The conversation page: a post's whole thread, kept live, with a reply box that sends exactly once.

A thread is every post of the brand on the post's network with the same thread id (a chat session,
an email thread, a comment thread), or, for a standalone post, the post and the replies to it
(the outbound sender files those under the post's own id). Inbound posts are shown when the user
may see their queue (the rule in `workplace/queries.py`); the brand's own messages always.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hubbub.channels.models import OutboundKind, OutboundStatus
from hubbub.channels.outbound import ReplyRefusedError, queue_reply, send_outbound
from hubbub.channels.registry import network_spec
from hubbub.core.models import PostRecord
from hubbub.workplace.events import HEARTBEAT_SECONDS, RETRY_MILLISECONDS, resume_after
from hubbub.workplace.queries import AnyUser, InboxItem, post_detail_for, visible_post_or_404, visible_queues

THREAD_LIMIT = 200  # the latest messages of a very long thread; older ones stay on the customer page
LIVE_BATCH_LIMIT = 100
_FORM_KEY = re.compile(r"[0-9a-f]{32}")
# Which kind of reply each kind of post gets first; the network's rules say which are possible.
_DEFAULT_KIND = {"chat": OutboundKind.CHAT, "direct": OutboundKind.DIRECT, "email": OutboundKind.EMAIL}


@dataclass(frozen=True, slots=True)
class Conversation:
    """A visible post, its thread oldest first, and how it may be answered."""

    item: InboxItem
    messages: list[PostRecord]
    latest_id: int
    reply_kinds: list[tuple[str, str]]  # (OutboundKind value, label), the default first
    max_chars: int


def conversation_for(user: AnyUser, post_id: int) -> Conversation:
    """The conversation of a post `user` may see (Http404 otherwise)."""
    item = post_detail_for(user, post_id).item
    thread = list(reversed(_thread(user, item.post).order_by("-created_at", "-id")[:THREAD_LIMIT]))
    latest = max((message.id for message in thread), default=item.post.id)
    spec = network_spec(item.post.network)
    kinds = _reply_kinds(item.post.kind, spec.rules.kinds) if spec else []
    return Conversation(item, thread, latest, kinds, spec.rules.max_chars if spec else 0)


def thread_messages_after(user: AnyUser, post_id: int, after: int) -> list[PostRecord]:
    """The thread's visible messages stored after id `after`, oldest first (what the live stream sends)."""
    post = visible_post_or_404(user, post_id)
    return list(_thread(user, post).filter(id__gt=after).order_by("id")[:LIVE_BATCH_LIMIT])


def _thread(user: AnyUser, post: PostRecord) -> QuerySet[PostRecord]:
    key = post.thread_id or post.external_id
    visible = Q(is_inbound=False) | Q(queue_id__in=visible_queues(user).values("id"))
    same_thread = Q(thread_id=key) | Q(external_id=key) | Q(id=post.id)
    return PostRecord.objects.filter(same_thread, visible, brand_id=post.brand_id, network=post.network)


def _reply_kinds(post_kind: str, possible: frozenset[str]) -> list[tuple[str, str]]:
    first = _DEFAULT_KIND.get(post_kind, OutboundKind.REPLY)
    ordered = sorted(possible, key=lambda kind: (kind != first, kind))
    return [(kind, OutboundKind(kind).label) for kind in ordered if kind in OutboundKind.values]


@require_GET
def conversation(request: HttpRequest, post_id: int) -> HttpResponse:
    """The thread of a post with a reply box; new messages arrive live from `conversation_events`."""
    context = {"conversation": conversation_for(request.user, post_id), "form_key": uuid.uuid4().hex}
    return render(request, "workplace/conversation.html", context)


@require_POST
def conversation_reply(request: HttpRequest, post_id: int) -> HttpResponse:
    """Queue and send a reply; the form's key makes a double click or a resubmission send once."""
    post = visible_post_or_404(request.user, post_id)
    form_key = request.POST.get("key", "")
    if not _FORM_KEY.fullmatch(form_key):
        raise Http404("No such form.")  # only a forged form lacks the key the page gave it
    kind = request.POST.get("kind") or None
    # The key is scoped to the user and the post, so no form can name another message.
    key = f"web-{request.user.pk}-{post.id}-{form_key}"
    try:
        outbound = queue_reply(post, request.POST.get("text", ""), request.user, kind=kind, key=key)
        outbound = send_outbound(outbound.id)
    except ReplyRefusedError as error:
        messages.error(request, str(error))
        return redirect("workplace:conversation", post_id)
    if outbound.status == OutboundStatus.FAILED:
        messages.error(request, f"Not sent: {outbound.last_error}")
    elif outbound.status != OutboundStatus.SENT:
        messages.warning(request, "Not sent yet: hubbub will try again shortly.")
    return redirect("workplace:conversation", post_id)


@require_GET
async def conversation_events(request: HttpRequest, post_id: int) -> StreamingHttpResponse:
    """Server-sent events with the thread's new messages; resumes from `Last-Event-ID` or `?after=`."""
    user = await request.auser()
    await sync_to_async(visible_post_or_404)(user, post_id)
    after = resume_after(request.headers.get("Last-Event-ID"), request.GET.get("after")) or 0
    stream = _thread_stream(user, post_id, after)
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies pass each event on at once
    return response


async def _thread_stream(user: AnyUser, post_id: int, after: int) -> AsyncGenerator[str]:
    deadline = time.monotonic() + settings.HUBBUB_LIVE_STREAM_SECONDS
    next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    while True:
        try:
            found = await sync_to_async(thread_messages_after)(user, post_id, after)
        except Http404:  # access was withdrawn while the page was open
            return
        for message in found:
            yield message_event(message)
            after = message.id
        now = time.monotonic()
        if now >= deadline:
            return
        if now >= next_heartbeat:
            next_heartbeat = now + HEARTBEAT_SECONDS
            yield ": heartbeat\n\n"
        if len(found) < LIVE_BATCH_LIMIT:
            await asyncio.sleep(min(settings.HUBBUB_LIVE_POLL_SECONDS, deadline - now))


def message_event(message: PostRecord) -> str:
    """One SSE event with a message as data: the page builds it with textContent, never as HTML."""
    data = {
        "id": message.id,
        "inbound": message.is_inbound,
        "author": message.author_name or message.author_handle or message.author_id,
        "text": message.text,
        "at": message.created_at.isoformat(),
    }
    return f"id: {message.id}\nevent: message\ndata: {json.dumps(data)}\n\n"
