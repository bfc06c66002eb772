"""Listening configuration (sources, topics, exclusions, languages), included by workplace/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
