"""Typed readers for settings that come from the environment; they fail loudly on bad values."""

from __future__ import annotations

import base64
import os
from pathlib import Path


class ConfigurationError(ValueError):
    """An environment variable holds a value hubbub cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
FERNET_KEY_BYTES = 32


def env_str(name: str, default: str) -> str:
    """The variable as text, or the default when unset."""
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    """The variable as a boolean (1/0, true/false, yes/no, on/off)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """The variable as an integer no smaller than `minimum`."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, not {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """The variable as a comma-separated list, blanks dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    """The variable as an absolute path."""
    raw = os.environ.get(name)
    return Path(raw).resolve() if raw else default


def env_fernet_keys(name: str) -> list[str]:
    """The variable as comma-separated Fernet keys (URL-safe base64 of 32 bytes each); [] when unset."""
    keys = env_list(name, [])
    for position, key in enumerate(keys, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == FERNET_KEY_BYTES
        except (ValueError, UnicodeEncodeError):
            valid = False
        if not valid:
            # Never echo the value: it is a secret.
            raise ConfigurationError(f"{name}: key {position} is not URL-safe base64 of 32 bytes")
    return keys


def env_fernet_key(name: str) -> str:
    """The variable as one Fernet key; "" when unset."""
    keys = env_fernet_keys(name)
    if len(keys) > 1:
        raise ConfigurationError(f"{name} holds one key; put earlier keys in the old-keys variable")
    return keys[0] if keys else ""
