from __future__ import annotations

from django.apps import AppConfig


class CRMConfig(AppConfig):
    name = "hubbub.crm"
    label = "crm"
    verbose_name = "Customers"
