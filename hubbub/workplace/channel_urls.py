"""The health of every brand account's connection (included by workplace/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from hubbub.workplace import channel_views

urlpatterns: list[URLPattern] = [
    path("", channel_views.channels_page, name="channels"),
]
