"""Real mail servers for the email tests: Debian's dovecot (IMAP) and aiosmtpd (SMTP), on 127.0.0.1.

Dovecot runs from a minimal config written into a temporary directory: IMAP only, plaintext login
allowed (it listens on loopback only), users in a passwd-file, maildirs under the same directory.
A missing dovecot fails the tests (scripts/ensure-test-services installs it); it never skips them.
"""

from __future__ import annotations

import getpass
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from imapclient import IMAPClient

STARTUP_SECONDS = 10.0
# Dovecot re-reads its passwd-file at most once a second, so every test mailbox exists from the start.
USERS = 200
PASSWORD = "imap-secret"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _users_for(root: Path) -> dict[str, str]:
    """Who dovecot's processes run as: root may not log in or own mail; dovecot's own users do that."""
    if os.getuid() == 0:
        for name in ("dovecot", "dovenull"):
            try:
                pwd.getpwnam(name)
            except KeyError:
                pytest.fail(f"user {name} is missing: install dovecot-imapd (scripts/ensure-test-services)")
        root.chmod(0o711)
        return {"internal": "root", "login": "dovenull", "mail": "dovecot", "first_uid": "1"}
    me = getpass.getuser()
    return {"internal": me, "login": me, "mail": me, "first_uid": str(os.getuid())}


def dovecot_config(root: Path, port: int, users: dict[str, str]) -> str:
    """A dovecot.conf that serves IMAP on 127.0.0.1:`port` for the users in `root`/users."""
    mail_group = grp.getgrgid(pwd.getpwnam(users["mail"]).pw_gid).gr_name
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests log in with a wrong password on purpose: answer at once (the default waits 2 s).
auth_failure_delay = 0
mail_location = maildir:~/Maildir
default_internal_user = {users["internal"]}
default_internal_group = {grp.getgrgid(pwd.getpwnam(users["internal"]).pw_gid).gr_name}
default_login_user = {users["login"]}
mail_uid = {users["mail"]}
mail_gid = {mail_group}
first_valid_uid = {users["first_uid"]}
first_valid_gid = 1
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    auto = create
    special_use = \\Sent
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
# No growing login delay for an address after failed logins (anvil's auth penalty): tests fail logins.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class Dovecot:
    """A running dovecot with USERS empty mailboxes; `next_login` hands one to each test."""

    root: Path
    port: int
    mail_user: str
    host: str = "127.0.0.1"
    _used: int = 0

    def next_login(self) -> tuple[str, str]:
        """A user nobody has used yet (login, password): an empty mailbox for one test."""
        if self._used >= USERS:
            pytest.fail(f"all {USERS} test mailboxes are used: raise USERS in {__name__}")
        self._used += 1
        return f"support{self._used}@acme.example", PASSWORD

    def client(self, address: str, password: str) -> IMAPClient:
        """A logged-in IMAPClient, for putting fixture messages in place and checking what arrived."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(address, password)
        return client


def run_dovecot() -> Iterator[Dovecot]:
    """Start dovecot in the foreground in a temporary directory; stop it and remove the directory after."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if binary is None:
        pytest.fail("dovecot is missing: run scripts/ensure-test-services (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="hubbub-dovecot-"))
    users = _users_for(root)
    for name in ("run", "state", "home"):
        (root / name).mkdir()
    _write_users(root, users["mail"])
    port = free_port()
    (root / "dovecot.conf").write_text(dovecot_config(root, port, users))
    process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")], stderr=subprocess.PIPE)
    try:
        _wait_for(port, process, root)
        yield Dovecot(root=root, port=port, mail_user=users["mail"])
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _write_users(root: Path, mail_user: str) -> None:
    lines = []
    for number in range(1, USERS + 1):
        home = root / "home" / f"support{number}"
        home.mkdir()
        shutil.chown(home, mail_user, mail_user)
        lines.append(f"support{number}@acme.example:{{PLAIN}}{PASSWORD}::::{home}\n")
    (root / "users").write_text("".join(lines))


def _wait_for(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot exited: {process.stderr.read().decode() if process.stderr else ''} {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            time.sleep(0.05)
        else:
            return
    pytest.fail(f"dovecot did not listen on 127.0.0.1:{port} within {STARTUP_SECONDS} s")


@dataclass
class Received:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    login: bytes | None


@dataclass
class SmtpInbox:
    """What the local SMTP server received; set `answer` to make it refuse the next messages."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    answer: str = "250 Message accepted for delivery"
    logins: dict[bytes, bytes] = field(default_factory=dict)

    # aiosmtpd's hook name and signature.
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802, ARG002
        """aiosmtpd's hook: keep the message and answer as told."""
        if self.answer.startswith("250"):
            content = envelope.original_content or b""
            login = session.auth_data if isinstance(session.auth_data, bytes) else None
            self.received.append(
                Received(str(envelope.mail_from), [str(to) for to in envelope.rcpt_tos], content, login)
            )
        return self.answer

    def authenticate(  # aiosmtpd's authenticator signature
        self,
        server: SMTP,  # noqa: ARG002
        session: Session,  # noqa: ARG002
        envelope: Envelope,  # noqa: ARG002
        mechanism: str,  # noqa: ARG002
        data: Any,
    ) -> AuthResult:
        """aiosmtpd's authenticator: the login and password in `logins`."""
        ok = isinstance(data, LoginPassword) and self.logins.get(data.login) == data.password
        return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)


def run_smtp() -> Iterator[SmtpInbox]:
    """aiosmtpd in a thread on 127.0.0.1 (AUTH allowed without TLS: it is loopback only)."""
    inbox = SmtpInbox(host="127.0.0.1", port=free_port())
    controller = Controller(
        inbox,
        hostname=inbox.host,
        port=inbox.port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
