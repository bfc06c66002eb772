"""Brand-account credentials, encrypted at rest with Fernet (AES-128-CBC and HMAC-SHA256).

The key is `HUBBUB_CREDENTIALS_KEY`; `HUBBUB_CREDENTIALS_OLD_KEYS` still decrypt, so keys rotate
without downtime (MultiFernet: the first key encrypts, every key decrypts). Without a configured
key, one is derived from SECRET_KEY with HKDF, and that derived key stays a decryption fallback
once a key is configured, so moving from one to the other loses nothing. Values never leave this
module except as the mapping a connector needs: not in errors, logs, admin pages or health pages.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from hubbub.channels.models import ChannelAccount

# Bounds at the door: credentials are a handful of short strings.
MAX_SECRET_NAMES = 20
MAX_SECRET_CHARS = 8_000
_HKDF_INFO = b"hubbub channel credentials v1"


class SecretsError(ValueError):
    """Credentials that cannot be stored or read; the message never contains a value."""


def derived_key(secret_key: str) -> str:
    """The Fernet key HKDF-SHA256 derives from Django's SECRET_KEY (used when no key is configured)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode())).decode("ascii")


@functools.lru_cache(maxsize=4)
def _fernet(key: str, old_keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    derived = derived_key(secret_key)
    keys = [key or derived, *old_keys, *([derived] if key else [])]
    return MultiFernet([Fernet(value) for value in dict.fromkeys(keys)])


def _current_fernet() -> MultiFernet:
    """The keys in settings, built once per distinct configuration."""
    return _fernet(
        settings.HUBBUB_CREDENTIALS_KEY, tuple(settings.HUBBUB_CREDENTIALS_OLD_KEYS), settings.SECRET_KEY
    )


@sensitive_variables()
def encrypt_secrets(values: Mapping[str, str]) -> str:
    """A Fernet token of `values` as a JSON object ("" for no values)."""
    checked = _checked(values)
    if not checked:
        return ""
    return _current_fernet().encrypt(json.dumps(checked, sort_keys=True).encode()).decode("ascii")


@sensitive_variables()
def decrypt_secrets(token: str) -> dict[str, str]:
    """The values in a token made by `encrypt_secrets`; SecretsError when no key opens it."""
    if not token:
        return {}
    try:
        data = json.loads(_current_fernet().decrypt(token.encode("ascii")))
    except (InvalidToken, UnicodeEncodeError, ValueError):
        raise SecretsError("the credentials cannot be decrypted with the configured keys") from None
    if not isinstance(data, dict):
        raise SecretsError("the stored credentials are not a JSON object")
    return _checked(data)


def read_secrets(channel: ChannelAccount) -> dict[str, str]:
    """The decrypted credentials of `channel`."""
    return decrypt_secrets(channel.secrets_encrypted)


def store_secrets(channel: ChannelAccount, values: Mapping[str, str]) -> None:
    """Encrypt and save `values` as the credentials of `channel`, replacing what was there."""
    channel.secrets_encrypted = encrypt_secrets(values)
    channel.save(update_fields=["secrets_encrypted"])


def secret_names(channel: ChannelAccount) -> list[str]:
    """Which credentials are set (names only), for the back office."""
    return sorted(read_secrets(channel))


def rotate_secrets(channel: ChannelAccount) -> bool:
    """Re-encrypt the credentials with the current key; False when there are none."""
    if not channel.secrets_encrypted:
        return False
    try:
        token = _current_fernet().rotate(channel.secrets_encrypted.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise SecretsError("the credentials cannot be decrypted with the configured keys") from None
    ChannelAccount.objects.filter(id=channel.id).update(secrets_encrypted=token)
    channel.secrets_encrypted = token
    return True


def _checked(values: Mapping[Any, Any]) -> dict[str, str]:
    if len(values) > MAX_SECRET_NAMES:
        raise SecretsError(f"at most {MAX_SECRET_NAMES} credentials per account")
    checked: dict[str, str] = {}
    for name, value in values.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise SecretsError("credential names and values must be strings")
        if not name or len(name) > 64 or len(value) > MAX_SECRET_CHARS:
            raise SecretsError(f"credential {name[:64]!r} has an empty or too long name, or a too long value")
        checked[name] = value
    return checked
