"""The mission-control wall: spikes and alerts (included by workplace/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
