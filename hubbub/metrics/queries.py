"""Reads for the wall, and who may see and acknowledge which spike alert.

A person sees the open alerts, the topics and the failing channels of the brands they are a member
of, in any role; supervisors and administrators of the alert's brand may acknowledge it. An alert
of another brand answers 404, exactly as one that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.defaultfilters import pluralize

from hubbub.channels.models import Health
from hubbub.channels.queries import AccountHealth, accounts_health_for
from hubbub.channels.registry import NETWORKS
from hubbub.core.models import Membership, Role
from hubbub.listening.models import Topic
from hubbub.metrics.minutes import epoch_minute
from hubbub.metrics.models import AlertKind, SpikeAlert, TopicMinute
from hubbub.metrics.sparklines import Sparkline, sparkline

AnyUser = AbstractBaseUser | AnonymousUser

SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
SPARK_MINUTES = 60
ALERT_LIMIT = 100
TOPIC_LIMIT = 24


@dataclass(frozen=True, slots=True)
class WallAlert:
    """An open alert as the wall shows it."""

    alert: SpikeAlert
    brand_name: str
    can_acknowledge: bool
    sparkline: Sparkline

    @property
    def observed_label(self) -> str:
        """What the window holds: "42 posts in 5 min" or "62% negative"."""
        if self.alert.kind == AlertKind.NEGATIVE:
            return f"{self.alert.observed:.0%} negative"
        return f"{self.alert.observed:.0f} posts in {self.alert.window_minutes} min"

    @property
    def expected_label(self) -> str:
        """What the baseline predicts: "6.1 expected" or "18% usual"."""
        if self.alert.kind == AlertKind.NEGATIVE:
            return f"{self.alert.expected:.0%} usual"
        return f"{self.alert.expected:.1f} expected"


@dataclass(frozen=True, slots=True)
class WallTopic:
    """A topic's volume over the last hour."""

    topic_id: int
    name: str
    brand_name: str
    sparkline: Sparkline
    alerting: bool


@dataclass(frozen=True, slots=True)
class WallChannels:
    """The brand accounts whose connection fails (down first), and how many of the others work."""

    failing: list[AccountHealth]
    working: int
    waiting: int  # connected and enabled, not polled yet

    @property
    def all_working(self) -> bool:
        """Every connected, enabled account was polled and works."""
        return self.working > 0 and not self.failing and not self.waiting

    @property
    def summary(self) -> str:
        """One line for the accounts not listed: "All 4 channels working", "1 other channel working"."""
        parts = []
        if self.working:
            every, other = ("All " if self.all_working else ""), ("other " if self.failing else "")
            parts.append(f"{every}{self.working} {other}channel{pluralize(self.working)} working")
        if self.waiting:
            parts.append(f"{self.waiting} not polled yet")
        if not parts and not self.failing:
            parts.append("No channels connected yet")
        return " · ".join(parts)


FAILING = (Health.DOWN, Health.DEGRADED)


@dataclass(frozen=True, slots=True)
class Wall:
    """The wall's panels: open alerts newest first, the busiest topics of the last hour, failing channels."""

    alerts: list[WallAlert]
    topics: list[WallTopic]
    channels: WallChannels
    generated_at: datetime


def wall_for(user: AnyUser, now: datetime) -> Wall:
    """Open alerts and topic sparklines of the brands `user` is a member of."""
    roles, brand_names = _memberships(user)
    alerts = list(
        SpikeAlert.objects.filter(brand_id__in=list(roles), closed_at=None)
        .select_related("acknowledged_by")
        .order_by("-opened_at", "-id")[:ALERT_LIMIT]
    )
    lines = _minute_counts(list(roles), epoch_minute(now))
    alerting = {alert.topic_id for alert in alerts}
    wall_alerts = [
        WallAlert(
            alert=alert,
            brand_name=brand_names[alert.brand_id],
            can_acknowledge=roles[alert.brand_id] in SUPERVISING_ROLES,
            sparkline=sparkline(lines.get(alert.topic_id, [0] * SPARK_MINUTES)),
        )
        for alert in alerts
    ]
    return Wall(
        alerts=wall_alerts,
        topics=_busiest_topics(lines, alerting, brand_names),
        channels=channels_for(user),
        generated_at=now,
    )


def channels_for(user: AnyUser) -> WallChannels:
    """The failing accounts of `user`'s brands, down before degraded, and the others counted (one query)."""
    accounts = accounts_health_for(user, NETWORKS)
    failing = [account for account in accounts if account.status in FAILING]
    statuses = [account.status for account in accounts]
    return WallChannels(
        failing=sorted(failing, key=lambda account: FAILING.index(Health(account.status))),
        working=statuses.count(Health.OK),
        waiting=statuses.count(Health.IDLE),
    )


def alert_to_acknowledge(user: AnyUser, alert_id: int) -> SpikeAlert:
    """The alert if `user` supervises its brand; 404 if they cannot see it, 403 if they only see it."""
    roles, _names = _memberships(user)
    try:
        alert = SpikeAlert.objects.get(id=alert_id, brand_id__in=list(roles))
    except SpikeAlert.DoesNotExist:
        raise Http404("No such alert.") from None
    if roles[alert.brand_id] not in SUPERVISING_ROLES:
        raise PermissionDenied("Only a supervisor of the brand may acknowledge its alerts.")
    return alert


def _memberships(user: AnyUser) -> tuple[dict[int, str], dict[int, str]]:
    """The user's role and the brand's name, by brand id."""
    if not user.is_authenticated:
        return {}, {}
    rows = Membership.objects.filter(user_id=user.pk).values_list("brand_id", "role", "brand__name")
    roles, names = {}, {}
    for brand_id, role, name in rows:
        roles[brand_id], names[brand_id] = role, name
    return roles, names


def _minute_counts(brand_ids: list[int], now_minute: int) -> dict[int, list[int]]:
    """Posts per minute of each topic, the last SPARK_MINUTES minutes up to the current one."""
    start = now_minute - SPARK_MINUTES + 1
    lines: dict[int, list[int]] = defaultdict(lambda: [0] * SPARK_MINUTES)
    rows = TopicMinute.objects.filter(brand_id__in=brand_ids, minute__gte=start, minute__lte=now_minute)
    for topic_id, minute, posts in rows.values_list("topic_id", "minute", "posts"):
        lines[topic_id][minute - start] += posts
    return dict(lines)


def _busiest_topics(
    lines: dict[int, list[int]], alerting: set[int], brand_names: dict[int, str]
) -> list[WallTopic]:
    """The topics with the most posts in the last hour (those alerting first), with their names."""
    ranked = sorted(lines, key=lambda topic_id: (topic_id not in alerting, -sum(lines[topic_id]), topic_id))
    chosen = ranked[:TOPIC_LIMIT]
    rows = Topic.objects.filter(id__in=chosen).values_list("id", "name", "brand_id")
    names = {topic_id: (name, brand_id) for topic_id, name, brand_id in rows}
    return [
        WallTopic(
            topic_id=topic_id,
            name=names[topic_id][0],
            brand_name=brand_names.get(names[topic_id][1], ""),
            sparkline=sparkline(lines[topic_id]),
            alerting=topic_id in alerting,
        )
        for topic_id in chosen
        if topic_id in names
    ]
