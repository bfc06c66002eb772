"""Chat sessions, settings, origins and limits: what the widget's endpoints rely on."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from pydantic import ValidationError

from hubbub.channels.models import ChannelAccount, ChatSession
from hubbub.channels.networks.chat import limits
from hubbub.channels.networks.chat.origins import is_allowed_origin, normalise_origin
from hubbub.channels.networks.chat.payloads import ChatSettings, StartSession, VisitorMessage
from hubbub.channels.networks.chat.queries import chat_account, visitor_for_token
from hubbub.channels.networks.chat.tests.factories import close_chat, make_chat_account, open_chat
from hubbub.core.models import Brand

FIXTURES = Path(__file__).parent / "fixtures"


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def test_settings_keep_the_documented_fields_and_ignore_others() -> None:
    settings = ChatSettings.model_validate(_fixture("settings.json"))

    assert settings == ChatSettings(
        allowed_origins=("https://shop.example", "https://www.acme.example:8443"),
        greeting="Hi! Acme support here.",
        colour="#0a7c59",
    )


def test_a_colour_that_is_not_hex_falls_back_to_the_default() -> None:
    settings = ChatSettings(colour="red; background:url(https://evil.example/x)")

    assert settings.colour == "#3b5bdb"


def test_a_visitor_email_is_validated_and_lower_cased() -> None:
    visitor = StartSession.model_validate(_fixture("start_session.json"))

    assert (visitor.name, visitor.email) == ("Dana Example", "dana.example@example.org")
    with pytest.raises(ValidationError):
        StartSession(email="not an email <script>")


def test_a_message_is_bounded_and_needs_a_well_formed_client_id() -> None:
    message = VisitorMessage.model_validate(_fixture("message.json"))

    assert message.client_id == "5f1c0b8e2a9d4c7b"
    assert message.text.endswith("cracked screen.\nCan you help?")
    for bad in ({"client_id": "x", "text": "hi"}, {"client_id": "../../etc", "text": "hi"}):
        with pytest.raises(ValidationError):
            VisitorMessage.model_validate(bad)
    with pytest.raises(ValidationError):
        VisitorMessage(client_id="5f1c0b8e2a9d4c7b", text="a" * 4_001)
    with pytest.raises(ValidationError):
        VisitorMessage(client_id="5f1c0b8e2a9d4c7b", text="   ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://Shop.Example", "https://shop.example"),
        ("https://shop.example:443", "https://shop.example"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("https://shop.example/", "https://shop.example"),
        ("null", None),
        ("", None),
        ("javascript:alert(1)", None),
        ("https://shop.example/path", None),
        ("https://user@shop.example", None),
        ("https://shop.example:99999", None),
        ("https://xn--shp-ula.example", "https://xn--shp-ula.example"),
        ("https://shöp.example", None),
    ],
)
def test_origins_are_compared_as_browsers_serialise_them(value: str, expected: str | None) -> None:
    assert normalise_origin(value) == expected


def test_only_a_listed_origin_is_allowed() -> None:
    allowed = ["https://shop.example", "http://localhost:3000"]

    assert is_allowed_origin("https://shop.example", allowed) is True
    assert is_allowed_origin("http://localhost:3000", allowed) is True
    assert is_allowed_origin("https://shop.example.evil.example", allowed) is False
    assert is_allowed_origin("http://shop.example", allowed) is False
    assert is_allowed_origin("http://localhost:3001", allowed) is False
    assert is_allowed_origin(None, allowed) is False


@pytest.mark.django_db
def test_a_session_keeps_only_the_hash_of_its_token(brand_a: Brand) -> None:
    opened, visitor = open_chat(make_chat_account(brand_a), name="Dana", email="dana@example.org")

    session = ChatSession.objects.get()
    assert session.token_hash == hashlib.sha256(opened.token.encode()).hexdigest()
    assert opened.token not in {session.token_hash, session.thread_id}
    assert len(opened.token) >= 43
    assert opened.thread_id.startswith("chat-")
    assert (visitor.thread_id, visitor.name, visitor.email) == (opened.thread_id, "Dana", "dana@example.org")


@pytest.mark.django_db
def test_a_wrong_or_closed_or_disabled_token_finds_no_session(brand_a: Brand) -> None:
    account = make_chat_account(brand_a)
    opened, _ = open_chat(account)
    closed, _ = open_chat(account)
    close_chat(closed.thread_id)

    assert visitor_for_token(opened.token[:-1] + ("A" if opened.token[-1] != "A" else "B")) is None
    assert visitor_for_token("") is None
    assert visitor_for_token("é" * 10) is None
    assert visitor_for_token(closed.token) is None
    ChannelAccount.objects.update(enabled=False)
    assert visitor_for_token(opened.token) is None


@pytest.mark.django_db
def test_invalid_settings_allow_no_origin(brand_a: Brand) -> None:
    account = make_chat_account(brand_a)
    ChannelAccount.objects.update(settings={"allowed_origins": "https://shop.example"})

    found = chat_account(account.id)

    assert found is not None
    assert found.settings.allowed_origins == ()


@pytest.mark.django_db
def test_an_account_of_another_network_is_no_chat_account(brand_a: Brand) -> None:
    account = make_chat_account(brand_a)
    account.network = "twitter"
    account.save()

    assert chat_account(account.id) is None


def test_a_limit_refuses_once_its_window_is_spent_and_allows_again_in_the_next() -> None:
    limit = limits.Limit("test", 3, 60)
    start = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        allowed = [limits.allow(limit, "203.0.113.9") for _ in range(4)]
        other = limits.allow(limit, "203.0.113.10")
        traveller.move_to(start + timedelta(seconds=60))
        later = limits.allow(limit, "203.0.113.9")

    assert allowed == [True, True, True, False]
    assert other is True
    assert later is True
