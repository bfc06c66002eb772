"""The Agent Workplace's URLs."""

from __future__ import annotations

from django.urls import path

from hubbub.workplace import views

app_name = "workplace"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("events/inbox", views.inbox_events, name="inbox_events"),
]
