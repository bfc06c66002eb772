from __future__ import annotations

from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "hubbub.routing"
    label = "routing"
    verbose_name = "Routing"
