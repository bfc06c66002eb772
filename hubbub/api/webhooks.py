"""What networks push to /hooks/<network>/<channel id>/: no login and no CSRF token, because the
network's signature is the check (channels/deliveries.py does the generic work, each network's
WebhookHandler the signature and handshake)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hubbub.channels.deliveries import MAX_WEBHOOK_BYTES, receive_push
from hubbub.channels.networks.base import WebhookRequest
from hubbub.channels.queries import webhook_channel
from hubbub.channels.registry import NETWORKS


def _bounded_body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is larger than any network sends (read no further than the bound)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > MAX_WEBHOOK_BYTES:
        return None
    body = request.read(MAX_WEBHOOK_BYTES + 1)
    return body if len(body) <= MAX_WEBHOOK_BYTES else None


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest, network: str, channel_id: int) -> HttpResponse:
    """Answer a handshake, or verify and keep a pushed request for the connector runner."""
    found = webhook_channel(network, channel_id, NETWORKS)
    if found is None:
        raise Http404("No such webhook.")
    body = _bounded_body(request)
    if body is None:
        return HttpResponse(b"Payload too large", status=413, content_type="text/plain")
    pushed = WebhookRequest(
        method=request.method or "GET",
        path=request.path,
        query={name: str(value) for name, value in request.GET.items()},
        headers={name.lower(): value for name, value in request.headers.items()},
        body=body,
    )
    answer = receive_push(*found, pushed, timezone.now())
    return HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
