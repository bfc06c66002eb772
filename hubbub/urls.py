"""The site's URLs: the workplace, the login pages and the admin back office."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "hubbub back office"
admin.site.site_title = "hubbub"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("hubbub.api.urls")),
    path("hooks/", include("hubbub.api.webhook_urls")),
    path("chat/", include("hubbub.api.widget_urls")),
    path("", include("hubbub.workplace.urls")),
]
