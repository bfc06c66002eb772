"""Issuing, checking and revoking personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from hubbub.api.models import ApiToken

TOKEN_PREFIX = "hbb_"  # noqa: S105 (a marker that makes leaked tokens easy to scan for, not a secret)
MAX_TOKEN_CHARS = 100


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the stored row and the token itself, which is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, token_hash=token_hash(token))
    return row, token


def user_for_token(token: str) -> Any | None:
    """The active user a live token acts as, or None; records when the token was last used."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    row = ApiToken.objects.select_related("user").filter(token_hash=token_hash(token), revoked=False).first()
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(id=row.id).update(last_used_at=timezone.now())
    return row.user


def revoke_token(row: ApiToken) -> None:
    """Stop the token from working, keeping the row for the record."""
    ApiToken.objects.filter(id=row.id).update(revoked=True)
