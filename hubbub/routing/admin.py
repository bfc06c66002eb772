"""Back office for queues: which topics flow into them and who works them."""

from __future__ import annotations

from django.contrib import admin

from hubbub.routing.models import Queue


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin[Queue]):
    list_display = ["name", "brand", "position", "is_default"]
    list_filter = ["brand", "is_default"]
    list_select_related = ["brand"]
    search_fields = ["name", "brand__name"]
    filter_horizontal = ["topics", "members"]
