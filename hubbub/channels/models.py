"""What hubbub keeps about its connections to the networks: settings and health of each brand
account, where each feed was last read, every message sent out, and what came with messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hubbub.core.models import Brand, BrandAccount, PostRecord
from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS

MAX_ERROR_CHARS = 500


class Health(models.TextChoices):
    IDLE = "idle", "Not polled yet"
    OK = "ok", "Working"
    DEGRADED = "degraded", "Failing, retrying"
    DOWN = "down", "Down"
    DISABLED = "disabled", "Disabled"


class ChannelAccount(models.Model):
    """How hubbub reaches one brand account: its settings, its encrypted credentials, its health."""

    account = models.OneToOneField(BrandAccount, on_delete=models.CASCADE, related_name="channel")
    enabled = models.BooleanField(default=True)
    # Not secret: API base URL, search queries, feed URLs, subreddits, mailbox name.
    settings = models.JSONField(default=dict, blank=True)
    # A Fernet token of a JSON object (channels/secrets.py); never shown back in the UI or admin.
    secrets_encrypted = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=Health.choices, default=Health.IDLE)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=MAX_ERROR_CHARS, blank=True, default="")
    failures = models.PositiveIntegerField(default=0, help_text="Consecutive failed polls.")
    rate_remaining = models.IntegerField(null=True, blank=True)
    rate_reset_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "channel account"

    def __str__(self) -> str:
        return str(self.account)


class Cursor(models.Model):
    """Where a feed of one account was last read (since id, ETag, IMAP UID, firehose cursor)."""

    channel = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="cursors")
    name = models.CharField(max_length=64)
    value = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "name"], name="channels_cursor_unique")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.name}"


class OutboundKind(models.TextChoices):
    REPLY = "reply", "Public reply"
    DIRECT = "direct", "Direct message"
    PRIVATE_REPLY = "private_reply", "Private reply to a public comment"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat message"


class OutboundStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Outbound(models.Model):
    """One message to send; its key makes a retried send a no-op once the network has it."""

    key = models.CharField(max_length=MAX_ID_CHARS, unique=True)
    channel = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="outbound")
    kind = models.CharField(max_length=16, choices=OutboundKind.choices)
    in_reply_to = models.CharField(max_length=MAX_ID_CHARS, blank=True, default="")
    recipient = models.CharField(max_length=MAX_NAME_CHARS, blank=True, default="")
    thread_id = models.CharField(max_length=MAX_ID_CHARS, blank=True, default="")
    subject = models.CharField(max_length=MAX_NAME_CHARS, blank=True, default="")
    text = models.TextField()
    status = models.CharField(max_length=16, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=MAX_ERROR_CHARS, blank=True, default="")
    external_id = models.CharField(max_length=MAX_ID_CHARS, blank=True, default="")
    url = models.URLField(max_length=2_000, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # When a sender took it (a claim older than a few minutes belongs to a crashed sender), and
    # when a failed attempt may be retried (the rate budget's back-off).
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"], name="channels_outbound_status_idx"),
            # The loop guard looks up incoming posts by the ids our sent messages got.
            models.Index(fields=["external_id"], name="channels_outbound_external_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"


class Attachment(models.Model):
    """A file that came with a message: kept outside the web root, served only as a download."""

    network = models.CharField(max_length=16)
    post_external_id = models.CharField(max_length=MAX_ID_CHARS)
    filename = models.CharField(max_length=MAX_NAME_CHARS)  # sanitised; the stored name is the digest
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["network", "post_external_id"], name="channels_attachment_post_idx")]

    def __str__(self) -> str:
        return self.filename


class ChatSession(models.Model):
    """A web-chat visitor's conversation: the widget holds its token, the thread id names it."""

    brand_account = models.ForeignKey(BrandAccount, on_delete=models.CASCADE, related_name="chat_sessions")
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the visitor's token
    thread_id = models.CharField(max_length=MAX_ID_CHARS, unique=True)
    visitor_name = models.CharField(max_length=MAX_NAME_CHARS, blank=True, default="")
    visitor_email = models.EmailField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.thread_id


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be processed"
    DONE = "done", "Processed"
    FAILED = "failed", "Could not be processed"


class WebhookDelivery(models.Model):
    """A verified request a network pushed: kept until processed, its digest for a day against replays."""

    channel = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="deliveries")
    digest = models.CharField(max_length=64, unique=True)  # sha256 of the channel id and the body
    received_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    # The request as the network's parser needs it; emptied once processed (it holds personal data).
    method = models.CharField(max_length=8, default="POST")
    path = models.CharField(max_length=200, default="")
    query = models.JSONField(default=dict)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")
    posts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=MAX_ERROR_CHARS, blank=True, default="")

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["status", "id"], name="channels_delivery_status_idx"),
            models.Index(fields=["received_at"], name="channels_delivery_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.digest[:12]}"


class CallOffer(models.Model):
    """A call offered to an agent: the workplace pops the caller's card for her until the call ends.

    Written by the CTI endpoint with the call's post; `ended_at` is also set when another agent
    answers the call, since the offer then stops being hers.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    call_id = models.CharField(max_length=MAX_ID_CHARS)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_offers")
    # The first post of the call seen for this agent; erasing the caller's posts erases the offer.
    post = models.ForeignKey(PostRecord, on_delete=models.CASCADE, related_name="+")
    offered_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "call_id", "agent"], name="channels_calloffer_unique")
        ]
        indexes = [models.Index(fields=["agent", "offered_at"], name="channels_calloffer_agent_idx")]

    def __str__(self) -> str:
        return f"{self.call_id} to {self.agent_id}"
