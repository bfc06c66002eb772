"""The poller: asks every due brand account's network for what is new, hands it to the pipeline,
then keeps the cursor and the account's health.

The cursor is stored only after the posts are, so a crash or an outage between the two re-reads
the same window next time (the pipeline skips what it already stored): missed windows are caught
up from the cursor when the network returns. One account's failure is recorded on that account
and never stops the others.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from hubbub.channels import actions, queries
from hubbub.channels.budget import RESERVED_CALLS, RateBudget, shared_budget
from hubbub.channels.models import ChannelAccount, Health
from hubbub.channels.networks.base import AccountConfig, ConnectorError, NetworkSpec
from hubbub.channels.redaction import EXPECTED_ERRORS, describe_failure
from hubbub.channels.registry import NETWORKS
from hubbub.channels.secrets import SecretsError
from hubbub.core.posts import Post, evolve
from hubbub.pipeline.stages import batched

logger = logging.getLogger(__name__)

Process = Callable[[list[Post]], object]
# A permanent failure (revoked token, deleted account) is retried rarely: a fixed credential or a
# change in the back office (which polls at once) brings the account back.
DOWN_RETRY_SECONDS = 3600.0
MIN_RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one account's poll did."""

    channel_id: int
    status: str  # a Health value
    posts: int = 0
    error: str = ""


def from_account(posts: list[Post], config: AccountConfig) -> list[Post]:
    """The posts as belonging to the brand of `config`'s account.

    `account_id` stays as the connector set it: the account's id for what reached the account
    (mentions, comments, messages), None for what its searches found.
    """
    return [evolve(post, brand_id=config.brand_id) for post in posts]


def back_off(budget: RateBudget, key: str, error: ConnectorError) -> float:
    """Seconds to wait after a failed call; counts the failure unless the connector already did."""
    if budget.wait_seconds(key) <= 0:
        budget.failed(key, error.retry_after)
    return max(MIN_RETRY_SECONDS, budget.wait_seconds(key))


def log_failure(what: str, error: BaseException, description: str) -> None:
    """Log a failure by its sanitised description and where it happened, never the raw message."""
    expected = isinstance(error, EXPECTED_ERRORS)
    where = "" if expected else "".join(traceback.format_tb(error.__traceback__))
    logger.warning("%s failed: %s%s", what, description, f"\n{where}" if where else "")


class Poller:
    """Polls the due accounts of every network in `networks` (the registry by default)."""

    def __init__(
        self,
        process: Process,
        *,
        budget: RateBudget = shared_budget,
        networks: Mapping[str, NetworkSpec] | None = None,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.process = process
        self.budget = budget
        self.networks = NETWORKS if networks is None else networks
        self.clock = clock

    def poll_due(self) -> list[PollOutcome]:
        """Poll every enabled account that is due and whose rate budget allows a call now."""
        outcomes = []
        for channel in queries.due_channels(self.clock(), self.networks):
            spec = self.networks[channel.account.network]
            key = queries.budget_key(channel)
            if self.budget.wait_seconds(key, reserve=RESERVED_CALLS) > 0:
                continue
            outcomes.append(self.poll_channel(channel, spec))
        return outcomes

    def poll_channel(self, channel: ChannelAccount, spec: NetworkSpec) -> PollOutcome:
        """Poll one account; never raises, the failure is recorded on the account instead."""
        secrets: Mapping[str, str] = {}
        try:
            config = queries.account_config(channel)
            secrets = config.secrets
            fetched = spec.connect(config, self.budget).poll(queries.cursor_values(channel))
            posts = from_account(fetched.posts, config)
            for batch in batched(posts, settings.HUBBUB_BATCH_SIZE):
                self.process(batch)
        except ConnectorError as error:
            return self._failed(channel, error, secrets, retryable=error.retryable)
        except SecretsError as error:
            return self._failed(channel, error, secrets, retryable=False)
        except Exception as error:  # noqa: BLE001 (one account's bug must not stop the others)
            return self._failed(channel, error, secrets, retryable=True)
        now = self.clock()
        key = config.budget_key
        next_in = max(spec.poll_seconds, self.budget.wait_seconds(key, reserve=RESERVED_CALLS))
        actions.record_poll_success(
            channel.id, fetched.cursor, self.budget.state(key), now=now, next_poll_in=next_in
        )
        return PollOutcome(channel.id, Health.OK, posts=len(posts))

    def _failed(
        self, channel: ChannelAccount, error: Exception, secrets: Mapping[str, str], *, retryable: bool
    ) -> PollOutcome:
        description = describe_failure(error, secrets.values())
        log_failure(f"poll of channel {channel.id}", error, description)
        key = queries.budget_key(channel)
        if isinstance(error, ConnectorError) and retryable:
            next_in = back_off(self.budget, key, error)
        elif retryable:
            self.budget.failed(key)
            next_in = max(MIN_RETRY_SECONDS, self.budget.wait_seconds(key))
        else:
            next_in = DOWN_RETRY_SECONDS
        actions.record_poll_failure(
            channel.id,
            description,
            self.budget.state(key),
            retryable=retryable,
            now=self.clock(),
            next_poll_in=next_in,
        )
        status = Health.DEGRADED if retryable else Health.DOWN
        return PollOutcome(channel.id, status, error=description)
