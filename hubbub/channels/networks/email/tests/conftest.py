"""Fixtures for the email connector: a real dovecot, a real SMTP server, an account pointed at both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.email.tests.mailservers import Dovecot, SmtpInbox, run_dovecot, run_smtp

FIXTURES = Path(__file__).parent / "fixtures"
ADDRESS = "support@acme.example"


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """One dovecot for the session; each test gets its own user and mailbox (`mail_login`)."""
    yield from run_dovecot()


@pytest.fixture
def smtp_server() -> Iterator[SmtpInbox]:
    yield from run_smtp()


@pytest.fixture
def mail_login(dovecot: Dovecot) -> tuple[str, str]:
    """A fresh IMAP user (login, password) whose mailbox is empty."""
    return dovecot.next_login()


@pytest.fixture
def email_account(dovecot: Dovecot, smtp_server: SmtpInbox, mail_login: tuple[str, str]) -> AccountConfig:
    """The brand's support mailbox: one login for IMAP and SMTP, as most providers have it."""
    smtp_server.logins = {mail_login[0].encode(): mail_login[1].encode()}
    return AccountConfig(
        account_id=7,
        brand_id=3,
        network="email",
        handle=ADDRESS,
        settings=account_settings(dovecot, smtp_server),
        secrets={"username": mail_login[0], "password": mail_login[1]},
    )


def account_settings(dovecot: Dovecot, smtp_server: SmtpInbox, **changes: Any) -> dict[str, Any]:
    return {
        "address": ADDRESS,
        "display_name": "Acme Support",
        "imap_host": dovecot.host,
        "imap_port": dovecot.port,
        "imap_ssl": False,
        "smtp_host": smtp_server.host,
        "smtp_port": smtp_server.port,
        "smtp_security": "none",
        "timeout_seconds": 5,
        **changes,
    }


@pytest.fixture
def budget() -> RateBudget:
    return RateBudget(clock=lambda: 1_000.0, jitter=lambda: 0.5)


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path
