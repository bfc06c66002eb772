"""The wall: open spike alerts, failing channels and topic sparklines, refreshed by polling, and
acknowledging an alert.

Panels are views of their own template so the full page and the JSON refresh render the same
HTML; a new panel is one more template, one more field of `Wall`, and one more key here.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from hubbub.metrics.actions import acknowledge_alert
from hubbub.metrics.queries import alert_to_acknowledge, wall_for

PANELS = {
    "alerts": "workplace/wall_alerts.html",
    "channels": "workplace/wall_channels.html",
    "topics": "workplace/wall_topics.html",
}
# How often the page asks for fresh panels; detection itself runs every few seconds at most.
POLL_SECONDS = 5


@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    """The wall of the user's brands: open spike alerts, then failing channels and the busiest topics."""
    context = {"wall": wall_for(request.user, timezone.now()), "poll_seconds": POLL_SECONDS}
    return render(request, "workplace/wall.html", context)


@require_GET
def wall_panels(request: HttpRequest) -> JsonResponse:
    """Every panel rendered again, as escaped HTML in JSON, for the page's polling script."""
    context = {"wall": wall_for(request.user, timezone.now())}
    panels = {name: render_to_string(template, context, request=request) for name, template in PANELS.items()}
    response = JsonResponse({"panels": panels, "open_alerts": len(context["wall"].alerts)})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """A supervisor marks an alert as seen; it stays on the wall until the spike ends."""
    alert = alert_to_acknowledge(request.user, alert_id)
    if acknowledge_alert(alert, cast("AbstractBaseUser", request.user), timezone.now()):
        messages.success(request, f"Acknowledged: {alert.get_kind_display()} on {alert.topic_name}.")
    return redirect("workplace:wall")
