"""Sending through a real SMTP server (aiosmtpd), filing a copy in dovecot's Sent, finding it again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig, ConnectorError, OutboundMessage, Sent
from hubbub.channels.networks.email.compose import reply_subject
from hubbub.channels.networks.email.connector import SPEC, EmailConnector
from hubbub.channels.networks.email.tests.mailservers import Dovecot, SmtpInbox, free_port

pytestmark = pytest.mark.django_db

REPLY = OutboundMessage(
    key="outbound-41",
    kind="email",
    text="Your parcel is on its way: it left our warehouse this morning.",
    in_reply_to="CAF7x1q3=followup@mail.example.net",
    recipient="maria.lopez@example.net",
    thread_id="CAF7x1q3=order1042@mail.example.net",
    subject="My order #A-1042 has not arrived",
)


def connector(account: AccountConfig, budget: RateBudget) -> EmailConnector:
    return EmailConnector(account, budget, clock=lambda: datetime(2026, 3, 9, 10, 30, tzinfo=UTC))


def test_sends_exactly_one_threaded_reply_from_the_account_address(
    smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    sent = connector(email_account, budget).send(REPLY)

    (received,) = smtp_server.received
    assert (received.mail_from, received.rcpt_tos) == ("support@acme.example", ["maria.lopez@example.net"])
    assert received.login == email_account.secrets["username"].encode()
    email = message_from_bytes(received.content, policy=policy.default)
    message_id = email["Message-ID"]
    # Long headers may be folded onto a continuation line (RFC 5322 §2.2.3): compare them unfolded.
    assert {name: " ".join(value.split()) for name, value in email.items()} == {
        "From": "Acme Support <support@acme.example>",
        "To": "maria.lopez@example.net",
        "Subject": "Re: My order #A-1042 has not arrived",
        "Date": "Mon, 09 Mar 2026 10:30:00 +0000",
        "Message-ID": message_id,
        "In-Reply-To": "<CAF7x1q3=followup@mail.example.net>",
        "References": "<CAF7x1q3=order1042@mail.example.net> <CAF7x1q3=followup@mail.example.net>",
        "Content-Type": 'text/plain; charset="utf-8"',
        "Content-Transfer-Encoding": "7bit",
        "MIME-Version": "1.0",
    }
    assert email.get_content() == REPLY.text + "\r\n"  # SMTP lines end in CRLF (RFC 5321 §2.3.8)
    assert sent == Sent(message_id.strip("<>"))
    assert message_id.startswith("<hubbub.")
    assert message_id.endswith("@acme.example>")


def test_the_same_outbound_key_always_gets_the_same_message_id(
    smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    first = connector(email_account, budget).send(REPLY)
    again = connector(email_account, budget).send(REPLY)
    other = connector(email_account, budget).send(replace(REPLY, key="outbound-42"))

    assert first == again
    assert other != first


def test_find_sent_finds_a_sent_email_in_the_sent_folder_by_its_message_id(
    dovecot: Dovecot,
    mail_login: tuple[str, str],
    smtp_server: SmtpInbox,
    email_account: AccountConfig,
    budget: RateBudget,
) -> None:
    email = connector(email_account, budget)
    assert email.find_sent(REPLY) is None

    sent = email.send(REPLY)

    assert email.find_sent(REPLY) == sent
    assert email.find_sent(replace(REPLY, key="outbound-99")) is None
    client = dovecot.client(*mail_login)
    client.select_folder("Sent", readonly=True)
    (uid,) = client.search(["ALL"])
    assert b"\\Seen" in client.get_flags([uid])[uid]
    client.logout()


def test_a_temporary_smtp_refusal_is_retryable_and_nothing_is_filed(
    smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    smtp_server.answer = "451 4.3.0 Try again later"
    email = connector(email_account, budget)

    with pytest.raises(ConnectorError) as caught:
        email.send(REPLY)

    assert caught.value.retryable is True
    assert "451" in str(caught.value)
    assert smtp_server.received == []
    assert email.find_sent(REPLY) is None
    assert budget.state(email_account.budget_key).failures == 0  # find_sent succeeded afterwards


def test_a_permanent_smtp_refusal_is_not_retried(
    smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    smtp_server.answer = "554 5.7.1 Message rejected"

    with pytest.raises(ConnectorError) as caught:
        connector(email_account, budget).send(REPLY)

    assert caught.value.retryable is False
    assert smtp_server.received == []


def test_a_refused_smtp_login_is_permanent(
    smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    smtp_server.logins = {}

    with pytest.raises(ConnectorError) as caught:
        connector(email_account, budget).send(REPLY)

    assert caught.value.retryable is False
    assert str(caught.value) == "SMTP server answered 535: 5.7.8 Authentication credentials invalid"
    assert smtp_server.received == []


def test_an_unreachable_smtp_server_is_retryable_and_backs_off(
    smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    settings = {**email_account.settings, "smtp_port": free_port()}
    account = replace(email_account, settings=settings)

    with pytest.raises(ConnectorError) as caught:
        connector(account, budget).send(REPLY)

    assert caught.value.retryable is True
    assert budget.state(account.budget_key).failures == 1


@pytest.mark.parametrize(
    "recipient",
    ["maria@example.net, eve@example.org", "maria@example.net\r\nBcc: eve@example.org", "", "maria"],
)
def test_refuses_anything_but_one_recipient_address(
    recipient: str, smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    message = replace(REPLY, recipient=recipient)

    with pytest.raises(ConnectorError) as caught:
        connector(email_account, budget).send(message)

    assert caught.value.retryable is False
    assert smtp_server.received == []


def test_a_subject_with_line_breaks_cannot_add_headers(
    smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    message = replace(REPLY, subject="Order\r\nBcc: eve@example.org")

    connector(email_account, budget).send(message)

    email = message_from_bytes(smtp_server.received[0].content, policy=policy.default)
    assert email["Subject"] == "Re: Order Bcc: eve@example.org"
    assert email["Bcc"] is None
    assert smtp_server.received[0].rcpt_tos == ["maria.lopez@example.net"]


def test_a_new_email_has_no_threading_headers_and_no_reply_prefix(
    smtp_server: SmtpInbox, email_account: AccountConfig, budget: RateBudget
) -> None:
    message = OutboundMessage(
        key="outbound-7", kind="email", text="Hello", recipient="lena@example.org", subject="Hours"
    )

    connector(email_account, budget).send(message)

    email = message_from_bytes(smtp_server.received[0].content, policy=policy.default)
    assert (email["Subject"], email["In-Reply-To"], email["References"]) == ("Hours", None, None)


@pytest.mark.parametrize(
    ("subject", "is_reply", "expected"),
    [
        ("Order late", True, "Re: Order late"),
        ("Re: Order late", True, "Re: Order late"),
        ("RE:Order late", True, "RE:Order late"),
        ("AW: Bestellung", True, "AW: Bestellung"),
        ("Re[2]: Order late", True, "Re[2]: Order late"),
        ("Order late", False, "Order late"),
        ("Remarks on  my\torder", True, "Re: Remarks on my order"),
        ("", True, "Re:"),
    ],
)
def test_reply_subjects_get_one_reply_prefix(subject: str, is_reply: bool, expected: str) -> None:
    assert reply_subject(subject, is_reply=is_reply) == expected


def test_the_email_network_accepts_emails_up_to_the_post_text_bound() -> None:
    assert (SPEC.network, SPEC.rules.max_chars, SPEC.rules.kinds, SPEC.webhooks) == (
        "email",
        20_000,
        frozenset({"email"}),
        None,
    )
