"""Brands, their accounts on each network, who works for which brand, and every stored post."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hubbub.core.networks import Network, PostKind
from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS, MAX_URL_CHARS


class Brand(models.Model):
    """A brand whose customers the desk serves; the unit of access control."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=MAX_NAME_CHARS)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BrandAccount(models.Model):
    """One of a brand's own accounts on a network; posts addressed to it belong to the brand."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="accounts")
    network = models.CharField(max_length=16, choices=Network.choices)
    handle = models.CharField(max_length=MAX_NAME_CHARS, help_text="Without the leading @.")
    external_id = models.CharField(max_length=MAX_ID_CHARS, blank=True)

    class Meta:
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["network", "handle"], name="core_account_unique_handle"),
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()} @{self.handle}"


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMIN = "admin", "Administrator"


class Membership(models.Model):
    """A person working for a brand in a role; without one, a person sees nothing of the brand."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="core_membership_unique_user_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.brand})"


class PostRecord(models.Model):
    """A stored post. The pipeline writes this table with bulk SQL (`hubbub.pipeline.store`)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="posts")
    network = models.CharField(max_length=16, choices=Network.choices)
    external_id = models.CharField(max_length=MAX_ID_CHARS)
    author_id = models.CharField(max_length=MAX_ID_CHARS)
    author_handle = models.CharField(max_length=MAX_NAME_CHARS, blank=True)
    author_name = models.CharField(max_length=MAX_NAME_CHARS, blank=True)
    author_followers = models.PositiveIntegerField(default=0)
    text = models.TextField()
    created_at = models.DateTimeField()
    received_at = models.DateTimeField()
    in_reply_to_id = models.CharField(max_length=MAX_ID_CHARS, blank=True)
    is_inbound = models.BooleanField(default=True)
    kind = models.CharField(max_length=16, choices=PostKind.choices, default=PostKind.POST, db_default="post")
    thread_id = models.CharField(max_length=MAX_ID_CHARS, blank=True, db_default="")
    account_id = models.BigIntegerField(null=True, blank=True)
    url = models.URLField(max_length=MAX_URL_CHARS, blank=True, db_default="")
    source = models.CharField(max_length=MAX_NAME_CHARS, blank=True, db_default="")
    source_class = models.CharField(max_length=16, blank=True, db_default="")
    source_rating = models.PositiveSmallIntegerField(default=0, db_default=0)
    matched_terms = models.JSONField(default=list)
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=8, blank=True)
    sentiment_score = models.FloatField(default=0.0)
    emotion = models.CharField(max_length=16, blank=True, db_default="")
    intent = models.CharField(max_length=24, blank=True, db_default="")
    decision = models.CharField(max_length=24, blank=True, db_default="")
    call_for_help = models.BooleanField(default=False, db_default=False)
    virality_risk = models.PositiveSmallIntegerField(default=0, db_default=0)
    urgency = models.PositiveSmallIntegerField(default=0, db_default=0)
    # Why the analysis decided as it did: reasons for intent and decision, virality and urgency parts.
    analysis_why = models.JSONField(default=dict, blank=True)
    # Plain integer columns, not foreign keys: core sits below crm and routing, and the hot path
    # writes these rows with bulk SQL. The apps that own customers and queues join on them.
    customer_id = models.BigIntegerField(null=True, blank=True)
    queue_id = models.BigIntegerField(null=True, blank=True)
    priority = models.IntegerField(default=0)
    priority_parts = models.JSONField(default=list)

    class Meta:
        verbose_name = "post"
        constraints = [
            models.UniqueConstraint(fields=["network", "external_id"], name="core_post_unique_source_id"),
        ]
        indexes = [
            # The inbox: open posts of a queue, newest arrivals read by id.
            models.Index(fields=["queue_id", "id"], name="core_post_queue_idx"),
            # A customer's history.
            models.Index(fields=["customer_id", "created_at"], name="core_post_customer_idx"),
            # A conversation (email thread, chat session, comment thread) read in order.
            models.Index(fields=["network", "thread_id", "created_at"], name="core_post_thread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.network}:{self.external_id}"
