"""Back office for the CRM: customers with everything that decides their tier, and the tier rules.

Every edit that changes what a tier is computed from recomputes it on the spot, so the back office and
the pipeline never disagree about a customer's tier.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from hubbub.core.admin import ReadOnlyAdmin
from hubbub.crm.actions.tiers import recompute_brand_tiers, recompute_tiers
from hubbub.crm.models import (
    Address,
    Customer,
    Erasure,
    Identity,
    Invoice,
    Merge,
    MergeSuggestion,
    Product,
    Purchase,
    TierRule,
)


class IdentityInline(admin.TabularInline[Identity, Customer]):
    model = Identity
    extra = 0
    fields = ["network", "handle", "external_id", "brand", "followers"]


class AddressInline(admin.StackedInline[Address, Customer]):
    model = Address
    extra = 0


class PurchaseInline(admin.TabularInline[Purchase, Customer]):
    model = Purchase
    extra = 0
    autocomplete_fields = ["product"]


class InvoiceInline(admin.TabularInline[Invoice, Customer]):
    model = Invoice
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ["display_name", "brand", "tier", "email", "phone", "created_at"]
    list_filter = ["tier", "brand", "objects_to_profiling"]
    list_select_related = ["brand"]
    search_fields = ["display_name", "email", "phone", "identities__handle", "=identities__external_id"]
    readonly_fields = ["source_key", "created_at", "tier", "tier_explanation", "influence", "merged_into"]
    inlines = [IdentityInline, AddressInline, PurchaseInline, InvoiceInline]
    show_full_result_count = False

    def save_related(
        self, request: HttpRequest, form: ModelForm[Customer], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        recompute_tiers([form.instance.id])


class RecomputesCustomerTier(admin.ModelAdmin[Any]):
    """Purchases and invoices decide tiers: saving or deleting one recomputes its customer's."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        recompute_tiers([obj.customer_id])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        recompute_tiers([obj.customer_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        customer_ids = list(queryset.values_list("customer_id", flat=True))
        super().delete_queryset(request, queryset)
        recompute_tiers(customer_ids)


@admin.register(Purchase)
class PurchaseAdmin(RecomputesCustomerTier):
    list_display = ["order_number", "customer", "product", "purchased_on", "amount", "currency", "status"]
    list_filter = ["status", "product__kind"]
    search_fields = ["order_number", "customer__display_name", "product__sku"]
    autocomplete_fields = ["customer", "product"]


@admin.register(Invoice)
class InvoiceAdmin(RecomputesCustomerTier):
    list_display = ["number", "customer", "issued_on", "due_on", "paid_on", "amount", "currency"]
    search_fields = ["number", "customer__display_name"]
    autocomplete_fields = ["customer"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ["name", "sku", "kind", "brand"]
    list_filter = ["kind", "brand"]
    search_fields = ["name", "sku"]


@admin.register(TierRule)
class TierRuleAdmin(admin.ModelAdmin[TierRule]):
    """The rules that decide tiers; any change recomputes the brand's customers."""

    list_display = [
        "name", "brand", "tier", "position", "min_spend_12m", "min_tenure_days",
        "min_payment_reliability", "min_products", "min_influence",
    ]  # fmt: skip
    list_filter = ["brand", "tier"]

    def save_model(self, request: HttpRequest, obj: TierRule, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        recompute_brand_tiers(obj.brand_id)

    def delete_model(self, request: HttpRequest, obj: TierRule) -> None:
        super().delete_model(request, obj)
        recompute_brand_tiers(obj.brand_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TierRule]) -> None:
        brand_ids = set(queryset.values_list("brand_id", flat=True))
        super().delete_queryset(request, queryset)
        for brand_id in brand_ids:
            recompute_brand_tiers(brand_id)


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin[Identity]):
    list_display = ["__str__", "customer", "brand", "network"]
    list_filter = ["network", "brand"]
    list_select_related = ["customer", "brand"]
    search_fields = ["handle", "=external_id", "customer__display_name"]
    autocomplete_fields = ["customer"]


@admin.register(Merge)
class MergeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "brand", "merged_by", "merged_at", "unmerged_by", "unmerged_at"]
    list_filter = ["brand"]


@admin.register(MergeSuggestion)
class MergeSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "brand", "score", "status", "decided_by", "decided_at"]
    list_filter = ["status", "brand"]


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "brand", "requested_by", "erased_at"]
    list_filter = ["brand"]
