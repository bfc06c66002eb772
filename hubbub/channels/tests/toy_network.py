"""A tiny network for the runtime's tests: a JSON API served by the local server, a signed webhook.

It plays the part the real networks play (channels/networks/<name>/), so the poller, the sender
and the webhook side are tested against a real HTTP exchange without any network's quirks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from hubbub.channels.budget import RateBudget
from hubbub.channels.models import ChannelAccount
from hubbub.channels.networks.base import (
    AccountConfig,
    ConnectorError,
    Fetched,
    NetworkSpec,
    OutboundMessage,
    ReplyRules,
    Sent,
    SignatureError,
    WebhookRequest,
    WebhookResponse,
)
from hubbub.channels.secrets import store_secrets
from hubbub.channels.stage import OwnPosts
from hubbub.channels.tests.local_server import LocalServer, Received, Reply
from hubbub.core.models import Brand, BrandAccount
from hubbub.core.networks import Network
from hubbub.core.posts import Post
from hubbub.pipeline.runner import Pipeline
from hubbub.pipeline.stages import drop_repeats_within, normalise
from hubbub.pipeline.store import drop_stored, write_posts

TOY = Network.DEMO.value
TOKEN = "toy-token-5f0e2c9a7b"
WEBHOOK_SECRET = "toy-webhook-secret-81d4"
RATE_STYLE = "twitter"


def toy_post(item: Mapping[str, Any], account: AccountConfig) -> Post:
    """A post of the toy network's JSON shape, addressed to `account`."""
    return Post(
        network=TOY,
        external_id=str(item["id"]),
        author_id=str(item["author"]),
        author_handle=str(item["author"]),
        text=str(item["text"]),
        created_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
        in_reply_to_id=str(item.get("in_reply_to", "")),
        account_id=account.account_id,
    )


class ToyConnector:
    """Polls GET /items?since=, sends POST /messages, finds GET /messages?key=."""

    def __init__(self, config: AccountConfig, budget: RateBudget) -> None:
        self.config = config
        self.budget = budget
        self.client = httpx.Client(
            base_url=str(config.settings["base_url"]),
            timeout=float(config.settings.get("timeout", 2.0)),
            headers={"Authorization": f"Bearer {config.secrets.get('token', '')}"},
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ConnectorError(f"{method} {path} timed out", retryable=True) from None
        except httpx.TransportError as error:
            raise ConnectorError(f"{method} {path}: {error}", retryable=True) from None
        self.budget.observe(self.config.budget_key, response.status_code, response.headers, RATE_STYLE)
        if response.status_code == 429 or response.status_code >= 500:
            raise ConnectorError(f"{method} {response.url} answered {response.status_code}", retryable=True)
        if response.status_code >= 400 and response.status_code != 404:
            raise ConnectorError(f"{method} {response.url} answered {response.status_code}", retryable=False)
        return response

    def poll(self, cursor: Mapping[str, str]) -> Fetched:
        # The token travels in the query string, as the Meta Graph API's access_token does.
        params = {"since": cursor.get("since", "0"), "access_token": self.config.secrets.get("token", "")}
        data = self._call("GET", "/items", params=params).json()
        posts = [toy_post(item, self.config) for item in data["items"]]
        return Fetched(posts, {"since": str(data["next"])} if data.get("next") else {})

    def send(self, message: OutboundMessage) -> Sent:
        body = {"key": message.key, "text": message.text, "in_reply_to": message.in_reply_to}
        data = self._call("POST", "/messages", json=body).json()
        return Sent(str(data["id"]), str(data.get("url", "")))

    def find_sent(self, message: OutboundMessage) -> Sent | None:
        response = self._call("GET", "/messages", params={"key": message.key})
        return None if response.status_code == 404 else Sent(str(response.json()["id"]))


class ToyWebhooks:
    """GET ?challenge= is the handshake; POSTs carry x-toy-signature, the hex HMAC-SHA256 of the body."""

    def handshake(self, request: WebhookRequest, secrets: Mapping[str, str]) -> WebhookResponse | None:
        challenge = request.query.get("challenge")
        if request.method != "GET" or not challenge:
            return None
        return WebhookResponse(200, sign(challenge.encode(), secrets.get("webhook_secret", "")).encode())

    def verify(self, request: WebhookRequest, secrets: Mapping[str, str]) -> None:
        expected = sign(request.body, secrets.get("webhook_secret", ""))
        if not hmac.compare_digest(expected, request.headers.get("x-toy-signature", "")):
            raise SignatureError("bad signature")

    def parse(self, request: WebhookRequest, account: AccountConfig) -> list[Post]:
        return [toy_post(item, account) for item in json.loads(request.body)["items"]]


def sign(body: bytes, secret: str) -> str:
    """The toy network's signature of `body`."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def toy_spec(*, max_chars: int = 50) -> NetworkSpec:
    """The toy network as the registry would list it."""
    return NetworkSpec(
        network=TOY,
        rules=ReplyRules(max_chars=max_chars, kinds=frozenset({"reply", "direct"})),
        connect=ToyConnector,
        webhooks=ToyWebhooks(),
        poll_seconds=60.0,
    )


class ToyService:
    """The toy network's server side on a LocalServer: a feed of items and a message store."""

    def __init__(self, server: LocalServer, first_id: int = 1) -> None:
        self.server = server
        self.first_id = first_id  # ids are unique network-wide, as on real networks
        self.items: list[dict[str, Any]] = []
        self.messages: dict[str, str] = {}
        self.outage: int | None = None  # answer every call with this status
        self.send_delay = 0.0  # seconds the server takes after storing a message
        self.rate_headers: dict[str, str] = {}
        self._lock = threading.Lock()
        server.route("GET", "/items", self._items)
        server.route("POST", "/messages", self._send)
        server.route("GET", "/messages", self._find)

    def publish(self, author: str, text: str) -> str:
        """Add an item to the feed; returns its id."""
        item_id = str(self.first_id + len(self.items))
        self.items.append({"id": item_id, "author": author, "text": text})
        return item_id

    def _items(self, request: Received) -> Reply:
        if self.outage:
            return Reply(self.outage, {"error": "unavailable"})
        since = int(request.query.get("since") or 0)
        new = [item for item in self.items if int(item["id"]) > since]
        body = {"items": new, "next": new[-1]["id"] if new else ""}
        return Reply(200, body, self.rate_headers)

    def _send(self, request: Received) -> Reply:
        if self.outage:
            return Reply(self.outage, {"error": "unavailable"})
        with self._lock:
            message_id = f"m{len(self.messages) + 1}"
            self.messages[request.json()["key"]] = message_id
        time.sleep(self.send_delay)  # the network took it, then answers too late
        return Reply(200, {"id": message_id, "url": f"https://toy.example/m/{message_id}"})

    def _find(self, request: Received) -> Reply:
        message_id = self.messages.get(request.query.get("key", ""))
        return (
            Reply(404, {"error": "no such message"}) if message_id is None else Reply(200, {"id": message_id})
        )


def connect_toy_account(
    brand: Brand, handle: str, base_url: str = "http://127.0.0.1:9", **fields: Any
) -> ChannelAccount:
    """A connected toy-network account of `brand` whose API is at `base_url`."""
    account = BrandAccount.objects.create(brand=brand, network=TOY, handle=handle, external_id=f"id-{handle}")
    channel = ChannelAccount.objects.create(account=account, settings={"base_url": base_url}, **fields)
    store_secrets(channel, {"token": TOKEN, "webhook_secret": WEBHOOK_SECRET})
    return channel


def toy_pipeline() -> Pipeline:
    """The pipeline's generic stages, the loop guard and the real writer (no domain stages)."""
    return Pipeline([normalise, drop_repeats_within, drop_stored, OwnPosts().mark_own_posts], write_posts)
