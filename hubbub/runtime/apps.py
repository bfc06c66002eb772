from __future__ import annotations

from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "hubbub.runtime"
    label = "runtime"
    verbose_name = "Runtime"

    def ready(self) -> None:
        """Hand the assembled pipeline to what takes posts in over HTTP (web chat, CTI events), in every
        process that serves requests, uvicorn workers included."""
        from hubbub.channels.intake import use_pipeline  # noqa: PLC0415 (apps are not loaded at import time)
        from hubbub.runtime.assembly import build_pipeline  # noqa: PLC0415

        use_pipeline(build_pipeline)
