"""`hubbub poll`: the connectors in the foreground: poll brand accounts, send replies, process webhooks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from hubbub.channels.models import ChannelAccount
from hubbub.channels.runner import DEFAULT_INTERVAL_SECONDS, ConnectorRunner
from hubbub.channels.secrets import SecretsError, rotate_secrets
from hubbub.runtime.assembly import build_pipeline
from hubbub.runtime.terminal import DocumentedCommand

DESCRIPTION = """\
Run the connectors: every round polls each enabled brand account that is due (its network's poll
interval and rate budget permitting), hands what is new to the pipeline and only then moves the
account's cursor, sends the replies agents queued (each exactly once), and processes the requests
networks pushed to /hooks/. A failing network marks its accounts degraded or down on the Channels
page and never stops the others. Runs until Ctrl-C, or one round with --once.
"""

EXAMPLES = """\
examples:
  hubbub poll
  hubbub poll --once
  hubbub poll --interval 15
  hubbub poll --rotate-credentials    # after adding a new HUBBUB_CREDENTIALS_KEY
"""


class Command(DocumentedCommand):
    help = DESCRIPTION
    examples = EXAMPLES

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run one round, print what it did, exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL_SECONDS,
            help="seconds between rounds (%(default)s)",
        )
        parser.add_argument(
            "--rotate-credentials",
            action="store_true",
            help="re-encrypt every account's credentials with the current key, then exit",
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        if options["rotate_credentials"]:
            self._rotate()
            return
        if options["interval"] <= 0:
            raise CommandError("--interval must be above 0")
        runner = ConnectorRunner(build_pipeline().process, interval=options["interval"])
        if options["once"]:
            self.stdout.write(runner.run_once().summary())
            return
        self.stderr.write(f"running the connectors every {options['interval']:g} s; Ctrl-C stops")
        try:
            runner.run_until_stopped()
        except KeyboardInterrupt:
            self.stderr.write("stopped")

    def _rotate(self) -> None:
        rotated, unreadable = 0, []
        for channel in ChannelAccount.objects.exclude(secrets_encrypted="").order_by("id"):
            try:
                rotated += rotate_secrets(channel)
            except SecretsError:
                unreadable.append(str(channel.id))
        self.stdout.write(f"re-encrypted the credentials of {rotated} account(s)")
        if unreadable:
            accounts = ", ".join(unreadable)
            raise CommandError(f"no configured key decrypts the credentials of account(s) {accounts}")
