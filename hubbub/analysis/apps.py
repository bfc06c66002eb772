from __future__ import annotations

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "hubbub.analysis"
    label = "analysis"
    verbose_name = "Analysis"
