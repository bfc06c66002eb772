"""The connector runtime in one loop: poll due accounts, send due messages, process webhook
deliveries. `hubbub poll` runs it in the foreground; `hubbub serve` can run it in a daemon thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections, connections
from django.utils import timezone

from hubbub.channels.budget import RateBudget, shared_budget
from hubbub.channels.deliveries import forget_old_deliveries, process_deliveries
from hubbub.channels.models import Health, OutboundStatus
from hubbub.channels.networks.base import NetworkSpec
from hubbub.channels.outbound import send_due_outbound
from hubbub.channels.polling import Poller, PollOutcome, Process
from hubbub.channels.registry import NETWORKS

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Round:
    """What one round of the runner did."""

    polls: list[PollOutcome]
    sent: int
    send_failures: int
    deliveries: int

    @property
    def posts(self) -> int:
        """Posts fetched by this round's polls."""
        return sum(outcome.posts for outcome in self.polls)

    def summary(self) -> str:
        """One line for the console."""
        ok = sum(1 for outcome in self.polls if outcome.status == Health.OK)
        return (
            f"polled {len(self.polls)} account(s), {ok} ok, {len(self.polls) - ok} failing; "
            f"{self.posts} post(s); sent {self.sent}, failed {self.send_failures}; "
            f"{self.deliveries} webhook delivery(ies) processed"
        )


class ConnectorRunner:
    """Runs rounds until stopped; one failing round is logged and the next one starts on time."""

    def __init__(
        self,
        process: Process,
        *,
        budget: RateBudget = shared_budget,
        networks: Mapping[str, NetworkSpec] | None = None,
        interval: float = DEFAULT_INTERVAL_SECONDS,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.networks = NETWORKS if networks is None else networks
        self.poller = Poller(process, budget=budget, networks=self.networks, clock=clock)
        self.process = process
        self.budget = budget
        self.interval = interval
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> Round:
        """One round: poll, send, process pushed requests, forget old replay digests."""
        polls = self.poller.poll_due()
        sent = send_due_outbound(budget=self.budget, networks=self.networks, clock=self.clock)
        deliveries = process_deliveries(self.process, self.networks)
        forget_old_deliveries(self.clock())
        return Round(
            polls=polls,
            sent=sum(1 for outbound in sent if outbound.status == OutboundStatus.SENT),
            send_failures=sum(1 for outbound in sent if outbound.status == OutboundStatus.FAILED),
            deliveries=deliveries,
        )

    def run_until_stopped(self) -> None:
        """Run rounds every `interval` seconds until `stop()` (the body of the thread, or of a command)."""
        self._stop.clear()
        try:
            while not self._stop.is_set():
                self._guarded_round()
                self._stop.wait(self.interval)
        finally:
            connections.close_all()

    def start(self) -> None:
        """Run in a daemon thread (inside `hubbub serve`)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_until_stopped, name="hubbub-connectors", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to end after the current round, and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _guarded_round(self) -> None:
        close_old_connections()  # a database restart must not poison every later round
        try:
            self.run_once()
        except Exception:  # the database may be away; the next round tries again
            logger.exception("connector round failed")
