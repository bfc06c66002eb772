"""The CRM REST API (django-ninja), described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hubbub.api"
    label = "api"
    verbose_name = "API"
