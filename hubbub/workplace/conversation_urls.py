"""Conversations: the thread of a post and replies sent from the workplace (included by workplace/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
