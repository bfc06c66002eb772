"""The `hubbub` console script: a thin layer over hubbub's management commands."""

from __future__ import annotations

import os
import sys

HUBBUB_COMMANDS = {
    "demo": "run the product with demo data and a live simulated stream (SQLite, one process)",
    "serve": "run the web server (ASGI) for the Agent Workplace and the back office",
    "poll": "run the connectors: poll brand accounts, send queued replies, process webhooks (--once)",
    "ingest": "read posts from a JSONL or CSV file into the pipeline",
    "storm": "simulate a Twitter storm against a brand (--rate posts/s) and feed it to the pipeline",
    "import_crm": "import customers, products or purchases of a brand from a CSV file",
    "recompute_tiers": "recompute customers' tiers by their brand's rules (run daily, e.g. from cron)",
    "detect_spikes": "look for volume and negative-share spikes per topic; alerts show on the wall (/wall/)",
    "api_token": "create, list or revoke personal API tokens for the REST API (/api/v1/)",
    "migrate": "create or update the database schema",
    "createsuperuser": "create an administrator for the back office",
    "analyze": "analyse texts from a file or stdin: one JSON line each (language, sentiment, intent, ...)",
    "eval": "validation figures of the analysis models, and throughput against VADER",
}


def _usage() -> str:
    width = max(len(name) for name in HUBBUB_COMMANDS)
    lines = [
        "usage: hubbub <command> [options]",
        "",
        "hubbub: a social contact center and social CRM.",
        "",
        "commands:",
        *(f"  {name.ljust(width)}  {summary}" for name, summary in HUBBUB_COMMANDS.items()),
        "",
        "`hubbub <command> --help` describes a command; `hubbub help --all` lists Django's commands too.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run a hubbub command, or print the list of commands."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"} or args == ["help"]:
        sys.stdout.write(_usage() + "\n")
        return
    if args == ["help", "--all"]:
        args = ["help"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubbub.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 (settings first)

    execute_from_command_line(["hubbub", *args])


if __name__ == "__main__":
    main()
