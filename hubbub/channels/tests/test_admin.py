"""The back office shows which credentials are set, never their values, and replaces them write-only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hubbub.channels.models import ChannelAccount
from hubbub.channels.secrets import read_secrets
from hubbub.channels.tests.toy_network import TOKEN, WEBHOOK_SECRET, connect_toy_account
from hubbub.core.models import Brand
from hubbub.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _form(channel: ChannelAccount, **fields: Any) -> dict[str, Any]:
    return {
        "account": channel.account_id,
        "enabled": "on",
        "settings": '{"base_url": "http://127.0.0.1:9"}',
        **fields,
    }


def test_the_change_page_names_the_credentials_and_shows_no_value(
    admin_client: Client, brand_a: Brand
) -> None:
    channel = connect_toy_account(brand_a, "acmecare")

    html = admin_client.get(
        reverse("admin:hubbub_channels_channelaccount_change", args=[channel.id])
    ).content.decode()

    assert "token, webhook_secret" in html
    assert TOKEN not in html
    assert WEBHOOK_SECRET not in html
    assert channel.secrets_encrypted not in html


def test_new_credentials_replace_the_old_ones_and_the_account_is_polled_at_once(
    admin_client: Client, brand_a: Brand
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", next_poll_at=datetime(2030, 1, 1, tzinfo=UTC))
    url = reverse("admin:hubbub_channels_channelaccount_change", args=[channel.id])

    response = admin_client.post(url, _form(channel, new_secrets='{"token": "fresh-token-1"}'))

    assert response.status_code == 302
    channel.refresh_from_db()
    assert (read_secrets(channel), channel.next_poll_at) == ({"token": "fresh-token-1"}, None)
    assert "fresh-token-1" not in admin_client.get(url).content.decode()


def test_a_blank_field_keeps_the_credentials_and_the_box_removes_them(
    admin_client: Client, brand_a: Brand
) -> None:
    channel = connect_toy_account(brand_a, "acmecare")
    url = reverse("admin:hubbub_channels_channelaccount_change", args=[channel.id])

    admin_client.post(url, _form(channel, new_secrets=""))
    kept = read_secrets(ChannelAccount.objects.get(id=channel.id))
    admin_client.post(url, _form(channel, clear_secrets="on"))

    assert kept == {"token": TOKEN, "webhook_secret": WEBHOOK_SECRET}
    assert ChannelAccount.objects.get(id=channel.id).secrets_encrypted == ""


def test_credentials_that_are_not_a_json_object_are_refused_without_echoing_them(
    admin_client: Client, brand_a: Brand
) -> None:
    channel = connect_toy_account(brand_a, "acmecare")
    url = reverse("admin:hubbub_channels_channelaccount_change", args=[channel.id])

    response = admin_client.post(url, _form(channel, new_secrets='["leaked-token-value"]'))

    assert response.status_code == 200
    html = response.content.decode()
    assert "A JSON object, like" in html
    assert "leaked-token-value" not in html
    assert read_secrets(ChannelAccount.objects.get(id=channel.id))["token"] == TOKEN
