"""The chat connector: a reply is delivered by storing it in the visitor's conversation, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from hubbub.channels.budget import RateBudget
from hubbub.channels.models import OutboundKind
from hubbub.channels.networks.base import AccountConfig, ConnectorError, OutboundMessage, Sent
from hubbub.channels.networks.chat.connector import SPEC, ChatConnector
from hubbub.channels.networks.chat.messages import agent_message_id
from hubbub.channels.networks.chat.queries import ChatEvent, events_after
from hubbub.channels.networks.chat.tests.factories import close_chat, make_chat_account, open_chat
from hubbub.core.models import Brand, BrandAccount, PostRecord
from hubbub.core.networks import Network

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)


def _connector(account: BrandAccount) -> ChatConnector:
    config = AccountConfig(
        account_id=account.id, brand_id=account.brand_id, network=Network.CHAT, handle=account.handle
    )
    return ChatConnector(config, RateBudget())


def _reply(thread_id: str, *, key: str = "reply-1", kind: str = OutboundKind.CHAT) -> OutboundMessage:
    return OutboundMessage(
        key=key, kind=kind, text="Sorry about that! A new screen ships today.", thread_id=thread_id
    )


def test_the_spec_sends_chat_messages_of_up_to_4000_characters(brand_a: Brand) -> None:
    assert SPEC.network == "chat"
    assert SPEC.rules.max_chars == 4_000
    assert SPEC.rules.kinds == frozenset({"chat"})
    assert SPEC.webhooks is None
    assert isinstance(
        SPEC.connect(_connector(make_chat_account(brand_a)).account, RateBudget()), ChatConnector
    )


def test_polling_finds_nothing_and_keeps_the_cursor(brand_a: Brand) -> None:
    fetched = _connector(make_chat_account(brand_a)).poll({"since": "7"})

    assert fetched.posts == []
    assert fetched.cursor == {"since": "7"}


@time_machine.travel(NOW, tick=False)
def test_sending_stores_the_reply_in_the_visitors_conversation(brand_a: Brand) -> None:
    account = make_chat_account(brand_a)
    opened, visitor = open_chat(account)

    sent = _connector(account).send(_reply(opened.thread_id))

    stored = PostRecord.objects.get()
    assert sent == Sent(external_id=agent_message_id("reply-1"))
    assert (stored.network, stored.external_id, stored.kind) == ("chat", sent.external_id, "chat")
    assert (stored.thread_id, stored.account_id, stored.brand_id) == (
        opened.thread_id,
        account.id,
        brand_a.id,
    )
    assert (stored.is_inbound, stored.queue_id, stored.author_handle) == (False, None, "acme-web")
    assert stored.text == "Sorry about that! A new screen ships today."
    assert events_after(visitor, 0) == [
        ChatEvent(stored.id, sent.external_id, "agent", "Sorry about that! A new screen ships today.", NOW)
    ]


def test_a_retried_send_stores_the_reply_once_and_find_sent_finds_it(brand_a: Brand) -> None:
    account = make_chat_account(brand_a)
    opened, _ = open_chat(account)
    connector = _connector(account)
    message = _reply(opened.thread_id)

    before = connector.find_sent(message)
    first = connector.send(message)
    again = connector.send(message)

    assert before is None
    assert first == again == connector.find_sent(message)
    assert PostRecord.objects.count() == 1


def test_find_sent_does_not_find_another_keys_reply(brand_a: Brand) -> None:
    account = make_chat_account(brand_a)
    opened, _ = open_chat(account)
    connector = _connector(account)
    connector.send(_reply(opened.thread_id, key="reply-1"))

    assert connector.find_sent(_reply(opened.thread_id, key="reply-2")) is None


def test_a_reply_to_a_closed_chat_is_refused_for_good_and_not_stored(brand_a: Brand) -> None:
    account = make_chat_account(brand_a)
    opened, _ = open_chat(account)
    close_chat(opened.thread_id)

    with pytest.raises(ConnectorError) as raised:
        _connector(account).send(_reply(opened.thread_id))

    assert raised.value.retryable is False
    assert PostRecord.objects.count() == 0


def test_a_reply_into_another_accounts_chat_is_refused_and_not_stored(brand_a: Brand, brand_b: Brand) -> None:
    theirs, _ = open_chat(make_chat_account(brand_b))

    with pytest.raises(ConnectorError) as raised:
        _connector(make_chat_account(brand_a)).send(_reply(theirs.thread_id))

    assert raised.value.retryable is False
    assert PostRecord.objects.count() == 0


def test_a_message_of_another_kind_is_refused_and_not_stored(brand_a: Brand) -> None:
    account = make_chat_account(brand_a)
    opened, _ = open_chat(account)

    with pytest.raises(ConnectorError) as raised:
        _connector(account).send(_reply(opened.thread_id, kind=OutboundKind.EMAIL))

    assert raised.value.retryable is False
    assert PostRecord.objects.count() == 0
