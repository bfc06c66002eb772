"""What networks push: /hooks/<network>/ (signed requests; no login, the signature is the check)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
