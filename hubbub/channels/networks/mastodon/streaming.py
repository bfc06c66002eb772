"""Mastodon's streaming API (server-sent events, docs.joinmastodon.org/methods/streaming/) as Posts.

`stream_mentions` follows the account's notifications (`user:notification`), `stream_hashtag` a
hashtag's public statuses (`update` events). Both block until the server ends the stream, handing
each new Post to `on_post`; the poller's `min_id` cursors catch up whatever a broken stream missed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from mastodon import StreamListener

from hubbub.channels.networks.base import AccountConfig
from hubbub.channels.networks.mastodon.client import MastodonClient
from hubbub.channels.networks.mastodon.mapping import status_post
from hubbub.channels.networks.mastodon.payloads import Notification, Status, parse_items
from hubbub.core.posts import Post

logger = logging.getLogger(__name__)

OnPost = Callable[[Post], None]


class PostStreamListener(StreamListener):
    """Turns `update` events (hashtag streams) or mention `notification` events into Posts."""

    def __init__(self, account: AccountConfig, home_host: str, on_post: OnPost, *, mentions: bool) -> None:
        super().__init__()
        self._account = account
        self._home_host = home_host
        self._on_post = on_post
        self._mentions = mentions

    def on_update(self, status: Mapping[str, Any]) -> None:
        """A new status in a hashtag stream (ignored on the notification stream)."""
        if not self._mentions:
            parsed = parse_items(Status, [status])
            self._emit(parsed.items, parsed.rejected, addressed=False)

    def on_notification(self, notification: Mapping[str, Any]) -> None:
        """A notification; only mentions carry a status for the inbox."""
        if self._mentions:
            parsed = parse_items(Notification, [notification])
            statuses = [item.status for item in parsed.items if item.type == "mention" and item.status]
            self._emit(statuses, parsed.rejected, addressed=True)

    def on_unknown_event(self, name: str, unknown_event: Any = None) -> None:  # noqa: ARG002  # its signature
        """Events Mastodon adds later (announcements, filters) are not posts."""
        logger.debug("mastodon stream: ignored event %r", name[:50])

    def _emit(self, statuses: list[Status], rejected: list[str], *, addressed: bool) -> None:
        for reason in rejected:
            logger.warning("mastodon stream %s: rejected %s", self._account.budget_key, reason)
        for status in statuses:
            if status.reblog is None:
                self._on_post(status_post(status, self._account, self._home_host, addressed=addressed))


def stream_mentions(client: MastodonClient, account: AccountConfig, home_host: str, on_post: OnPost) -> None:
    """Follow the account's mentions until the server ends the stream (ConnectorError on failure)."""
    listener = PostStreamListener(account, home_host, on_post, mentions=True)
    client.call(client.api.stream_user_notifications, listener)


def stream_hashtag(
    client: MastodonClient, account: AccountConfig, home_host: str, tag: str, on_post: OnPost
) -> None:
    """Follow a hashtag's public statuses until the server ends the stream."""
    listener = PostStreamListener(account, home_host, on_post, mentions=False)
    client.call(client.api.stream_hashtag, tag, listener)
