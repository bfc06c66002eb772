"""Every network hubbub can connect to, by its `core.networks.Network` value.

An explicit table, not a plugin search: adding a network is one import and one line here (see
docs/adding-a-network.md), and a typo fails at import time.
"""

from __future__ import annotations

from hubbub.channels.networks.base import NetworkSpec

NETWORKS: dict[str, NetworkSpec] = {}


def network_spec(network: str) -> NetworkSpec | None:
    """The spec of `network`, or None when hubbub has no connector for it."""
    return NETWORKS.get(network)
