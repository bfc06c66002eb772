"""What networks push: /hooks/<network>/ (signed requests; no login, the signature is the check)."""

from __future__ import annotations

from django.urls import URLPattern, path

from hubbub.api import webhooks

app_name = "hooks"
urlpatterns: list[URLPattern] = [
    path("<str:network>/<int:channel_id>/", webhooks.receive, name="receive"),
]
