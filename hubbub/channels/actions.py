"""Writes of the poller: cursors and health after each poll, one transaction each."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F

from hubbub.channels.budget import BudgetState
from hubbub.channels.models import ChannelAccount, Cursor, Health

MAX_CURSOR_NAME_CHARS = 64
MAX_CURSOR_VALUE_CHARS = 10_000


def _rate_fields(rate: BudgetState) -> dict[str, object]:
    reset_at = datetime.fromtimestamp(rate.reset_at, tz=UTC) if rate.reset_at > 0 else None
    return {"rate_remaining": rate.remaining, "rate_reset_at": reset_at}


@transaction.atomic
def record_poll_success(
    channel_id: int,
    cursor: Mapping[str, str],
    rate: BudgetState,
    *,
    now: datetime,
    next_poll_in: float,
) -> None:
    """Keep the new cursor values and mark the account working (call once its posts are stored)."""
    for name, value in cursor.items():
        Cursor.objects.update_or_create(
            channel_id=channel_id,
            name=str(name)[:MAX_CURSOR_NAME_CHARS],
            defaults={"value": str(value)[:MAX_CURSOR_VALUE_CHARS]},
        )
    ChannelAccount.objects.filter(id=channel_id).update(
        status=Health.OK,
        last_poll_at=now,
        last_success_at=now,
        failures=0,
        next_poll_at=now + timedelta(seconds=next_poll_in),
        **_rate_fields(rate),
    )


@transaction.atomic
def record_poll_failure(
    channel_id: int,
    error: str,
    rate: BudgetState,
    *,
    retryable: bool,
    now: datetime,
    next_poll_in: float,
) -> None:
    """Mark the account degraded (retryable) or down, with the sanitised `error`; the cursor stays."""
    ChannelAccount.objects.filter(id=channel_id).update(
        status=Health.DEGRADED if retryable else Health.DOWN,
        last_poll_at=now,
        last_error_at=now,
        last_error=error,
        failures=F("failures") + 1,
        next_poll_at=now + timedelta(seconds=next_poll_in),
        **_rate_fields(rate),
    )


def poll_soon(channel: ChannelAccount) -> None:
    """Poll `channel` at the next round (after its settings or credentials changed)."""
    ChannelAccount.objects.filter(id=channel.id).update(next_poll_at=None)
    channel.next_poll_at = None
