"""Facebook Page webhooks: the subscription handshake, `X-Hub-Signature-256`, feed and Messenger events.

- Handshake (Meta "Webhooks: Getting Started"): a GET with `hub.mode=subscribe`, `hub.verify_token`
  and `hub.challenge`; echo the challenge when the token is ours, else 403.
- Every POST carries `X-Hub-Signature-256: sha256=` + hex(HMAC-SHA256(app secret, raw body)). Meta
  signs no timestamp; the signed entries carry `time`. Meta retries a failed delivery with
  decreasing frequency for up to 36 hours, so a body whose newest entry is older than that (plus an
  hour) is a replay. Replays within the window are the webhook view's job (body digests); a
  message id or item repeated inside one body is dropped here.
- `messaging` events with `is_echo` are the page's own sends coming back: skipped, the loop guard.
- Feed changes with verb `remove` or `hide` are not posts; reactions and likes are not either.

Secrets: `app_secret`, `verify_token`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping

from pydantic import ValidationError

from hubbub.channels.networks.base import AccountConfig, SignatureError, WebhookRequest, WebhookResponse
from hubbub.channels.networks.facebook.payloads import (
    Change,
    Entry,
    FeedValue,
    MessagingEvent,
    Notification,
    parse_items,
)
from hubbub.channels.networks.facebook.posts import post_from_feed_change, post_from_message
from hubbub.core.posts import Post

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-hub-signature-256"
MAX_DELIVERY_AGE_SECONDS = 37 * 60 * 60
MAX_CLOCK_SKEW_SECONDS = 5 * 60
POST_ITEMS = frozenset({"post", "status", "photo", "video", "share"})
KEPT_VERBS = frozenset({"add", "edited"})
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def sign(app_secret: str, body: bytes) -> str:
    """Meta's signature of `body`: "sha256=" and the hex HMAC-SHA256 under the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class FacebookWebhooks:
    """The `page` webhook of one Meta app."""

    def handshake(self, request: WebhookRequest, secrets: Mapping[str, str]) -> WebhookResponse | None:
        """The echoed challenge for a subscription check; None for anything else."""
        if request.method != "GET" or request.query.get("hub.mode") != "subscribe":
            return None
        expected = secrets.get("verify_token", "")
        token = request.query.get("hub.verify_token", "")
        if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
            return WebhookResponse(status=403, body=b"verify token mismatch")
        challenge = request.query.get("hub.challenge", "")
        if not _CHALLENGE.match(challenge):
            return WebhookResponse(status=400, body=b"bad hub.challenge")
        return WebhookResponse(body=challenge.encode())

    def verify(self, request: WebhookRequest, secrets: Mapping[str, str]) -> None:
        """Raise SignatureError unless Meta signed this body and its entries are recent."""
        received = request.headers.get(SIGNATURE_HEADER)
        if not received:
            raise SignatureError(f"missing {SIGNATURE_HEADER}")
        secret = secrets.get("app_secret")
        if not secret:
            raise SignatureError("no app_secret configured: cannot check Meta's signature")
        if not hmac.compare_digest(received.encode(), sign(secret, request.body).encode()):
            raise SignatureError("the signature does not match the body")
        _check_fresh(request.body, time.time())

    def parse(self, request: WebhookRequest, account: AccountConfig) -> list[Post]:
        """The feed posts, comments and Messenger messages pushed for `account`'s page."""
        try:
            notification = Notification.model_validate_json(request.body)
        except ValidationError as error:
            logger.warning("Skipped a Facebook delivery in an unknown shape (%d errors)", error.error_count())
            return []
        if notification.object != "page":
            return []
        entries = parse_items(Entry, notification.entry, "Facebook entry")
        posts: dict[str, Post] = {}
        for entry in entries:
            if entry.id != account.external_id:
                continue
            for post in _feed(entry, account) + _messages(entry, account):
                posts.setdefault(post.external_id, post)
        return list(posts.values())


def _feed(entry: Entry, account: AccountConfig) -> list[Post]:
    changes = [
        change for change in parse_items(Change, entry.changes, "feed change") if change.field == "feed"
    ]
    wanted = [change.value for change in changes if _is_wanted(change.value)]
    return [post_from_feed_change(value, account) for value in parse_items(FeedValue, wanted, "feed item")]


def _is_wanted(value: Mapping[str, object]) -> bool:
    item = value.get("item")
    return value.get("verb") in KEPT_VERBS and (item == "comment" or item in POST_ITEMS)


def _messages(entry: Entry, account: AccountConfig) -> list[Post]:
    events = parse_items(MessagingEvent, _with_message(entry.messaging), "Messenger event")
    return [post_from_message(event, account) for event in events if not event.message.is_echo]


def _with_message(events: list[object]) -> list[object]:
    """Message events only: deliveries, reads and postbacks come on the same list without one."""
    return [event for event in events if isinstance(event, dict) and "message" in event]


def _check_fresh(body: bytes, now: float) -> None:
    stamps = _entry_times(body)
    if not stamps:
        return
    if max(stamps) < now - MAX_DELIVERY_AGE_SECONDS:
        raise SignatureError("stale delivery: its newest entry is older than Meta's 36 hours of retries")
    if max(stamps) > now + MAX_CLOCK_SKEW_SECONDS:
        raise SignatureError("delivery from the future: check the server clock")


def _entry_times(body: bytes) -> list[float]:
    """Epoch seconds of each entry's `time` (seconds for feed, milliseconds for Messenger)."""
    try:
        delivery = json.loads(body)
    except ValueError:
        return []
    entries = delivery.get("entry") if isinstance(delivery, dict) else None
    stamps = []
    for entry in entries if isinstance(entries, list) else []:
        stamp = entry.get("time") if isinstance(entry, dict) else None
        if isinstance(stamp, int) and stamp > 0:
            stamps.append(stamp / 1000 if stamp > 10**11 else float(stamp))
    return stamps
