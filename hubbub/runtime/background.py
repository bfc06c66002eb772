"""What runs beside the web server in one process: the connectors and the spike watch.

`hubbub serve` and `hubbub demo` start these in the command's own process (not in each uvicorn
worker), so there is one poller and one spike watch per `serve`, whatever `--workers` says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hubbub.channels.runner import ConnectorRunner
from hubbub.metrics.watch import SpikeWatcher
from hubbub.runtime.assembly import build_pipeline

SPIKE_WATCH_SECONDS = 15.0


@dataclass
class BackgroundJobs:
    """Start with `start()`, end with `stop()`; each job has its own pipeline (stages keep caches)."""

    connectors: bool = True
    spikes: bool = True
    _runner: ConnectorRunner | None = field(default=None, init=False)
    _watcher: SpikeWatcher | None = field(default=None, init=False)

    def start(self) -> None:
        """Start the enabled jobs in daemon threads."""
        if self.connectors:
            self._runner = ConnectorRunner(build_pipeline().process)
            self._runner.start()
        if self.spikes:
            self._watcher = SpikeWatcher(SPIKE_WATCH_SECONDS)
            self._watcher.start()

    def stop(self) -> None:
        """Stop the jobs (each finishes the round it is in)."""
        if self._runner is not None:
            self._runner.stop()
        if self._watcher is not None:
            self._watcher.stop()

    def describe(self) -> str:
        """One line for the console."""
        parts = []
        if self.connectors:
            parts.append("connectors (poll, send, webhooks)")
        if self.spikes:
            parts.append(f"spike watch every {SPIKE_WATCH_SECONDS:g} s")
        return ", ".join(parts) or "nothing"
