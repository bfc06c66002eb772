"""Back office for topics (terms, exclusions, languages) and the sources posts are published on."""

from __future__ import annotations

from django.contrib import admin

from hubbub.listening.models import Exclusion, Source, Topic, TrackedTerm


class TrackedTermInline(admin.TabularInline[TrackedTerm, Topic]):
    model = TrackedTerm
    extra = 3


class ExclusionInline(admin.TabularInline[Exclusion, Topic]):
    model = Exclusion
    extra = 1
    verbose_name = "exclusion (voids the topic's match in a post)"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name", "brand", "kind", "languages"]
    list_filter = ["kind", "brand"]
    list_select_related = ["brand"]
    search_fields = ["name", "terms__term"]
    inlines = [TrackedTermInline, ExclusionInline]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    list_display = ["name", "brand", "source_class", "rating", "match", "pattern", "network", "enabled"]
    list_filter = ["source_class", "match", "enabled", "brand"]
    list_select_related = ["brand"]
    search_fields = ["name", "pattern"]
