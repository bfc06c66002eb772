"""Minutes since the Unix epoch (UTC), the time unit of the topic counters: pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_minute(moment: datetime) -> int:
    """The minute `moment` falls in; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int((moment - EPOCH).total_seconds() // 60)


def start_of_minute(minute: int) -> datetime:
    """When a minute begins, in UTC."""
    return EPOCH + timedelta(minutes=minute)
