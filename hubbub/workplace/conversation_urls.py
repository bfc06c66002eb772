"""Conversations: the thread of a post and replies sent from the workplace (included by workplace/urls.py)."""

from __future__ import annotations

from django.urls import path

from hubbub.workplace import conversation_views

urlpatterns = [
    path("<int:post_id>/", conversation_views.conversation, name="conversation"),
    path("<int:post_id>/reply", conversation_views.conversation_reply, name="conversation_reply"),
    path("<int:post_id>/events", conversation_views.conversation_events, name="conversation_events"),
]
