"""The web-chat widget's public endpoints: /chat/ (visitors hold a session token, not a login)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
