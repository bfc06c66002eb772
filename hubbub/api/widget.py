"""The web-chat widget's public endpoints (no login: a visitor holds a session token instead).

Each request must come from a page the chat account allows (its Origin header), and CORS headers
are given to those pages only. The token travels in the `X-Chat-Token` header, never in a URL, so it
stays out of logs; the widget reads its event stream with fetch() for that reason (EventSource
cannot send headers). CSRF checks do not apply: no cookie authenticates these requests.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator
from functools import cache
from pathlib import Path
from typing import TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from pydantic import BaseModel, ValidationError

from hubbub.channels.intake import NoPipelineError, take_in
from hubbub.channels.networks.chat import limits
from hubbub.channels.networks.chat.messages import visitor_post
from hubbub.channels.networks.chat.origins import is_allowed_origin, origin_host
from hubbub.channels.networks.chat.payloads import StartSession, VisitorMessage
from hubbub.channels.networks.chat.queries import (
    EVENT_BATCH_LIMIT,
    ChatEvent,
    ChatVisitor,
    allowed_by_any_account,
    chat_account,
    events_after,
    visitor_for_token,
)
from hubbub.channels.networks.chat.sessions import open_session

TOKEN_HEADER = "X-Chat-Token"  # noqa: S105 (a header name, not a secret)
MAX_BODY_BYTES = 16 * 1024
HEARTBEAT_SECONDS = 15.0
RETRY_MILLISECONDS = 1000
MAX_EVENT_ID = 2**63 - 1
_ALLOWED_HEADERS = f"Content-Type, {TOKEN_HEADER}, Last-Event-ID"
ModelT = TypeVar("ModelT", bound=BaseModel)
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def widget_script(_request: HttpRequest) -> HttpResponse:
    """The widget's script, to embed with `<script src=".../chat/widget.js" data-account="<id>">`."""
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    # Loaded by other sites' pages: allowed even where they isolate themselves (COEP).
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@login_not_required
@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def start_session(request: HttpRequest, account_id: int) -> HttpResponse:
    """Open a conversation on a chat account: answers the token (once), the thread and the greeting."""
    origin = request.headers.get("Origin")
    account = chat_account(account_id)
    if account is None or not is_allowed_origin(origin, account.settings.allowed_origins):
        return _error(403, "This page may not open a chat here.")
    if request.method == "OPTIONS":
        return _preflight(origin)
    if not limits.allow(limits.SESSIONS_PER_IP, _ip(request)):
        return _cors(_error(429, "Too many new chats; try again later.", retry_after=60), origin)
    visitor = _parsed(request, StartSession)
    if visitor is None:
        return _cors(_error(400, "Malformed request."), origin)
    opened = open_session(account, visitor)
    body = {
        "token": opened.token,
        "thread": opened.thread_id,
        "greeting": account.settings.greeting,
        "colour": account.settings.colour,
    }
    return _cors(JsonResponse(body, status=201), origin)


@login_not_required
@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def post_message(request: HttpRequest) -> HttpResponse:
    """A visitor's message, into the pipeline (a retried message with the same id is stored once)."""
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS":
        return _preflight(origin) if allowed_by_any_account(origin) else _error(403, "Not allowed.")
    visitor = _visitor_or_refusal(request, origin, limits.MESSAGES_PER_SESSION)
    if isinstance(visitor, HttpResponse):
        return visitor
    if not limits.allow(limits.MESSAGES_PER_IP, _ip(request)):
        return _cors(_error(429, "Too many messages; slow down.", retry_after=60), origin)
    message = _parsed(request, VisitorMessage)
    if message is None:
        return _cors(_error(400, "Malformed message."), origin)
    post = visitor_post(visitor, message, source=origin_host(origin or ""), now=timezone.now())
    try:
        take_in([post])
    except NoPipelineError:
        return _cors(_error(503, "Chat is not available right now.", retry_after=30), origin)
    return _cors(JsonResponse({"id": post.external_id}, status=202), origin)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "OPTIONS"])
async def session_events(request: HttpRequest) -> HttpResponseBase:
    """Server-sent events with the conversation's messages; resumes after `Last-Event-ID` (0: all)."""
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS":
        allowed = await sync_to_async(allowed_by_any_account)(origin)
        return _preflight(origin) if allowed else _error(403, "Not allowed.")
    visitor = await sync_to_async(_visitor_or_refusal)(request, origin, limits.STREAMS_PER_SESSION)
    if isinstance(visitor, HttpResponse):
        return visitor
    stream = conversation_stream(
        visitor,
        after=_resume_after(request.headers.get("Last-Event-ID")),
        poll_seconds=settings.HUBBUB_LIVE_POLL_SECONDS,
        stream_seconds=settings.HUBBUB_LIVE_STREAM_SECONDS,
    )
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies pass each event on at once
    return _cors(response, origin)


async def conversation_stream(
    visitor: ChatVisitor, *, after: int, poll_seconds: float, stream_seconds: float
) -> AsyncGenerator[str]:
    """Events for the conversation's messages stored after `after`, until `stream_seconds` pass."""
    deadline = time.monotonic() + stream_seconds
    next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    while True:
        events = await sync_to_async(events_after)(visitor, after)
        for event in events:
            yield message_event(event)
            after = event.id
        now = time.monotonic()
        if now >= deadline:
            return
        if now >= next_heartbeat:
            next_heartbeat = now + HEARTBEAT_SECONDS
            yield ": heartbeat\n\n"
        if len(events) < EVENT_BATCH_LIMIT:
            await asyncio.sleep(min(poll_seconds, deadline - now))


def message_event(event: ChatEvent) -> str:
    """One SSE event; JSON keeps newlines in the text from breaking the `data:` line."""
    data = {
        "id": event.message_id,
        "from": event.sender,
        "text": event.text,
        "at": event.created_at.isoformat(),
    }
    return f"id: {event.id}\nevent: message\ndata: {json.dumps(data)}\n\n"


def _visitor_or_refusal(
    request: HttpRequest, origin: str | None, limit: limits.Limit
) -> ChatVisitor | HttpResponse:
    """The session of the request's token, or the answer refusing it (401, 403, 429)."""
    visitor = visitor_for_token(request.headers.get(TOKEN_HEADER, ""))
    if visitor is None:
        # The widget must be able to read this answer to start a new chat, where its page may.
        refusal = _error(401, "No such chat session.")
        return _cors(refusal, origin) if allowed_by_any_account(origin) else refusal
    if not is_allowed_origin(origin, visitor.account.settings.allowed_origins):
        return _error(403, "This page may not use this chat.")
    if not limits.allow(limit, str(visitor.session_id)):
        return _cors(_error(429, "Too many requests; slow down.", retry_after=60), origin)
    return visitor


def _parsed(request: HttpRequest, model: type[ModelT]) -> ModelT | None:
    """The JSON body as `model`, or None when it is too large, not JSON, or not of that shape."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return None
    if declared > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return None
    try:
        return model.model_validate_json(request.body)
    except ValidationError:
        return None


def _resume_after(last_event_id: str | None) -> int:
    value = (last_event_id or "").strip()
    if value.isascii() and value.isdigit() and int(value) <= MAX_EVENT_ID:
        return int(value)
    return 0


def _ip(request: HttpRequest) -> str:
    # The peer address. Behind a reverse proxy this is the proxy, so per-IP limits count everyone
    # together there; trusting X-Forwarded-For needs the deployment's proxy list, which hubbub lacks yet.
    return str(request.META.get("REMOTE_ADDR", ""))


def _error(status: int, message: str, *, retry_after: int | None = None) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _cors(response: ResponseT, origin: str | None) -> ResponseT:
    """Let the page at `origin` read the answer (called only once `origin` is known to be allowed)."""
    response["Access-Control-Allow-Origin"] = origin or ""
    patch_vary_headers(response, ["Origin"])
    return response


def _preflight(origin: str | None) -> HttpResponse:
    response = _cors(HttpResponse(status=204), origin)
    response["Access-Control-Allow-Methods"] = "GET, POST"
    response["Access-Control-Allow-Headers"] = _ALLOWED_HEADERS
    response["Access-Control-Max-Age"] = "600"
    return response


@cache
def _script() -> bytes:
    found = finders.find("chat/widget.js")
    if not isinstance(found, str):
        raise FileNotFoundError("hubbub/api/static/chat/widget.js is missing")
    return Path(found).read_bytes()
