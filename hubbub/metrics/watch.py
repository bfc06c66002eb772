"""Detection in the background: a daemon thread that runs a detection pass every few seconds."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from django.db import connections
from django.utils import timezone

from hubbub.metrics.actions import DetectionReport, detect_spikes

logger = logging.getLogger(__name__)

Detect = Callable[[datetime], DetectionReport]


class SpikeWatcher:
    """Runs `detect(now)` every `every` seconds until stopped; a failed pass is logged, never fatal.

    `start()`/`stop()` run it in a daemon thread beside the web server; `run()` runs it in the
    calling thread (the `detect_spikes --every` command).
    """

    def __init__(self, every: float, *, detect: Detect = detect_spikes) -> None:
        if every <= 0:
            raise ValueError(f"every must be positive, not {every:g}")
        self.every = every
        self.detect = detect
        self.passes = 0
        self.failures = 0
        self.last_report: DetectionReport | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="hubbub-spike-watcher", daemon=True)

    def start(self) -> None:
        """Start watching in a daemon thread."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the loop to end after its current pass, and wait for the thread if it runs one."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the background thread is alive."""
        return self._thread.is_alive()

    def run(self, passes: int | None = None) -> None:
        """Run passes every `every` seconds until stopped, or until `passes` passes ran."""
        while not self._stop.is_set():
            self._run_once()
            if passes is not None and self.passes + self.failures >= passes:
                return
            self._stop.wait(self.every)

    def _watch(self) -> None:
        try:
            self.run()
        finally:
            # Django opens one connection per thread; this thread's must not outlive it.
            connections.close_all()

    def _run_once(self) -> None:
        try:
            self.last_report = self.detect(timezone.now())
        except Exception:  # a locked database or a bad row must not end the watch
            self.failures += 1
            logger.exception("spike watcher: a detection pass failed, trying again in %gs", self.every)
            return
        self.passes += 1
