"""Customers and their identities across networks and channels."""

from __future__ import annotations

from django.db import models

from hubbub.core.models import Brand
from hubbub.core.networks import Network
from hubbub.core.posts import MAX_ID_CHARS, MAX_NAME_CHARS


class Tier(models.TextChoices):
    PLATINUM = "platinum", "Platinum"
    GOLD = "gold", "Gold"
    SILVER = "silver", "Silver"
    BRONZE = "bronze", "Bronze"


class Customer(models.Model):
    """A person the brand serves, known by one or more identities."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="customers")
    display_name = models.CharField(max_length=MAX_NAME_CHARS)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.BRONZE)
    # The identity this customer was first created from ("brand:network:external id"). Unique, so that
    # concurrent pipeline workers creating customers for the same new author end with one customer.
    source_key = models.CharField(max_length=MAX_ID_CHARS + 40, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class Identity(models.Model):
    """A customer's account on one network or channel (a handle, an email address, a phone number)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=16, choices=Network.choices)
    external_id = models.CharField(max_length=MAX_ID_CHARS)
    handle = models.CharField(max_length=MAX_NAME_CHARS, blank=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "network", "external_id"], name="crm_identity_unique_per_brand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network}:{self.handle or self.external_id}"
