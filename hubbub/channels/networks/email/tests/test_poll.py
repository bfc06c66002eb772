"""Polling a real dovecot over IMAP: messages become exact posts, the cursor catches up, failures say why."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.models import Attachment
from hubbub.channels.networks.base import AccountConfig, ConnectorError
from hubbub.channels.networks.email import connector as email_connector
from hubbub.channels.networks.email.attachments import stored_path
from hubbub.channels.networks.email.connector import EmailConnector
from hubbub.channels.networks.email.tests.conftest import FIXTURES
from hubbub.channels.networks.email.tests.mailservers import Dovecot, free_port
from hubbub.core.posts import Post

pytestmark = pytest.mark.django_db


def deliver(dovecot: Dovecot, login: tuple[str, str], *names: str, folder: str = "INBOX") -> None:
    """Put fixture messages in the mailbox over IMAP, as a mail server's delivery would."""
    client = dovecot.client(*login)
    try:
        for name in names:
            raw = (FIXTURES / name).read_bytes().replace(b"\n", b"\r\n")
            client.append(folder, raw, msg_time=datetime(2026, 3, 8, 9, 0, tzinfo=UTC))
    finally:
        client.logout()


def connector(account: AccountConfig, budget: RateBudget) -> EmailConnector:
    return EmailConnector(account, budget, clock=lambda: datetime(2026, 3, 9, tzinfo=UTC))


def test_maps_a_plain_email_to_an_exact_post(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "plain.eml")

    fetched = connector(email_account, budget).poll({})

    assert fetched.posts == [
        Post(
            network="email",
            external_id="CAF7x1q3=order1042@mail.example.net",
            author_id="maria.lopez@example.net",
            author_handle="maria.lopez@example.net",
            author_name="María López",
            text=(
                "My order #A-1042 has not arrived\n\nHello,\n\n"
                "I ordered a kettle two weeks ago (order A-1042) and it still has not arrived.\n"
                "Could you tell me where it is?\n\nThanks,\nMaría"
            ),
            created_at=datetime(2026, 3, 3, 8, 15, tzinfo=UTC),
            is_inbound=True,
            brand_id=3,
            kind="email",
            thread_id="CAF7x1q3=order1042@mail.example.net",
            account_id=7,
            source="support@acme.example",
        )
    ]
    assert fetched.cursor["last_uid"] == "1"
    assert budget.state(email_account.budget_key).failures == 0


def test_threads_a_reply_under_the_first_message_id_of_its_references(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "plain.eml", "reply.eml")

    first, reply = connector(email_account, budget).poll({}).posts

    assert (reply.external_id, reply.thread_id, reply.in_reply_to_id) == (
        "CAF7x1q3=followup@mail.example.net",
        "CAF7x1q3=order1042@mail.example.net",
        "hubbub.5f1d2c0a9b8e7d6c5b4a39281706f5e4@acme.example",
    )
    assert reply.thread_id == first.external_id
    assert reply.text == (
        "Re: My order #A-1042 has not arrived\n\nIt arrived today, thank you!\n\n> Your parcel is on its way."
    )


def test_a_second_poll_reads_only_what_arrived_after_the_cursor(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "plain.eml")
    first = connector(email_account, budget).poll({})
    deliver(dovecot, mail_login, "reply.eml")

    second = connector(email_account, budget).poll(first.cursor)
    third = connector(email_account, budget).poll(second.cursor)

    assert [post.external_id for post in second.posts] == ["CAF7x1q3=followup@mail.example.net"]
    assert second.cursor == {"uidvalidity": first.cursor["uidvalidity"], "last_uid": "2"}
    assert third.posts == []
    assert third.cursor == second.cursor


def test_catches_up_a_long_backlog_a_bounded_number_of_messages_per_poll(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "plain.eml", "reply.eml", "no_message_id.eml")
    account = replace(email_account, settings={**email_account.settings, "max_messages_per_poll": 2})

    first = connector(account, budget).poll({})
    second = connector(account, budget).poll(first.cursor)

    assert [post.author_id for post in first.posts] == ["maria.lopez@example.net", "maria.lopez@example.net"]
    assert first.cursor["last_uid"] == "2"
    assert [post.author_id for post in second.posts] == ["lena@example.org"]
    assert second.cursor["last_uid"] == "3"


def test_a_changed_uidvalidity_reads_the_whole_mailbox_again(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "plain.eml", "reply.eml")
    current = connector(email_account, budget).poll({}).cursor

    fetched = connector(email_account, budget).poll({"uidvalidity": "12345", "last_uid": "2"})

    # Same Message-IDs as before: the pipeline's writer stores none of them twice.
    assert [post.external_id for post in fetched.posts] == [
        "CAF7x1q3=order1042@mail.example.net",
        "CAF7x1q3=followup@mail.example.net",
    ]
    assert fetched.cursor == current


def test_skips_a_message_without_a_sender_and_keeps_the_others(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "plain.eml", "no_sender.eml", "reply.eml")

    fetched = connector(email_account, budget).poll({})

    assert [post.external_id for post in fetched.posts] == [
        "CAF7x1q3=order1042@mail.example.net",
        "CAF7x1q3=followup@mail.example.net",
    ]
    assert fetched.cursor["last_uid"] == "3"


def test_html_becomes_plain_text_and_hostile_names_arrive_as_inert_text(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "html_only.eml")

    (post,) = connector(email_account, budget).poll({}).posts

    assert (
        post.text == "<b>Refund</b> please\n\nI want a refund & an apology.\n\n- broken lid\n- late delivery"
    )
    assert post.author_name == "<script>alert('name')</script>"
    assert post.author_id == "eve@example.org"
    assert 'alert("body")' not in post.text
    assert "Hidden title" not in post.text


def test_a_message_without_message_id_gets_the_same_digest_id_on_every_read(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "no_message_id.eml")

    first = connector(email_account, budget).poll({}).posts[0]
    again = connector(email_account, budget).poll({"uidvalidity": "1", "last_uid": "0"}).posts[0]

    assert first.external_id == again.external_id
    assert first.external_id.endswith("@missing-id.invalid")
    assert len(first.external_id) == 40 + len("@missing-id.invalid")
    assert first.thread_id == first.external_id


def test_messages_from_the_account_itself_are_not_inbound(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "own.eml")

    (post,) = connector(email_account, budget).poll({}).posts

    assert post.is_inbound is False
    assert post.thread_id == "CAF7x1q3=order1042@mail.example.net"


def test_keeps_attachments_by_digest_outside_the_web_root_with_safe_names(
    dovecot: Dovecot,
    mail_login: tuple[str, str],
    email_account: AccountConfig,
    budget: RateBudget,
    var_dir: Path,
) -> None:
    deliver(dovecot, mail_login, "attachment.eml")

    (post,) = connector(email_account, budget).poll({}).posts
    connector(email_account, budget).poll({})  # read again: nothing is recorded twice

    rows = list(
        Attachment.objects.order_by("id").values_list("post_external_id", "filename", "content_type", "size")
    )
    assert rows == [
        ("photo-damage-7@example.com", "damage photo.png", "image/png", 70),
        ("photo-damage-7@example.com", "invoice_b_.pdf.exe", "application/x-msdownload", 32),
    ]
    digests = list(Attachment.objects.order_by("id").values_list("sha256", flat=True))
    for digest in digests:
        path = stored_path(digest)
        assert path.parent.parent.parent == var_dir / "attachments"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stored_path(digests[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert post.text == (
        "Photo of the damage\n\nThe box was crushed, photo attached.\n\n"
        "Attached: damage photo.png, invoice_b_.pdf.exe"
    )


def test_an_oversized_message_is_read_by_its_headers_only(
    dovecot: Dovecot,
    mail_login: tuple[str, str],
    email_account: AccountConfig,
    budget: RateBudget,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deliver(dovecot, mail_login, "plain.eml")
    monkeypatch.setattr(email_connector, "MAX_MESSAGE_BYTES", 100)

    (post,) = connector(email_account, budget).poll({}).posts

    assert post.external_id == "CAF7x1q3=order1042@mail.example.net"
    assert post.text.startswith("My order #A-1042 has not arrived\n\n[This email (")
    assert "kettle" not in post.text


def test_polling_leaves_messages_unread_for_the_people_sharing_the_mailbox(
    dovecot: Dovecot, mail_login: tuple[str, str], email_account: AccountConfig, budget: RateBudget
) -> None:
    deliver(dovecot, mail_login, "plain.eml")

    connector(email_account, budget).poll({})

    client = dovecot.client(*mail_login)
    client.select_folder("INBOX", readonly=True)
    flags = client.get_flags([1])[1]
    client.logout()
    assert b"\\Seen" not in flags


def test_a_refused_login_is_a_permanent_error_without_back_off(
    email_account: AccountConfig, budget: RateBudget
) -> None:
    account = replace(email_account, secrets={**email_account.secrets, "password": "wrong"})

    with pytest.raises(ConnectorError) as caught:
        connector(account, budget).poll({})

    assert caught.value.retryable is False
    assert "login refused" in str(caught.value)
    assert budget.state(account.budget_key).failures == 0


def test_a_missing_mailbox_is_a_permanent_error(email_account: AccountConfig, budget: RateBudget) -> None:
    account = replace(email_account, settings={**email_account.settings, "mailbox": "Nope"})

    with pytest.raises(ConnectorError) as caught:
        connector(account, budget).poll({})

    assert caught.value.retryable is False


def test_an_unreachable_server_is_retryable_and_backs_off(
    email_account: AccountConfig, budget: RateBudget
) -> None:
    account = replace(email_account, settings={**email_account.settings, "imap_port": free_port()})

    with pytest.raises(ConnectorError) as caught:
        connector(account, budget).poll({})

    assert caught.value.retryable is True
    assert budget.state(account.budget_key).failures == 1
    assert budget.wait_seconds(account.budget_key) == 2.0  # 2 s x 2^1 cap, half of it (jitter 0.5)


def test_invalid_settings_are_a_permanent_error(email_account: AccountConfig, budget: RateBudget) -> None:
    account = replace(email_account, settings={"address": "not an address"})

    with pytest.raises(ConnectorError) as caught:
        connector(account, budget)

    assert caught.value.retryable is False
    assert str(caught.value) == "email account settings are invalid: address, imap_host, smtp_host"
