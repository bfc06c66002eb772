from __future__ import annotations

from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "hubbub.runtime"
    label = "runtime"
    verbose_name = "Runtime"
