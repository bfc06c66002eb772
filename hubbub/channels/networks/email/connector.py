"""The email connector: IMAP in (UIDVALIDITY + last UID as the cursor), SMTP out, a copy in Sent.

Each message becomes one Post of kind email. Its text is the subject on the first line, a blank
line, then the plain-text body (an HTML-only body is converted to text), then a line naming the
attached files. The external id is the Message-ID without brackets, so a re-read mailbox (a changed
UIDVALIDITY) stores nothing twice: the pipeline's writer ignores ids it already has.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from django.utils import timezone
from pydantic import ValidationError

from hubbub.channels.budget import RateBudget
from hubbub.channels.models import OutboundKind
from hubbub.channels.networks.base import (
    AccountConfig,
    ConnectorError,
    Fetched,
    NetworkSpec,
    OutboundMessage,
    ReplyRules,
    Sent,
)
from hubbub.channels.networks.email.attachments import keep_attachments
from hubbub.channels.networks.email.client import Mailbox, imap_session, send_smtp
from hubbub.channels.networks.email.compose import compose_email, outbound_message_id
from hubbub.channels.networks.email.payloads import (
    MAX_MESSAGE_BYTES,
    AttachmentPart,
    EmailSettings,
    MalformedEmailError,
    ParsedEmail,
    parse_email,
)
from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import MAX_TEXT_CHARS, Post

logger = logging.getLogger(__name__)

# IMAP answers carry no rate headers; "email" reads only Retry-After (never sent), so observing an
# answer just clears the back-off after a failure.
BUDGET_STYLE = "email"
KeepAttachments = Callable[[str, Iterable[AttachmentPart]], object]


class EmailConnector:
    """One mailbox: polled over IMAP, answered over SMTP."""

    def __init__(
        self,
        account: AccountConfig,
        budget: RateBudget,
        *,
        keep: KeepAttachments = keep_attachments,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.account = account
        self.budget = budget
        self.settings = _settings(account)
        self._keep = keep
        self._clock = clock

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        """The messages after the cursor's UID, oldest first; everything again if UIDVALIDITY changed."""
        with self._tracked(), imap_session(self.settings, self.account.secrets) as mailbox:
            validity = mailbox.select(self.settings.mailbox)
            last_uid = _last_uid(cursor) if cursor.get("uidvalidity") == str(validity) else 0
            uids = mailbox.uids_after(last_uid)[: self.settings.max_messages_per_poll]
            posts = [post for post in self._read(mailbox, uids) if post is not None]
        return Fetched(posts, {"uidvalidity": str(validity), "last_uid": str(max(uids, default=last_uid))})

    def send(self, message: OutboundMessage) -> Sent:
        """Send over SMTP, then file a copy in the Sent folder (what `find_sent` looks for)."""
        email = compose_email(message, self.settings, self._clock())
        with self._tracked():
            send_smtp(self.settings, self.account.secrets, email)
        try:
            with imap_session(self.settings, self.account.secrets) as mailbox:
                mailbox.append(self.settings.sent_folder, email.as_bytes())
        except ConnectorError as error:
            # The email is gone: failing now would send it twice. The copy is only for find_sent.
            logger.warning("Email %s sent but not filed in Sent: %s", message.key, error)
        return Sent(outbound_message_id(message.key, self.settings))

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        """The sent email if the Sent folder holds its Message-ID (derived from the outbound key)."""
        message_id = outbound_message_id(message.key, self.settings)
        with self._tracked(), imap_session(self.settings, self.account.secrets) as mailbox:
            mailbox.select(self.settings.sent_folder)
            found = mailbox.find_header("Message-ID", f"<{message_id}>")
        return Sent(message_id) if found else None

    def _read(self, mailbox: Mailbox, uids: list[int]) -> Iterable[Post | None]:
        sizes = mailbox.fetch(uids, ["RFC822.SIZE"])
        small = [uid for uid in uids if _size(sizes.get(uid, {})) <= MAX_MESSAGE_BYTES]
        # BODY.PEEK[] is RFC822 without setting \Seen (RFC 3501 §6.4.5): people reading the same
        # mailbox still see what is new to them.
        bodies = mailbox.fetch(small, ["BODY.PEEK[]", "INTERNALDATE"])
        headers = mailbox.fetch(
            [uid for uid in uids if uid not in bodies], ["BODY.PEEK[HEADER]", "INTERNALDATE"]
        )
        for uid in uids:
            item = bodies.get(uid) or headers.get(uid, {})
            yield self._post(uid, item, too_large=_size(sizes.get(uid, {})) if uid not in bodies else 0)

    def _post(self, uid: int, item: Mapping[bytes, object], *, too_large: int) -> Post | None:
        raw = item.get(b"BODY[HEADER]" if too_large else b"BODY[]")
        try:
            if not isinstance(raw, bytes):
                raise MalformedEmailError("the server sent no message")
            parsed = parse_email(raw, headers_only=bool(too_large))
        except MalformedEmailError as error:
            logger.warning("Skipped email UID %s of account %s: %s", uid, self.account.account_id, error)
            return None
        if parsed.attachments:
            self._keep(parsed.message_id, parsed.attachments)
        return self._to_post(parsed, _internal_date(item.get(b"INTERNALDATE")), too_large)

    def _to_post(self, parsed: ParsedEmail, received: datetime | None, too_large: int) -> Post:
        return Post(
            network=Network.EMAIL,
            external_id=parsed.message_id,
            author_id=parsed.sender,
            author_handle=parsed.sender,
            author_name=parsed.sender_name,
            text=post_text(parsed, too_large=too_large),
            created_at=parsed.sent_at or received or self._clock(),
            in_reply_to_id=parsed.in_reply_to,
            is_inbound=parsed.sender != self.settings.address,
            brand_id=self.account.brand_id,
            kind=PostKind.EMAIL,
            thread_id=parsed.thread_root,
            account_id=self.account.account_id,
            source=self.settings.address,
        )

    @contextmanager
    def _tracked(self) -> Iterator[None]:
        """Report how a block of IMAP or SMTP calls went to the rate budget (back-off after failures)."""
        try:
            yield
        except ConnectorError as error:
            if error.retryable:
                self.budget.failed(self.account.budget_key, error.retry_after)
            raise
        self.budget.observe(self.account.budget_key, 200, {}, BUDGET_STYLE)


def post_text(parsed: ParsedEmail, *, too_large: int = 0) -> str:
    """Subject, blank line, body, then the attached files by name (and those not kept, with why)."""
    lines = [parsed.subject, ""] if parsed.subject else []
    if too_large:
        lines.append(
            f"[This email ({too_large:,} bytes) is over hubbub's size limit: read it in the mailbox.]"
        )
    elif parsed.body:
        lines.append(parsed.body)
    if parsed.attachments:
        lines += ["", "Attached: " + ", ".join(part.filename for part in parsed.attachments)]
    if parsed.skipped:
        lines += [
            "",
            "Not kept (too large or too many): " + ", ".join(part.filename for part in parsed.skipped),
        ]
    return "\n".join(lines).strip()[:MAX_TEXT_CHARS]


def _settings(account: AccountConfig) -> EmailSettings:
    try:
        return EmailSettings.model_validate(account.settings)
    except ValidationError as error:
        fields = ", ".join(".".join(map(str, problem["loc"])) for problem in error.errors())
        raise ConnectorError(f"email account settings are invalid: {fields}", retryable=False) from None


def _last_uid(cursor: Mapping[str, str]) -> int:
    value = cursor.get("last_uid", "0")
    return int(value) if value.isdigit() else 0


def _size(item: Mapping[bytes, object]) -> int:
    size = item.get(b"RFC822.SIZE")
    return size if isinstance(size, int) else 0


def _internal_date(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    # IMAPClient hands INTERNALDATE as naive local time unless told otherwise.
    return value.astimezone(UTC) if value.tzinfo else value.astimezone().astimezone(UTC)


def connect(account: AccountConfig, budget: RateBudget) -> EmailConnector:
    """The connector of one email account (NetworkSpec.connect)."""
    return EmailConnector(account, budget)


SPEC = NetworkSpec(
    network=Network.EMAIL,
    rules=ReplyRules(max_chars=MAX_TEXT_CHARS, kinds=frozenset({OutboundKind.EMAIL})),
    connect=connect,
    poll_seconds=60.0,
)
