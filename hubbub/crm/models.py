"""The customer 360: people, their identities across channels, what they bought and paid, and their tier.

Merging never moves rows: a merged customer points at its survivor (`merged_into`), its identities and
posts stay where they are, and the customer page shows the whole group. Unmerging clears the link,
so a merge followed by an unmerge restores every timeline exactly.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from hubbub.core.models import Brand
from hubbub.core.networks import Network
from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS
from hubbub.core.text import fold

# Database-side defaults let the hot path's bulk SQL insert customers naming only the columns it knows.
EMPTY_JSON = models.Value({}, output_field=models.JSONField())


class Tier(models.TextChoices):
    PLATINUM = "platinum", "Platinum"
    GOLD = "gold", "Gold"
    SILVER = "silver", "Silver"
    BRONZE = "bronze", "Bronze"


class Customer(models.Model):
    """A person the brand serves, known by one or more identities."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="customers")
    display_name = models.CharField(max_length=MAX_NAME_CHARS)
    # The folded display name (`hubbub.core.text.fold`), kept by save() and the hot path's inserts,
    # so that search compares in SQL without folding every row in Python.
    search_name = models.CharField(max_length=MAX_NAME_CHARS, db_default="", editable=False)
    email = models.EmailField(blank=True, db_default="")
    phone = models.CharField(max_length=32, blank=True, db_default="", help_text="E.164, e.g. +4930123456.")
    language = models.CharField(max_length=8, blank=True, db_default="")
    customer_since = models.DateField(null=True, blank=True, help_text="Start of the relationship (tenure).")
    loyalty_level = models.CharField(
        max_length=40, blank=True, db_default="", help_text="Level in the loyalty programme."
    )
    billing_account = models.CharField(max_length=64, blank=True, db_default="")
    tax_id = models.CharField(max_length=32, blank=True, db_default="")
    payment_method = models.CharField(max_length=40, blank=True, db_default="")
    attributes = models.JSONField(
        default=dict, db_default=EMPTY_JSON, blank=True, help_text="Custom attributes."
    )
    marketing_consent = models.BooleanField(default=False, db_default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # GDPR Art. 21: an objecting customer is left out of influence scoring and profiling.
    objects_to_profiling = models.BooleanField(default=False, db_default=False)
    objection_recorded_at = models.DateTimeField(null=True, blank=True)
    influence = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Social influence, 1-10.")
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.BRONZE, db_default=Tier.BRONZE)
    tier_explanation = models.JSONField(default=dict, db_default=EMPTY_JSON, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_customers"
    )
    # The identity this customer was first created from ("brand:network:external id"). Unique, so that
    # concurrent pipeline workers creating customers for the same new author end with one customer.
    source_key = models.CharField(max_length=MAX_ID_CHARS + 40, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["brand", "display_name"], name="crm_customer_name_idx"),
            models.Index(fields=["brand", "search_name"], name="crm_customer_search_idx"),
            models.Index(fields=["brand", "email"], name="crm_customer_email_idx"),
            models.Index(fields=["brand", "phone"], name="crm_customer_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(self.display_name)[:MAX_NAME_CHARS]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


class Identity(models.Model):
    """A customer's account on one network or channel: a handle, an email address, a phone number."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16, choices=Network.choices)
    external_id = models.CharField(
        max_length=MAX_ID_CHARS, help_text="The network's id, an address or a number."
    )
    handle = models.CharField(max_length=MAX_NAME_CHARS, blank=True)
    followers = models.PositiveIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "network", "external_id"], name="crm_identity_unique_per_brand"
            ),
        ]
        indexes = [models.Index(fields=["brand", "handle"], name="crm_identity_handle_idx")]

    def __str__(self) -> str:
        return f"{self.network}:{self.handle or self.external_id}"


class AddressKind(models.TextChoices):
    BILLING = "billing", "Billing"
    SHIPPING = "shipping", "Shipping"
    HOME = "home", "Home"


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=16, choices=AddressKind.choices, default=AddressKind.BILLING)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.line1}, {self.city}"


class Note(models.Model):
    """A note an agent wrote about the customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class ProductKind(models.TextChoices):
    PRODUCT = "product", "Product"
    SERVICE = "service", "Service"
    SUBSCRIPTION = "subscription", "Subscription"


class Product(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ProductKind.choices, default=ProductKind.PRODUCT)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "sku"], name="crm_product_unique_sku")]

    def __str__(self) -> str:
        return self.name


class PurchaseStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CANCELLED = "cancelled", "Cancelled"
    RETURNED = "returned", "Returned"


class Purchase(models.Model):
    """A product bought or a service or subscription held (until `ends_on`)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="purchases")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="purchases")
    order_number = models.CharField(max_length=64)
    purchased_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    status = models.CharField(max_length=16, choices=PurchaseStatus.choices, default=PurchaseStatus.ACTIVE)

    class Meta:
        ordering = ["-purchased_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "order_number", "product"], name="crm_purchase_unique"
            ),
        ]
        indexes = [models.Index(fields=["order_number"], name="crm_purchase_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_number}: {self.product}"


class Invoice(models.Model):
    """An invoice and when it was paid; payment reliability is derived from these."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(max_length=64)
    issued_on = models.DateField()
    due_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["customer", "number"], name="crm_invoice_unique")]

    def __str__(self) -> str:
        return self.number


class InteractionKind(models.TextChoices):
    MESSAGE = "message", "Private message"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    CALL = "call", "Call"
    CASE = "case", "Case"
    SURVEY = "survey", "Survey"


class Interaction(models.Model):
    """A touch with the customer that is not a stored post (calls, cases, surveys, …), for the timeline."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="interactions")
    kind = models.CharField(max_length=16, choices=InteractionKind.choices)
    channel = models.CharField(max_length=16, choices=Network.choices)
    occurred_at = models.DateTimeField()
    is_inbound = models.BooleanField(default=True)
    summary = models.CharField(max_length=500)
    reference = models.CharField(max_length=64, blank=True, help_text="Where it lives, e.g. case:42.")

    class Meta:
        indexes = [models.Index(fields=["customer", "occurred_at"], name="crm_interaction_time_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"


class TierRule(models.Model):
    """Customers meeting every threshold set on the rule get its tier; higher tiers are tried first."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="tier_rules")
    name = models.CharField(max_length=100)
    tier = models.CharField(max_length=16, choices=Tier.choices)
    position = models.PositiveIntegerField(
        default=0, help_text="Within a tier, lower positions are tried first."
    )
    min_spend_12m = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    min_tenure_days = models.PositiveIntegerField(null=True, blank=True)
    min_payment_reliability = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="0 to 1: share of invoices paid on time.",
    )
    min_products = models.PositiveIntegerField(
        null=True, blank=True, help_text="Active products or services."
    )
    min_influence = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 10.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="crm_tier_rule_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} → {self.tier}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class MergeSuggestion(models.Model):
    """Two customers who may be the same person, with the evidence; a supervisor decides."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    score = models.FloatField()
    status = models.CharField(
        max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "candidate"], name="crm_suggestion_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} ~ {self.candidate_id} ({self.score:.2f})"


class Merge(models.Model):
    """The audit trail of one merge (and its undoing)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    survivor = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    merged = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    suggestion = models.ForeignKey(MergeSuggestion, on_delete=models.SET_NULL, null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField()
    # Profile fields the merge copied onto the survivor (field -> value before), so unmerge restores them.
    filled_fields = models.JSONField(default=dict)
    # Customers that were merged into `merged` and now point at the survivor instead (no chains form);
    # unmerge points them back.
    repointed = models.JSONField(default=list)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class Erasure(models.Model):
    """The record that a customer was erased (GDPR Art. 17): counts only, nothing that identifies them."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    customer_number = models.BigIntegerField(help_text="The erased customer's former id.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    erased_at = models.DateTimeField()
    removed = models.JSONField(default=dict, help_text="Rows removed per store.")

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"customer #{self.customer_number} erased {self.erased_at:%Y-%m-%d}"
