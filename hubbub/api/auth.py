"""How the API knows who calls: the Django session (with CSRF on unsafe methods) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from hubbub.api.tokens import user_for_token


class ApiRequest(HttpRequest):
    """A request as the endpoints see it: `auth` is the user the session or token belongs to."""

    auth: Any


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token, as for any form."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is nothing to protect: let the next method (or a 401) answer.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:  # noqa: ARG002 (ninja's signature)
        """The signed-in user, or None."""
        return request.user if request.user.is_authenticated else None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a personal API token (`hubbub api_token create`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:  # noqa: ARG002 (ninja's signature)
        """The token's user, or None for an unknown or revoked token."""
        return user_for_token(token)


API_AUTH = [TokenAuth(), SessionAuth()]
