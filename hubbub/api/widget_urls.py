"""The web-chat widget's public endpoints: /chat/ (visitors hold a session token, not a login)."""

from __future__ import annotations

from django.urls import path

from hubbub.api import widget

app_name = "chat"
urlpatterns = [
    path("widget.js", widget.widget_script, name="widget"),
    path("<int:account_id>/sessions", widget.start_session, name="start"),
    path("sessions/messages", widget.post_message, name="messages"),
    path("sessions/events", widget.session_events, name="events"),
]
