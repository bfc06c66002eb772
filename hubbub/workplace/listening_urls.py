"""Listening configuration (sources, topics, exclusions, languages), included by workplace/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from hubbub.workplace import listening_views as views

urlpatterns: list[URLPattern] = [
    path("", views.listening, name="listening"),
    path("<slug:slug>/", views.listening_brand, name="listening_brand"),
    path("<slug:slug>/topics/new/", views.listening_topic, name="listening_topic_new"),
    path("<slug:slug>/topics/<int:topic_id>/", views.listening_topic, name="listening_topic"),
    path(
        "<slug:slug>/topics/<int:topic_id>/delete/",
        views.listening_topic_delete,
        name="listening_topic_delete",
    ),
    path("<slug:slug>/sources/new/", views.listening_source, name="listening_source_new"),
    path("<slug:slug>/sources/<int:source_id>/", views.listening_source, name="listening_source"),
    path(
        "<slug:slug>/sources/<int:source_id>/delete/",
        views.listening_source_delete,
        name="listening_source_delete",
    ),
]
