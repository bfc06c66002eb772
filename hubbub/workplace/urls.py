"""The Agent Workplace's URLs."""

from __future__ import annotations

from django.urls import include, path

from hubbub.workplace import customer_views, views

app_name = "workplace"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("events/inbox", views.inbox_events, name="inbox_events"),
    path("customers/<int:customer_id>/", customer_views.customer_page, name="customer"),
    path("customers/<int:customer_id>/notes/", customer_views.customer_note, name="customer_note"),
    path(
        "customers/<int:customer_id>/suggestions/<int:suggestion_id>/<str:decision>/",
        customer_views.customer_suggestion,
        name="customer_suggestion",
    ),
    path(
        "customers/<int:customer_id>/merges/<int:merge_id>/unmerge/",
        customer_views.customer_unmerge,
        name="customer_unmerge",
    ),
    path("listening/", include("hubbub.workplace.listening_urls")),
    path("wall/", include("hubbub.workplace.wall_urls")),
    path("channels/", include("hubbub.workplace.channel_urls")),
    path("conversations/", include("hubbub.workplace.conversation_urls")),
    path("calls/", include("hubbub.workplace.phone_urls")),
]
