"""The receiving side of webhooks, the same for every network: handshake, verify, refuse replays,
keep the request; the connector runner parses it and hands the posts to the pipeline.

A verified request is stored before it is answered and processed afterwards, the way Chatwoot
queues a job per webhook: the answer is fast (Meta and X give up on slow endpoints and retry),
it does not depend on the process that received it having a pipeline, and a crash between the
answer and the processing loses nothing. A body seen in the last 24 hours is answered 200 and
ignored, so a network's redelivery or a replayed capture changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from hubbub.channels.models import ChannelAccount, DeliveryStatus, WebhookDelivery
from hubbub.channels.networks.base import NetworkSpec, SignatureError, WebhookRequest, WebhookResponse
from hubbub.channels.polling import Process, from_account, log_failure
from hubbub.channels.queries import account_config
from hubbub.channels.redaction import describe_failure
from hubbub.channels.secrets import SecretsError, read_secrets
from hubbub.pipeline.stages import batched

logger = logging.getLogger(__name__)

MAX_WEBHOOK_BYTES = 1024 * 1024
REPLAY_WINDOW = timedelta(hours=24)
PROCESS_BATCH = 100
MAX_STORED_HEADERS = 64
MAX_HEADER_CHARS = 8_192
# No parser needs them, and they are credentials of whoever sent the request.
UNKEPT_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})

OK = WebhookResponse(200)
FORBIDDEN = WebhookResponse(403, b"Forbidden")
NOT_ALLOWED = WebhookResponse(405, b"Method not allowed")
UNAVAILABLE = WebhookResponse(503, b"Try again later")


def body_digest(channel_id: int, body: bytes) -> str:
    """What the replay guard remembers of a request: the sha256 of its account and body."""
    return hashlib.sha256(f"{channel_id}\n".encode() + body).hexdigest()


def receive_push(
    channel: ChannelAccount, spec: NetworkSpec, request: WebhookRequest, now: datetime
) -> WebhookResponse:
    """Answer a pushed request: a handshake's challenge, 403 unless signed, else keep it and 200."""
    handler = spec.webhooks
    if handler is None:
        return NOT_ALLOWED
    try:
        secrets = read_secrets(channel)
    except SecretsError:
        logger.error("webhook for channel %s: its credentials cannot be decrypted", channel.id)
        return UNAVAILABLE
    answer = handler.handshake(request, secrets)
    if answer is not None:
        return answer
    if request.method != "POST":
        return NOT_ALLOWED
    try:
        handler.verify(request, secrets)
    except SignatureError:
        logger.warning("webhook for channel %s: signature refused", channel.id)
        return FORBIDDEN
    keep_delivery(channel.id, request, now)
    return OK


@transaction.atomic
def keep_delivery(channel_id: int, request: WebhookRequest, now: datetime) -> bool:
    """Store a verified request for processing; False (nothing stored) for a body seen within a day."""
    digest = body_digest(channel_id, request.body)
    seen = WebhookDelivery.objects.select_for_update().filter(digest=digest).first()
    if seen is not None and (seen.received_at > now - REPLAY_WINDOW or seen.status == DeliveryStatus.PENDING):
        return False
    if seen is not None:
        seen.delete()
    kept = [(name, value) for name, value in request.headers.items() if name not in UNKEPT_HEADERS]
    headers = dict(kept[:MAX_STORED_HEADERS])
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(
                channel_id=channel_id,
                digest=digest,
                received_at=now,
                method=request.method[:8],
                path=request.path[:200],
                query=dict(request.query),
                headers={name: value[:MAX_HEADER_CHARS] for name, value in headers.items()},
                body=request.body,
            )
    except IntegrityError:  # the same body arriving twice at the same moment
        return False
    return True


def _request_of(delivery: WebhookDelivery) -> WebhookRequest:
    return WebhookRequest(
        method=delivery.method,
        path=delivery.path,
        query=dict(delivery.query),
        headers=dict(delivery.headers),
        body=bytes(delivery.body),
    )


def process_deliveries(
    process: Process, networks: Mapping[str, NetworkSpec], *, limit: int = PROCESS_BATCH
) -> int:
    """Parse the kept requests and hand their posts to `process`; returns how many were handled."""
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).order_by("id")
    handled = 0
    for delivery_id in list(pending.values_list("id", flat=True)[:limit]):
        try:
            handled += _process_one(delivery_id, process, networks)
        except Exception as error:  # noqa: BLE001 (one bad delivery must not block the others)
            _mark_failed(delivery_id, error)
            handled += 1
    return handled


@transaction.atomic
def _process_one(delivery_id: int, process: Process, networks: Mapping[str, NetworkSpec]) -> int:
    """Parse and process one delivery, its posts and its status in one transaction."""
    delivery = (
        WebhookDelivery.objects.select_for_update(skip_locked=True)
        .select_related("channel__account")
        .filter(id=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None:  # another runner has it
        return 0
    spec = networks.get(delivery.channel.account.network)
    if spec is None or spec.webhooks is None:
        raise LookupError("no webhook handler for this network")
    config = account_config(delivery.channel)
    posts = from_account(spec.webhooks.parse(_request_of(delivery), config), config)
    for batch in batched(posts, settings.HUBBUB_BATCH_SIZE):
        process(batch)
    WebhookDelivery.objects.filter(id=delivery_id).update(
        status=DeliveryStatus.DONE, posts=len(posts), query={}, headers={}, body=b""
    )
    return 1


def _mark_failed(delivery_id: int, error: Exception) -> None:
    delivery = WebhookDelivery.objects.select_related("channel").filter(id=delivery_id).first()
    secrets: dict[str, str] = {}
    if delivery is not None:
        try:
            secrets = read_secrets(delivery.channel)
        except SecretsError:
            secrets = {}
    description = describe_failure(error, secrets.values())
    log_failure(f"webhook delivery {delivery_id}", error, description)
    WebhookDelivery.objects.filter(id=delivery_id).update(status=DeliveryStatus.FAILED, error=description)


def forget_old_deliveries(now: datetime) -> int:
    """Delete processed deliveries older than the replay window; returns how many."""
    old = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.DONE, DeliveryStatus.FAILED], received_at__lt=now - REPLAY_WINDOW
    )
    deleted, _ = old.delete()
    return deleted
