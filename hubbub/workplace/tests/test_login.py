"""Logging in and out of the Agent Workplace."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_asks_for_a_username_and_password(client: Client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert 'autocomplete="username"' in response.text
    assert 'autocomplete="current-password"' in response.text
    assert "csrfmiddlewaretoken" in response.text


def test_logging_in_leads_to_the_page_asked_for(client: Client, alice: Any) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD, "next": "/posts/1/"})

    assert response.status_code == 302
    assert response["Location"] == "/posts/1/"


def test_logging_in_without_a_next_page_opens_the_inbox(client: Client, alice: Any) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response["Location"] == reverse("workplace:inbox")


def test_a_wrong_password_shows_an_error_and_logs_nobody_in(client: Client, alice: Any) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert 'class="alert alert--error" role="alert"' in response.text
    assert "_auth_user_id" not in client.session


def test_logging_out_takes_a_post_and_ends_the_session(client: Client, alice: Any) -> None:
    client.force_login(alice)
    assert 'action="/logout/"' in client.get(reverse("workplace:inbox")).text

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_logging_out_by_get_is_refused(client: Client, alice: Any) -> None:
    client.force_login(alice)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(alice.pk)
