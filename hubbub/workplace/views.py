"""The Agent Workplace's pages: thin views that call one query and render."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hubbub.workplace.events import inbox_event_stream, resume_after
from hubbub.workplace.queries import inbox_for, post_detail_for


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The posts of the user's queues, highest priority first, kept current by `inbox_events`."""
    return render(request, "workplace/inbox.html", {"inbox": inbox_for(request.user)})


@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """One post with everything the pipeline found, its author as a customer, and their history."""
    return render(request, "workplace/post_detail.html", {"detail": post_detail_for(request.user, post_id)})


@require_GET
async def inbox_events(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events with the inbox rows of new posts; resumes from `Last-Event-ID` or `?after=`."""
    user = await request.auser()
    stream = inbox_event_stream(
        user,
        after=resume_after(request.headers.get("Last-Event-ID"), request.GET.get("after")),
        poll_seconds=settings.HUBBUB_LIVE_POLL_SECONDS,
        stream_seconds=settings.HUBBUB_LIVE_STREAM_SECONDS,
    )
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # Tells nginx and similar proxies to pass each event on at once instead of buffering the stream.
    response["X-Accel-Buffering"] = "no"
    return response
