"""Configuration read by hot-path stages, reloaded from the database at most every few seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Snapshot(Generic[T]):
    """A value loaded by `load`, kept for `max_age` seconds, so each batch does not re-read settings."""

    def __init__(self, load: Callable[[], T], max_age: float = 5.0) -> None:
        self._load = load
        self._max_age = max_age
        self._value: T | None = None
        self._loaded_at = float("-inf")

    def get(self) -> T:
        """The current value, reloaded when older than `max_age`."""
        now = time.monotonic()
        if self._value is None or now - self._loaded_at > self._max_age:
            self._value = self._load()
            self._loaded_at = now
        return self._value

    def invalidate(self) -> None:
        """Reload on the next `get` (after a settings change, or in tests)."""
        self._value = None
