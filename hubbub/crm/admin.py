"""Back office for customers and their identities."""

from __future__ import annotations

from django.contrib import admin

from hubbub.crm.models import Customer, Identity


class IdentityInline(admin.TabularInline[Identity, Customer]):
    model = Identity
    extra = 0
    fields = ["network", "handle", "external_id", "brand"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ["display_name", "brand", "tier", "email", "phone", "created_at"]
    list_filter = ["tier", "brand"]
    list_select_related = ["brand"]
    search_fields = ["display_name", "email", "phone", "identities__handle", "=identities__external_id"]
    readonly_fields = ["source_key", "created_at"]
    inlines = [IdentityInline]
    show_full_result_count = False


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin[Identity]):
    list_display = ["__str__", "customer", "brand", "network"]
    list_filter = ["network", "brand"]
    list_select_related = ["customer", "brand"]
    search_fields = ["handle", "=external_id", "customer__display_name"]
    autocomplete_fields = ["customer"]
