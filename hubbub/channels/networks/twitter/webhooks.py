"""X Account Activity webhooks: the CRC handshake, the body signature, and the pushed events.

- CRC (GET with `crc_token`): answer `{"response_token": "sha256=" + base64(HMAC-SHA256(consumer
  secret, crc_token))}` (X docs, "Securing webhooks").
- Every POST carries `x-twitter-webhooks-signature: sha256=` + base64(HMAC-SHA256(consumer secret,
  raw body)). X signs no timestamp, so freshness is read from the signed events themselves: X
  retries a delivery three times over five minutes (enterprise "Activity retries"), so a body whose
  newest event is over an hour old is a replay. Replayed bodies within the hour are the webhook
  view's job (it remembers body digests); repeated event ids inside one body are dropped here.

Secrets: `consumer_secret` (the app's API secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from hubbub.channels.networks.base import (
    AccountConfig,
    SignatureError,
    WebhookRequest,
    WebhookResponse,
)
from hubbub.channels.networks.twitter.payloads import (
    AccountActivity,
    DmUser,
    V1DirectMessage,
    V1Tweet,
    parse_items,
)
from hubbub.channels.networks.twitter.posts import post_from_v1_message, post_from_v1_tweet
from hubbub.core.posts import Post

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
MAX_EVENT_AGE_SECONDS = 60 * 60
MAX_CLOCK_SKEW_SECONDS = 5 * 60
MAX_CRC_TOKEN_CHARS = 512

Item = TypeVar("Item")


def sign(consumer_secret: str, message: bytes) -> str:
    """X's signature of `message`: "sha256=" and the base64 HMAC-SHA256 under the consumer secret."""
    digest = hmac.new(consumer_secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode("ascii")


class TwitterWebhooks:
    """The Account Activity webhook of one X app."""

    def handshake(self, request: WebhookRequest, secrets: Mapping[str, str]) -> WebhookResponse | None:
        """The CRC answer to a GET with `crc_token`; None for anything else."""
        token = request.query.get("crc_token")
        if request.method != "GET" or token is None:
            return None
        if not token or len(token) > MAX_CRC_TOKEN_CHARS:
            return WebhookResponse(status=400, body=b"bad crc_token")
        body = json.dumps({"response_token": sign(_consumer_secret(secrets), token.encode())})
        return WebhookResponse(body=body.encode(), content_type="application/json")

    def verify(self, request: WebhookRequest, secrets: Mapping[str, str]) -> None:
        """Raise SignatureError unless X signed this body and its events are recent."""
        received = request.headers.get(SIGNATURE_HEADER)
        if not received:
            raise SignatureError(f"missing {SIGNATURE_HEADER}")
        expected = sign(_consumer_secret(secrets), request.body)
        if not hmac.compare_digest(received.encode(), expected.encode()):
            raise SignatureError("the signature does not match the body")
        _check_fresh(request.body, time.time())

    def parse(self, request: WebhookRequest, account: AccountConfig) -> list[Post]:
        """The tweets and direct messages pushed for `account` (other accounts' events are ignored)."""
        try:
            activity = AccountActivity.model_validate_json(request.body)
        except ValidationError as error:
            logger.warning("Skipped an X delivery in an unknown shape (%d errors)", error.error_count())
            return []
        if activity.for_user_id != account.external_id:
            return []
        return _tweets(activity, account) + _messages(activity, account)


def _consumer_secret(secrets: Mapping[str, str]) -> str:
    secret = secrets.get("consumer_secret")
    if not secret:
        raise SignatureError("no consumer_secret configured: cannot check X's signature")
    return secret


def _tweets(activity: AccountActivity, account: AccountConfig) -> list[Post]:
    tweets = parse_items(V1Tweet, activity.tweet_create_events, "tweet event")
    # A retweet carries no words of its author: nothing to answer.
    originals = [tweet for tweet in tweets if tweet.retweeted_status is None]
    return [post_from_v1_tweet(tweet, account) for tweet in _first_of_each(originals, lambda t: t.id_str)]


def _messages(activity: AccountActivity, account: AccountConfig) -> list[Post]:
    created = [event for event in activity.direct_message_events if _is_message_create(event)]
    messages = parse_items(V1DirectMessage, created, "direct message event")
    users = {user.id: user for user in parse_items(DmUser, activity.users.values(), "X user")}
    return [
        post_from_v1_message(message, users.get(message.message_create.sender_id), account)
        for message in _first_of_each(messages, lambda m: m.id)
    ]


def _is_message_create(event: Any) -> bool:
    return isinstance(event, dict) and event.get("type") == "message_create"


def _first_of_each(items: Iterable[Item], key: Callable[[Item], str]) -> list[Item]:
    """The items whose key was not seen before in this delivery (a repeated event id is a replay)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept


def _check_fresh(body: bytes, now: float) -> None:
    stamps = _event_times(body)
    if not stamps:
        return
    if max(stamps) < now - MAX_EVENT_AGE_SECONDS:
        raise SignatureError("stale delivery: its newest event is over an hour old")
    if max(stamps) > now + MAX_CLOCK_SKEW_SECONDS:
        raise SignatureError("delivery from the future: check the server clock")


def _event_times(body: bytes) -> list[float]:
    """Epoch seconds of every event in a delivery (`timestamp_ms` or `created_timestamp`)."""
    try:
        delivery = json.loads(body)
    except ValueError:
        return []
    if not isinstance(delivery, dict):
        return []
    stamps = []
    for name, events in delivery.items():
        if not (name.endswith("_events") and isinstance(events, list)):
            continue
        for event in events:
            stamp = (
                event.get("timestamp_ms") or event.get("created_timestamp")
                if isinstance(event, dict)
                else None
            )
            if isinstance(stamp, str | int) and str(stamp).isdigit():
                stamps.append(int(stamp) / 1000)
    return stamps
