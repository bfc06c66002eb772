from __future__ import annotations

from django.apps import AppConfig


class WorkplaceConfig(AppConfig):
    name = "hubbub.workplace"
    label = "workplace"
    verbose_name = "Workplace"
