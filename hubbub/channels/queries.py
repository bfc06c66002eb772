"""Reads of the connector runtime: which accounts are due, how a connector sees its account, and
the health of every brand account a person may see."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet

from hubbub.channels.models import ChannelAccount, Cursor, Health, Outbound
from hubbub.channels.networks.base import AccountConfig, NetworkSpec
from hubbub.channels.secrets import read_secrets
from hubbub.core.models import BrandAccount, Membership
from hubbub.pipeline.stages import batched

LOOKUP_CHUNK = 500


def due_channels(now: datetime, networks: Iterable[str]) -> QuerySet[ChannelAccount]:
    """Enabled accounts on `networks` whose next poll is due, the longest waiting first."""
    due = Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    return (
        ChannelAccount.objects.filter(due, enabled=True, account__network__in=list(networks))
        .select_related("account")
        .prefetch_related("cursors")
        .order_by(F("next_poll_at").asc(nulls_first=True), "id")
    )


def budget_key(channel: ChannelAccount) -> str:
    """The rate-budget key of `channel`, as `AccountConfig.budget_key` names it."""
    return f"{channel.account.network}:{channel.account_id}"


def cursor_values(channel: ChannelAccount) -> dict[str, str]:
    """Where each feed of `channel` was last read (uses prefetched cursors when there are some)."""
    return {cursor.name: cursor.value for cursor in channel.cursors.all()}


def account_config(channel: ChannelAccount) -> AccountConfig:
    """`channel` as its connector sees it, credentials decrypted (SecretsError when they cannot be)."""
    account = channel.account
    settings = channel.settings if isinstance(channel.settings, dict) else {}
    return AccountConfig(
        account_id=account.id,
        brand_id=account.brand_id,
        network=account.network,
        handle=account.handle,
        external_id=account.external_id,
        settings=settings,
        secrets=read_secrets(channel),
    )


def webhook_channel(
    network: str, channel_id: int, networks: Mapping[str, NetworkSpec]
) -> tuple[ChannelAccount, NetworkSpec] | None:
    """The enabled account `channel_id` on `network` and its spec, if that network takes webhooks."""
    spec = networks.get(network)
    if spec is None or spec.webhooks is None:
        return None
    channel = (
        ChannelAccount.objects.filter(id=channel_id, enabled=True, account__network=network)
        .select_related("account")
        .first()
    )
    return None if channel is None else (channel, spec)


def sent_message_keys(keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (network, external id) pairs among `keys` that are messages hubbub sent."""
    ids = sorted({external_id for _, external_id in keys if external_id})
    found: set[tuple[str, str]] = set()
    for chunk in batched(ids, LOOKUP_CHUNK):
        rows = Outbound.objects.filter(external_id__in=chunk).values_list(
            "channel__account__network", "external_id"
        )
        found.update((network, external_id) for network, external_id in rows)
    return found


@dataclass(frozen=True, slots=True)
class AccountHealth:
    """One brand account's connection as the health page shows it."""

    brand: str
    network: str
    network_label: str
    handle: str
    connected: bool
    has_connector: bool
    enabled: bool
    status: str
    status_label: str
    last_poll_at: datetime | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str
    failures: int
    rate_remaining: int | None
    rate_reset_at: datetime | None
    next_poll_at: datetime | None

    @property
    def tone(self) -> str:
        """A CSS modifier from a closed set: positive when working, negative when failing."""
        return _TONES.get(self.status, "neutral")


_TONES: dict[str, str] = {Health.OK: "positive", Health.DEGRADED: "negative", Health.DOWN: "negative"}


def accounts_health_for(user: Any, networks: Mapping[str, NetworkSpec]) -> list[AccountHealth]:
    """Every account of the brands `user` works for, with its connection's health (one query)."""
    if not user.is_authenticated:
        return []
    brands = Membership.objects.filter(user_id=user.pk).values("brand_id")
    accounts = (
        BrandAccount.objects.filter(brand_id__in=brands)
        .select_related("brand", "channel")
        .order_by("brand__name", "network", "handle", "id")
    )
    return [_health(account, networks) for account in accounts]


def _health(account: BrandAccount, networks: Mapping[str, NetworkSpec]) -> AccountHealth:
    channel = getattr(account, "channel", None)  # the reverse one-to-one raises when there is none
    status = channel.status if channel is not None else ""
    if channel is not None and not channel.enabled:
        status = Health.DISABLED
    labels = dict(Health.choices)
    return AccountHealth(
        brand=account.brand.name,
        network=account.network,
        network_label=account.get_network_display(),
        handle=account.handle,
        connected=channel is not None,
        has_connector=account.network in networks,
        enabled=channel.enabled if channel is not None else False,
        status=status or "unconnected",
        status_label=labels.get(status, "Not connected"),
        last_poll_at=channel.last_poll_at if channel else None,
        last_success_at=channel.last_success_at if channel else None,
        last_error_at=channel.last_error_at if channel else None,
        last_error=channel.last_error if channel else "",
        failures=channel.failures if channel else 0,
        rate_remaining=channel.rate_remaining if channel else None,
        rate_reset_at=channel.rate_reset_at if channel else None,
        next_poll_at=channel.next_poll_at if channel else None,
    )


def cursors_of(channel_id: int) -> dict[str, str]:
    """The stored cursors of one account, read afresh."""
    return dict(Cursor.objects.filter(channel_id=channel_id).values_list("name", "value"))
