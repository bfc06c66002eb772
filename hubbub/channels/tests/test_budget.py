"""The shared rate budget: spent windows, replies' reserve, back-off with jitter, one key per account."""

from __future__ import annotations

import pytest

from hubbub.channels.budget import MAX_BACKOFF_SECONDS, BudgetState, RateBudget


class Clock:
    """A settable wall clock."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _budget(clock: Clock, jitter: float = 1.0) -> RateBudget:
    return RateBudget(clock=clock, jitter=lambda: jitter)


def test_a_key_never_seen_may_call_now(clock: Clock) -> None:
    assert _budget(clock).wait_seconds("x:1") == 0.0


def test_a_spent_window_waits_until_its_reset(clock: Clock) -> None:
    budget = _budget(clock)
    reset = str(int(clock.now + 60))

    budget.observe("x:1", 200, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}, "twitter")

    assert budget.wait_seconds("x:1") == 60.0
    clock.now += 61
    assert budget.wait_seconds("x:1") == 0.0


def test_the_last_calls_of_a_window_are_kept_for_replies(clock: Clock) -> None:
    budget = _budget(clock)
    budget.observe(
        "x:1", 200, {"x-rate-limit-remaining": "2", "x-rate-limit-reset": str(int(clock.now + 30))}, "twitter"
    )

    assert (budget.wait_seconds("x:1", reserve=2), budget.wait_seconds("x:1")) == (30.0, 0.0)


def test_server_errors_back_off_exponentially_and_a_success_ends_it(clock: Clock) -> None:
    budget = _budget(clock)

    budget.observe("x:1", 503, {}, "twitter")
    first = budget.wait_seconds("x:1")
    budget.observe("x:1", 502, {}, "twitter")
    second = budget.wait_seconds("x:1")
    budget.observe("x:1", 200, {}, "twitter")

    assert (first, second, budget.wait_seconds("x:1"), budget.state("x:1").failures) == (4.0, 8.0, 0.0, 0)


def test_the_back_off_is_full_jitter_under_the_cap(clock: Clock) -> None:
    budget = _budget(clock, jitter=0.25)

    budget.failed("x:1")

    assert budget.wait_seconds("x:1") == 1.0  # a quarter of 2 s times 2


def test_the_back_off_never_exceeds_fifteen_minutes(clock: Clock) -> None:
    budget = _budget(clock)

    for _ in range(30):
        budget.failed("x:1")

    assert budget.wait_seconds("x:1") == MAX_BACKOFF_SECONDS


def test_a_429_waits_at_least_what_retry_after_says(clock: Clock) -> None:
    budget = _budget(clock)

    budget.observe("m:1", 429, {"Retry-After": "120"}, "mastodon")

    assert budget.wait_seconds("m:1") == 120.0
    assert budget.state("m:1") == BudgetState(None, 0.0, 1, clock.now + 120)


def test_one_accounts_outage_never_slows_another(clock: Clock) -> None:
    budget = _budget(clock)

    budget.failed("x:1", retry_after=300)

    assert (budget.wait_seconds("x:1"), budget.wait_seconds("x:2")) == (300.0, 0.0)


def test_rate_headers_on_an_error_are_remembered_too(clock: Clock) -> None:
    budget = _budget(clock)
    reset = clock.now + 900

    budget.observe(
        "x:1", 429, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(reset))}, "twitter"
    )

    assert budget.wait_seconds("x:1") == 900.0
    assert budget.state("x:1").remaining == 0
