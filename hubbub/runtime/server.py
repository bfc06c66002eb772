"""Starting the ASGI server, shared by `hubbub serve` and `hubbub demo`."""

from __future__ import annotations

import uvicorn


def run_server(host: str, port: int, *, workers: int = 1, log_level: str = "warning") -> None:
    """Serve hubbub's ASGI application until interrupted (Ctrl-C)."""
    uvicorn.run(
        "hubbub.asgi:application",
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        # Long-lived event streams must not hold Ctrl-C hostage.
        timeout_graceful_shutdown=2,
        lifespan="off",
    )
