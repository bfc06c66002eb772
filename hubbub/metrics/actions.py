"""Writes of the metrics app: a detection pass over the topic counters, and acknowledging an alert."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, Sum, Value

from hubbub.listening.models import Topic
from hubbub.metrics.minutes import epoch_minute
from hubbub.metrics.models import SpikeAlert, TopicMinute
from hubbub.metrics.spikes import DEFAULT_RULE, Counts, Decision, SpikeRule, decide
from hubbub.metrics.stage import COUNTED_MINUTES

# Any constant shared by every process: PostgreSQL serialises passes that take this lock.
_PASS_LOCK = 0x6875_6262_7562  # "hubbub"


@dataclass(frozen=True, slots=True)
class DetectionReport:
    """What one pass did: topics looked at, alerts opened, updated and closed, and alerts open after it."""

    topics: int
    opened: int
    updated: int
    closed: int
    open_now: int


@dataclass(frozen=True, slots=True)
class _TopicInfo:
    brand_id: int
    name: str


@dataclass(slots=True)
class _Plan:
    """What a pass writes: alerts to open, alerts that last (refreshed), alerts that ended."""

    new: list[SpikeAlert] = field(default_factory=list)
    lasting: list[SpikeAlert] = field(default_factory=list)
    ended: list[SpikeAlert] = field(default_factory=list)


@transaction.atomic
def detect_spikes(now: datetime, rule: SpikeRule = DEFAULT_RULE) -> DetectionReport:
    """One pass over the windows ending at `now`'s minute: open, update and close spike alerts."""
    _wait_for_other_passes()
    end = epoch_minute(now)
    windows = _load_windows(end, rule)
    topics = _load_topics(end - rule.lookback_minutes, end)
    open_alerts = {(alert.topic_id, alert.kind): alert for alert in SpikeAlert.objects.filter(closed_at=None)}
    plan = _plan(windows, topics, open_alerts, rule, now)
    _save(plan, now)
    TopicMinute.objects.filter(minute__lt=end - COUNTED_MINUTES).delete()
    open_now = len(plan.new) + len(plan.lasting)
    return DetectionReport(len(windows), len(plan.new), len(plan.lasting), len(plan.ended), open_now)


def _plan(
    windows: dict[int, list[Counts]],
    topics: dict[int, _TopicInfo],
    open_alerts: dict[tuple[int, str], SpikeAlert],
    rule: SpikeRule,
    now: datetime,
) -> _Plan:
    plan = _Plan()
    silent = [Counts()] * (rule.baseline_windows + 1)
    for topic_id in windows.keys() | {topic_id for topic_id, _kind in open_alerts}:
        info = topics.get(topic_id)
        if info is None:
            continue  # a deleted topic: its open alerts end below
        counts = windows.get(topic_id, silent)
        for decision in decide(counts[0], counts[1:], rule):
            alert = open_alerts.pop((topic_id, decision.kind), None)
            if alert is not None and decision.lasts:
                plan.lasting.append(_refreshed(alert, decision, now))
            elif alert is not None:
                plan.ended.append(alert)
            elif decision.is_spike:
                plan.new.append(_opened(topic_id, info, decision, now))
    plan.ended.extend(open_alerts.values())
    return plan


def _wait_for_other_passes() -> None:
    # Two `hubbub serve` processes may each run a watcher; one pass at a time keeps "one open alert
    # per topic and kind" without a failed pass. SQLite serialises writers by itself, and the
    # partial unique index stops a duplicate should two passes interleave there.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PASS_LOCK])


def _load_windows(end: int, rule: SpikeRule) -> dict[int, list[Counts]]:
    """Per topic, the counts of the window ending at `end` (index 0) and of the baseline windows before it.

    Summed by the database: a row per topic and window instead of one per topic and minute.
    """
    blank = [Counts()] * (rule.baseline_windows + 1)
    windows: dict[int, list[Counts]] = {}
    # minute < end, so the index is never negative: integer division is floor division on both backends.
    index = ExpressionWrapper(
        (Value(end - 1) - F("minute")) / Value(rule.window_minutes), output_field=BigIntegerField()
    )
    rows = (
        TopicMinute.objects.filter(minute__gte=end - rule.lookback_minutes, minute__lt=end)
        .values("topic_id", window=index)
        .annotate(total=Sum("posts"), negatives=Sum("negative"))
        .values_list("topic_id", "window", "total", "negatives")
    )
    for topic_id, window, total, negatives in rows:
        windows.setdefault(topic_id, list(blank))[window] = Counts(total, negatives)
    return windows


def _load_topics(start: int, end: int) -> dict[int, _TopicInfo]:
    """The topics that have counters in [start, end) or an open alert, and still exist."""
    counted = TopicMinute.objects.filter(minute__gte=start, minute__lt=end).values("topic_id")
    alerted = SpikeAlert.objects.filter(closed_at=None).values("topic_id")
    rows = Topic.objects.filter(id__in=counted.union(alerted)).values_list("id", "brand_id", "name")
    return {topic_id: _TopicInfo(brand_id, name) for topic_id, brand_id, name in rows}


def _opened(topic_id: int, info: _TopicInfo, decision: Decision, now: datetime) -> SpikeAlert:
    alert = SpikeAlert(
        brand_id=info.brand_id, topic_id=topic_id, topic_name=info.name, kind=decision.kind, opened_at=now
    )
    return _refreshed(alert, decision, now)


def _refreshed(alert: SpikeAlert, decision: Decision, now: datetime) -> SpikeAlert:
    alert.window_minutes = decision.window_minutes
    alert.baseline_minutes = decision.baseline_minutes
    alert.observed = decision.observed
    alert.expected = decision.expected
    alert.score = decision.score
    alert.threshold = decision.threshold
    alert.explanation = decision.explanation[:300]
    alert.last_seen_at = now
    return alert


_REFRESHED_FIELDS = (
    "window_minutes", "baseline_minutes", "observed", "expected", "score", "threshold", "explanation",
    "last_seen_at",
)  # fmt: skip
_TABLE = SpikeAlert._meta.db_table
# One statement run for every lasting alert: Django's bulk_update builds a CASE per field and row,
# several times slower for a few dozen alerts than the whole rest of a pass.
_REFRESH = f"UPDATE {_TABLE} SET {', '.join(f'{name} = %s' for name in _REFRESHED_FIELDS)} WHERE id = %s"  # noqa: S608


def _save(plan: _Plan, now: datetime) -> None:
    # Closed first: a topic whose alert of a kind just ended may not have another open one.
    if plan.ended:
        SpikeAlert.objects.filter(id__in=[alert.id for alert in plan.ended]).update(closed_at=now)
    if plan.lasting:
        adapt = connection.ops.adapt_datetimefield_value
        rows = [
            (*(getattr(alert, name) for name in _REFRESHED_FIELDS[:-1]), adapt(now), alert.id)
            for alert in plan.lasting
        ]
        with connection.cursor() as cursor:
            cursor.executemany(_REFRESH, rows)
    if plan.new:
        SpikeAlert.objects.bulk_create(plan.new)


@transaction.atomic
def acknowledge_alert(alert: SpikeAlert, user: AbstractBaseUser, now: datetime) -> bool:
    """Mark an open alert as seen by `user`; False when it was closed or acknowledged already."""
    updated = SpikeAlert.objects.filter(id=alert.id, closed_at=None, acknowledged_at=None).update(
        acknowledged_by=user, acknowledged_at=now
    )
    return updated == 1
