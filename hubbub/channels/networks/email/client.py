"""IMAP (IMAPClient) and SMTP (smtplib) sessions for one email account, with failures as ConnectorError.

IMAP failures: a refused login is permanent (the credentials are wrong); a dropped connection,
a timeout or a server saying `[UNAVAILABLE]`/`[INUSE]`/`[LIMIT]` (RFC 5530 response codes) is
retryable; any other refused command (a mailbox that does not exist) is permanent. SMTP: 4xx
replies are transient and 5xx permanent (RFC 5321 §4.2.1).
"""

from __future__ import annotations

import imaplib
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from email.message import EmailMessage

# IMAPClient ships no type hints; pyproject's ignore_missing_imports list should name it.
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from hubbub.channels.networks.base import ConnectorError
from hubbub.channels.networks.email.payloads import EmailSettings

_TRANSIENT_IMAP_CODES = ("[UNAVAILABLE]", "[INUSE]", "[LIMIT]")
FetchedItem = dict[bytes, object]


class Mailbox:
    """A logged-in IMAP session (use `imap_session`); UIDs throughout, never sequence numbers."""

    def __init__(self, client: IMAPClient) -> None:
        self.client = client

    def select(self, folder: str, *, readonly: bool = True) -> int:
        """Open `folder`; its UIDVALIDITY (a changed value means every UID was renumbered)."""
        with imap_errors():
            info = self.client.select_folder(folder, readonly=readonly)
        return int(info.get(b"UIDVALIDITY", 0))

    def uids_after(self, last_uid: int) -> list[int]:
        """The UIDs above `last_uid`, ascending."""
        with imap_errors():
            found = self.client.search(["UID", f"{last_uid + 1}:*"])
        # RFC 3501 §6.4.8: "n:*" always includes the highest UID, even when it is below n.
        return sorted(uid for uid in found if uid > last_uid)

    def fetch(self, uids: list[int], items: list[str]) -> dict[int, FetchedItem]:
        """`items` (e.g. RFC822.SIZE, BODY.PEEK[]) of each UID."""
        if not uids:
            return {}
        with imap_errors():
            return dict(self.client.fetch(uids, items))

    def find_header(self, name: str, value: str) -> list[int]:
        """UIDs whose header `name` contains `value` (IMAP SEARCH HEADER)."""
        with imap_errors():
            return list(self.client.search(["HEADER", name, value]))

    def append(self, folder: str, raw: bytes) -> None:
        """Store a copy of a message in `folder`, marked as read."""
        with imap_errors():
            self.client.append(folder, raw, flags=[b"\\Seen"])


@contextmanager
def imap_session(settings: EmailSettings, secrets: Mapping[str, str]) -> Iterator[Mailbox]:
    """A logged-in IMAP session, logged out afterwards."""
    with imap_errors():
        client = IMAPClient(
            settings.imap_host,
            port=settings.imap_port,
            ssl=settings.imap_ssl,
            ssl_context=ssl.create_default_context() if settings.imap_ssl else None,
            timeout=settings.timeout_seconds,
        )
    try:
        with imap_errors():
            client.login(secrets.get("username") or settings.address, secrets.get("password", ""))
        yield Mailbox(client)
    finally:
        _quietly_log_out(client)


def _quietly_log_out(client: IMAPClient) -> None:
    try:
        client.logout()
    except (IMAPClientError, OSError):
        with suppress(OSError):
            client.shutdown()


@contextmanager
def imap_errors() -> Iterator[None]:
    """IMAP and socket failures raised as ConnectorError, retryable or permanent."""
    try:
        yield
    except LoginError as error:
        raise ConnectorError(f"IMAP login refused: {_said(error)}", retryable=False) from error
    except imaplib.IMAP4.abort as error:
        raise ConnectorError(f"IMAP connection lost: {_said(error)}", retryable=True) from error
    except IMAPClientError as error:
        transient = any(code in str(error) for code in _TRANSIENT_IMAP_CODES)
        raise ConnectorError(f"IMAP command refused: {_said(error)}", retryable=transient) from error
    except (OSError, ssl.SSLError) as error:
        raise ConnectorError(f"IMAP server unreachable: {_said(error)}", retryable=True) from error


def send_smtp(settings: EmailSettings, secrets: Mapping[str, str], message: EmailMessage) -> None:
    """Hand `message` to the account's SMTP server (submission, with login when a password is set)."""
    try:
        with _smtp_connection(settings) as smtp:
            if settings.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if secrets.get("password"):
                smtp.login(secrets.get("username") or settings.address, secrets["password"])
            smtp.send_message(message)
    except smtplib.SMTPResponseException as error:
        raise ConnectorError(
            f"SMTP server answered {error.smtp_code}: {_said(error.smtp_error)}",
            retryable=400 <= error.smtp_code < 500,
        ) from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise ConnectorError(
            f"SMTP server refused the recipient ({codes})", retryable=all(400 <= code < 500 for code in codes)
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        raise ConnectorError(f"SMTP server unreachable: {_said(error)}", retryable=True) from error


def _smtp_connection(settings: EmailSettings) -> smtplib.SMTP:
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=settings.timeout_seconds,
            context=ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds)


def _said(error: object) -> str:
    """What the server said, bounded: it ends up in the health page's last error."""
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return " ".join(text.split())[:200]
