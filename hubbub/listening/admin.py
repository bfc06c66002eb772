"""Back office for topics and the terms that signal them."""

from __future__ import annotations

from django.contrib import admin

from hubbub.listening.models import Topic, TrackedTerm


class TrackedTermInline(admin.TabularInline[TrackedTerm, Topic]):
    model = TrackedTerm
    extra = 3


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name", "brand", "kind"]
    list_filter = ["kind", "brand"]
    list_select_related = ["brand"]
    search_fields = ["name", "terms__term"]
    inlines = [TrackedTermInline]
