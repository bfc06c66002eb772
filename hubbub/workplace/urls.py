from __future__ import annotations

from django.urls import path

from hubbub.workplace import views

app_name = "workplace"
urlpatterns = [
    path("", views.inbox, name="inbox"),
]
