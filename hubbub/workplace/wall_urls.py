"""The mission-control wall: spikes and alerts (included by workplace/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from hubbub.workplace import wall_views

urlpatterns: list[URLPattern] = [
    path("", wall_views.wall, name="wall"),
    path("panels.json", wall_views.wall_panels, name="wall_panels"),
    path("alerts/<int:alert_id>/acknowledge/", wall_views.acknowledge, name="wall_acknowledge"),
]
