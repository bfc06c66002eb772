"""Back office for brands, their accounts, memberships, and the (read-only) stored posts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hubbub.core.models import Brand, BrandAccount, Membership, PostRecord


class BrandAccountInline(admin.TabularInline[BrandAccount, Brand]):
    model = BrandAccount
    extra = 0


class MembershipInline(admin.TabularInline[Membership, Brand]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin[Brand]):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BrandAccountInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "brand", "role"]
    list_filter = ["role", "brand"]
    list_select_related = ["user", "brand"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "brand__name"]
    autocomplete_fields = ["user", "brand"]


@admin.register(PostRecord)
class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Rows written by the pipeline or by actions (with their own checks): the back office only reads them."""

    def has_add_permission(self, request: HttpRequest) -> bool:  # noqa: ARG002 (Django's signature)
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # noqa: ARG002
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # noqa: ARG002
        return False


class PostRecordAdmin(ReadOnlyAdmin):
    """Posts are written by the pipeline only; the back office may look, not touch."""

    list_display = [
        "id",
        "network",
        "author_handle",
        "excerpt",
        "brand",
        "sentiment",
        "priority",
        "created_at",
    ]
    list_display_links = ["id", "excerpt"]
    list_filter = ["network", "is_inbound", "sentiment", "language", "brand"]
    list_select_related = ["brand"]
    search_fields = ["=external_id", "author_handle", "author_name", "text"]
    ordering = ["-id"]
    # Counting a table of millions of posts on every page is slower than the page itself.
    show_full_result_count = False

    @admin.display(description="text")
    def excerpt(self, post: PostRecord) -> str:
        return post.text if len(post.text) <= 80 else f"{post.text[:79]}…"
