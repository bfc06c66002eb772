"""The pipeline for what arrives in an HTTP request (web-chat messages, CTI call events), handed in
by the composition root.

Those endpoints live in `hubbub.api`, which may not import `hubbub.runtime` where the pipeline is
assembled (the layers in docs/architecture.md). So the runtime installs its factory here when Django
starts (`RuntimeConfig.ready`), in every server process, and the pipeline is built on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from hubbub.core.posts import Post
from hubbub.pipeline.runner import BatchResult, Pipeline


class NoPipelineError(RuntimeError):
    """No pipeline was installed: this process cannot take messages in."""


class _Slot:
    """The process's one installed pipeline factory, and the pipeline built from it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.factory: Callable[[], Pipeline] | None = None
        self.pipeline: Pipeline | None = None


_slot = _Slot()


def use_pipeline(factory: Callable[[], Pipeline] | None) -> Callable[[], Pipeline] | None:
    """Install the pipeline factory messages run through (None disconnects); returns the previous one."""
    with _slot.lock:
        previous = _slot.factory
        _slot.factory, _slot.pipeline = factory, None
    return previous


def is_ready() -> bool:
    """Whether a pipeline is installed."""
    return _slot.factory is not None


def take_in(posts: list[Post]) -> BatchResult:
    """Run `posts` through the installed pipeline (one transaction); NoPipelineError when none is."""
    with _slot.lock:
        if _slot.factory is None:
            raise NoPipelineError("no pipeline installed (see hubbub/channels/intake.py)")
        if _slot.pipeline is None:
            _slot.pipeline = _slot.factory()
        # The pipeline's stages keep caches and snapshots: one batch at a time per process.
        return _slot.pipeline.process(posts)
