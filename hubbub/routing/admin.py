"""Back office for queues: which topics and source classes flow into them and who works them."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from hubbub.listening.models import SourceClass
from hubbub.routing.models import Queue


class QueueAdminForm(forms.ModelForm[Queue]):
    # Ticked boxes instead of the JSON text box a list field would get.
    source_classes = forms.MultipleChoiceField(
        choices=SourceClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Queue._meta.get_field("source_classes").help_text,
    )

    class Meta:
        model = Queue
        fields = ["brand", "name", "position", "is_default", "topics", "source_classes", "members"]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin[Queue]):
    form = QueueAdminForm
    list_display = ["name", "brand", "position", "is_default", "source_classes"]
    list_filter = ["brand", "is_default"]
    list_select_related = ["brand"]
    search_fields = ["name", "brand__name"]
    filter_horizontal = ["topics", "members"]
