"""The phone's screen pop (included by workplace/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from hubbub.workplace import phone_views

urlpatterns: list[URLPattern] = [
    path("pending.json", phone_views.pending_calls, name="pending_calls"),
]
