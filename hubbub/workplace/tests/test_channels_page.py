"""The Channels page: each account's health, only for the brands a person works for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hubbub.channels.models import ChannelAccount, Health
from hubbub.channels.tests.toy_network import TOKEN, connect_toy_account
from hubbub.core.models import Brand, BrandAccount
from hubbub.workplace.tests.conftest import HOSTILE_TEXT

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _page(client: Client, user: Any) -> Any:
    client.force_login(user)
    response = client.get(reverse("workplace:channels"))
    assert response.status_code == 200
    return response


def test_the_page_shows_each_accounts_health(client: Client, alice: Any, brand_a: Brand) -> None:
    channel = connect_toy_account(brand_a, "acmecare")
    ChannelAccount.objects.filter(id=channel.id).update(
        status=Health.DEGRADED,
        last_poll_at=NOW - timedelta(minutes=5),
        last_success_at=NOW - timedelta(hours=2),
        last_error_at=NOW - timedelta(minutes=5),
        last_error="GET /items answered 503",
        failures=3,
        rate_remaining=42,
        rate_reset_at=NOW + timedelta(minutes=10),
    )
    BrandAccount.objects.create(brand=brand_a, network="mastodon", handle="acme")

    with time_machine.travel(NOW, tick=False):
        response = _page(client, alice)

    rows = [
        (a.handle, a.status, a.connected, a.failures, a.rate_remaining) for a in response.context["accounts"]
    ]
    assert rows == [("acmecare", "degraded", True, 3, 42), ("acme", "unconnected", False, 0, None)]
    html = response.content.decode()
    assert "Failing, retrying" in html
    assert "2\xa0hours ago" in html
    assert "GET /items answered 503" in html
    assert "42 calls, resets" in html
    assert "no connector for this network yet" in html
    assert TOKEN not in html


def test_charlie_sees_none_of_brand_as_accounts(
    client: Client, charlie: Any, brand_a: Brand, brand_b: Brand
) -> None:
    connect_toy_account(brand_a, "acmecare")
    connect_toy_account(brand_b, "globexhelp")

    response = _page(client, charlie)

    assert [account.handle for account in response.context["accounts"]] == ["globexhelp"]
    assert "acmecare" not in response.content.decode()


def test_a_hostile_error_text_is_escaped(client: Client, alice: Any, brand_a: Brand) -> None:
    channel = connect_toy_account(brand_a, "acmecare")
    ChannelAccount.objects.filter(id=channel.id).update(last_error=HOSTILE_TEXT, last_error_at=NOW)

    html = _page(client, alice).content.decode()

    assert HOSTILE_TEXT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_page_needs_a_login(client: Client) -> None:
    response = client.get(reverse("workplace:channels"))

    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("login"))


@pytest.mark.parametrize("accounts", [1, 50])
def test_the_page_takes_the_same_number_of_queries_for_1_and_50_accounts(
    client: Client, alice: Any, brand_a: Brand, accounts: int, django_assert_num_queries: Any
) -> None:
    for n in range(accounts):
        connect_toy_account(brand_a, f"acme{n}")
    client.force_login(alice)

    with django_assert_num_queries(3):  # session, user, accounts with their brands and health
        response = client.get(reverse("workplace:channels"))

    assert len(response.context["accounts"]) == accounts
