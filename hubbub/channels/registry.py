"""Every network hubbub can connect to, by its `core.networks.Network` value.

An explicit table, not a plugin search: adding a network is one import and one line here (see
docs/adding-a-network.md), and a typo fails at import time.
"""

from __future__ import annotations

from hubbub.channels.networks.base import NetworkSpec
from hubbub.channels.networks.bluesky.connector import SPEC as BLUESKY
from hubbub.channels.networks.chat.connector import SPEC as CHAT
from hubbub.channels.networks.email.connector import SPEC as EMAIL
from hubbub.channels.networks.facebook.connector import SPEC as FACEBOOK
from hubbub.channels.networks.mastodon.connector import SPEC as MASTODON
from hubbub.channels.networks.phone.connector import SPEC as PHONE
from hubbub.channels.networks.reddit.connector import SPEC as REDDIT
from hubbub.channels.networks.rss.connector import SPEC as RSS
from hubbub.channels.networks.twitter.connector import SPEC as TWITTER

NETWORKS: dict[str, NetworkSpec] = {
    str(spec.network): spec
    for spec in (TWITTER, FACEBOOK, MASTODON, BLUESKY, REDDIT, RSS, EMAIL, CHAT, PHONE)
}


def network_spec(network: str) -> NetworkSpec | None:
    """The spec of `network`, or None when hubbub has no connector for it."""
    return NETWORKS.get(network)
