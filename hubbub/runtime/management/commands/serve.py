"""`hubbub serve`: the web server for the Agent Workplace, the back office and the live event streams."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hubbub.runtime.background import BackgroundJobs
from hubbub.runtime.server import run_server


def _port(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a TCP port (1-65535)")
    return value


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


class Command(BaseCommand):
    help = (
        "Serve hubbub over HTTP with the ASGI server (uvicorn) until Ctrl-C. Run `hubbub migrate` first. "
        "Live inbox updates are server-sent events, which need ASGI: do not put hubbub behind a WSGI server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="Interface to listen on (default: %(default)s, this machine only; 0.0.0.0: every one).",
        )
        parser.add_argument("--port", type=_port, default=8000, help="TCP port (default: %(default)s).")
        parser.add_argument(
            "--workers",
            type=_positive,
            default=1,
            help="Server processes (default: %(default)s). More than one needs PostgreSQL, not SQLite.",
        )
        parser.add_argument(
            "--log-level",
            default="warning",
            choices=["critical", "error", "warning", "info", "debug"],
            help="The server's log level (default: %(default)s; info logs every request).",
        )
        parser.add_argument(
            "--no-connectors",
            action="store_true",
            help="Do not poll networks, send replies or process webhooks here (run `hubbub poll` instead).",
        )
        parser.add_argument(
            "--no-spike-watch",
            action="store_true",
            help="Do not look for spikes here (run `hubbub detect_spikes --every 15` instead).",
        )

    def handle(self, *args: Any, **options: Any) -> None:  # noqa: ARG002 (Django's signature)
        host, port = options["host"], options["port"]
        jobs = BackgroundJobs(connectors=not options["no_connectors"], spikes=not options["no_spike_watch"])
        self.stdout.write(f"hubbub is serving on http://{_url_host(host)}:{port}/ (Ctrl-C to stop)")
        self.stdout.write(f"in the background: {jobs.describe()}")
        jobs.start()
        try:
            run_server(host, port, workers=options["workers"], log_level=options["log_level"])
        finally:
            jobs.stop()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
