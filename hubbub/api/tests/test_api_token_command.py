"""`hubbub api_token`: tokens are printed once, stored hashed, listed without secrets, revocable."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from hubbub.api.models import ApiToken
from hubbub.api.tokens import token_hash, user_for_token


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_a_working_token_once_and_stores_its_hash(alice):
    out, err = _run("create", "--user", "alice", "--name", "billing sync")

    token = out.strip()
    row = ApiToken.objects.get()
    assert (row.user, row.name, row.token_hash, row.revoked) == (
        alice,
        "billing sync",
        token_hash(token),
        False,
    )
    assert user_for_token(token) == alice
    assert "cannot show it again" in err


def test_list_shows_no_secret_and_revoke_stops_the_token(alice):
    token = _run("create", "--user", "alice", "--name", "ci")[0].strip()
    row = ApiToken.objects.get()

    listed, _ = _run("list", "--user", "alice")
    revoked, _ = _run("revoke", str(row.id))

    assert listed.split("\t")[:2] == [str(row.id), "active"]
    assert token not in listed
    assert revoked == f"revoked token {row.id}\n"
    assert user_for_token(token) is None


def test_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        _run("create", "--user", "nobody", "--name", "x")
    assert ApiToken.objects.count() == 0
