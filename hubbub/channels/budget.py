"""One shared rate budget for every network call: it reads each network's rate-limit headers, waits
until a spent window resets, and backs off with full jitter after 429s and 5xx answers.

Pure and clock-injected: the poller and senders ask `wait_seconds(key)` before a call and report the
answer with `observe(...)`. A key is one network account (`AccountConfig.budget_key`), so one
account's outage or exhausted window never slows another.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hubbub.channels.ratelimits import RateState, read_rate_headers

BASE_BACKOFF_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 15 * 60.0
# Keep a little of each window for the agents' replies: polling stops when this few calls are left.
RESERVED_CALLS = 2


@dataclass(slots=True)
class _Account:
    remaining: int | None = None
    reset_at: float = 0.0  # wall-clock epoch seconds when the window resets
    failures: int = 0
    blocked_until: float = 0.0  # wall-clock epoch seconds


@dataclass(frozen=True, slots=True)
class BudgetState:
    """What the budget knows of one key, for the health panel."""

    remaining: int | None
    reset_at: float
    failures: int
    blocked_until: float


class RateBudget:
    """Rate windows and back-off per key; safe to share between threads."""

    def __init__(
        self, clock: Callable[[], float] = time.time, jitter: Callable[[], float] = random.random
    ) -> None:
        self._clock = clock
        self._jitter = jitter
        self._accounts: dict[str, _Account] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, key: str, *, reserve: int = 0) -> float:
        """How long to wait before calling under `key` (0: now); `reserve` keeps calls for replies."""
        now = self._clock()
        with self._lock:
            account = self._accounts.get(key)
            if account is None:
                return 0.0
            wait = max(0.0, account.blocked_until - now)
            spent = account.remaining is not None and account.remaining <= reserve
            if spent and account.reset_at > now:
                wait = max(wait, account.reset_at - now)
            return wait

    def observe(self, key: str, status: int, headers: Mapping[str, str], style: str) -> None:
        """Record an answer: its rate headers (in the network's `style`) and success or failure."""
        now = self._clock()
        rate = read_rate_headers(style, headers, now)
        with self._lock:
            account = self._accounts.setdefault(key, _Account())
            if rate is not None:
                self._remember(account, rate)
            if status == 429 or status >= 500:
                self._back_off(account, now, rate.retry_after if rate else None)
            else:
                account.failures = 0
                account.blocked_until = 0.0

    def failed(self, key: str, retry_after: float | None = None) -> None:
        """Record a failure without an HTTP answer (timeout, connection refused)."""
        with self._lock:
            self._back_off(self._accounts.setdefault(key, _Account()), self._clock(), retry_after)

    def state(self, key: str) -> BudgetState:
        """A copy of what the budget knows of `key`."""
        with self._lock:
            account = self._accounts.get(key, _Account())
            return BudgetState(account.remaining, account.reset_at, account.failures, account.blocked_until)

    @staticmethod
    def _remember(account: _Account, rate: RateState) -> None:
        if rate.remaining is not None:
            account.remaining = rate.remaining
        if rate.reset_at is not None:
            account.reset_at = rate.reset_at

    def _back_off(self, account: _Account, now: float, retry_after: float | None) -> None:
        # Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a uniform wait up to
        # the exponential cap spreads the retries of many accounts after a shared outage.
        account.failures += 1
        cap = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** min(account.failures, 20))
        wait = cap * self._jitter()
        if retry_after is not None:
            wait = max(wait, retry_after)
        account.blocked_until = max(account.blocked_until, now + wait)


shared_budget = RateBudget()
