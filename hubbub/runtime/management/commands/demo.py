"""`hubbub demo`: the product with demo data and a simulated live stream, in one process."""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from hubbub.channels.simulator import LiveStream
from hubbub.runtime.assembly import build_pipeline
from hubbub.runtime.background import BackgroundJobs
from hubbub.runtime.demo_data import DemoLogin, login_path, seed_demo_data
from hubbub.runtime.server import run_server

# Small batches keep the stream's write transactions short, so the web process rarely waits on them.
STREAM_BATCH = 200


class Command(BaseCommand):
    help = (
        "Run hubbub with demo brands, people and customers, and a simulated live stream of posts. "
        "Uses the embedded database (SQLite under HUBBUB_VAR_DIR) unless DATABASE_URL says otherwise; "
        "running it again reuses the data and the password in HUBBUB_VAR_DIR/demo-login.json."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
        parser.add_argument(
            "--rate", type=float, default=0.5, help="simulated posts per second (default: %(default)s)"
        )
        parser.add_argument("--no-stream", action="store_true", help="do not start the simulated stream")
        parser.add_argument("--seed", type=int, help="seed of the simulated stream (default: the clock)")

    def handle(self, *_args: Any, **options: Any) -> None:
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        login = seed_demo_data()
        stream = None
        if not options["no_stream"] and options["rate"] > 0:
            # A new seed per run gives new post ids, so a restarted demo keeps receiving new posts.
            seed = options["seed"] if options["seed"] is not None else time.time_ns() // 1_000_000
            stream = LiveStream(
                build_pipeline().process, rate=options["rate"], seed=seed, max_batch=STREAM_BATCH
            )
            stream.start()
        jobs = BackgroundJobs()
        jobs.start()
        self._welcome(login, f"http://{options['host']}:{options['port']}/", options, stream is not None)
        try:
            run_server(options["host"], options["port"])
        finally:
            jobs.stop()
            if stream is not None:
                stream.stop()

    def _welcome(self, login: DemoLogin, url: str, options: dict[str, Any], streaming: bool) -> None:
        table = Table(box=None, show_header=True, header_style="bold")
        for column in ("username", "password", "role", "brands"):
            table.add_column(column)
        for user in login.users:
            table.add_row(user.username, escape(login.password), user.role, ", ".join(user.brands))
        stream = f"{options['rate']:g} simulated posts/s" if streaming else "off (--no-stream)"
        body = Table.grid(padding=(0, 2))
        body.add_row("open", f"[bold cyan]{escape(url)}[/]")
        body.add_row("log in as", table)
        body.add_row("stream", stream)
        body.add_row(
            "data", escape(f"{settings.DATABASES['default']['NAME']} (login kept in {login_path()})")
        )
        body.add_row("stop", "Ctrl-C")
        # Django's OutputWrapper appends newlines to every write; rich needs the stream underneath.
        console = Console(file=cast("IO[str]", getattr(self.stdout, "_out", self.stdout)), highlight=False)
        console.print(Panel(body, title="hubbub demo", expand=False))
