"""Back office for the brands' connections: settings, write-only credentials, health, sent messages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from hubbub.channels.actions import poll_soon
from hubbub.channels.models import ChannelAccount, Outbound
from hubbub.channels.secrets import SecretsError, encrypt_secrets, secret_names, store_secrets
from hubbub.core.admin import ReadOnlyAdmin

HEALTH_FIELDS = (
    "status",
    "last_poll_at",
    "last_success_at",
    "last_error_at",
    "last_error",
    "failures",
    "rate_remaining",
    "rate_reset_at",
    "next_poll_at",
)


class WriteOnlyTextarea(forms.Textarea):
    """A textarea that never renders a value: what was typed is not sent back to the browser."""

    def format_value(self, value: Any) -> str | None:  # noqa: ARG002 (Django's signature)
        return None


class ChannelAccountForm(forms.ModelForm[ChannelAccount]):
    new_secrets = forms.CharField(
        label="Replace credentials",
        required=False,
        widget=WriteOnlyTextarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        help_text='A JSON object of every credential, e.g. {"access_token": "…"}. Leave blank to keep '
        "the current ones; they are stored encrypted and never shown again.",
    )
    clear_secrets = forms.BooleanField(label="Remove all credentials", required=False)

    class Meta:
        model = ChannelAccount
        fields = ["account", "enabled", "settings"]

    def clean_new_secrets(self) -> dict[str, str] | None:
        raw = self.cleaned_data.get("new_secrets", "").strip()
        if not raw:
            return None
        try:
            values = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("Not valid JSON.") from None
        if not isinstance(values, dict):
            raise forms.ValidationError('A JSON object, like {"name": "value"}.')
        try:
            encrypt_secrets(values)  # the same checks as storing, without storing
        except SecretsError as error:
            raise forms.ValidationError(str(error)) from None
        return values


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin[ChannelAccount]):
    form = ChannelAccountForm
    list_display = ["account", "brand", "enabled", "status", "last_success_at", "failures", "last_error"]
    list_filter = ["status", "enabled", "account__network"]
    list_select_related = ["account__brand"]
    search_fields = ["account__handle", "account__brand__name"]
    readonly_fields = ["credentials_set", *HEALTH_FIELDS]
    fieldsets = [
        (None, {"fields": ["account", "enabled", "settings"]}),
        ("Credentials", {"fields": ["credentials_set", "new_secrets", "clear_secrets"]}),
        ("Health", {"fields": list(HEALTH_FIELDS)}),
    ]

    @admin.display(description="brand")
    def brand(self, channel: ChannelAccount) -> str:
        return channel.account.brand.name

    @admin.display(description="credentials set")
    def credentials_set(self, channel: ChannelAccount) -> str:
        """The names of the stored credentials, never their values."""
        if not channel.pk or not channel.secrets_encrypted:
            return "none"
        try:
            return ", ".join(secret_names(channel)) or "none"
        except SecretsError:
            return "stored, but the configured keys cannot decrypt them"

    @method_decorator(sensitive_post_parameters("new_secrets"))
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: ChannelAccount, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        new_secrets = form.cleaned_data.get("new_secrets")
        if form.cleaned_data.get("clear_secrets"):
            store_secrets(obj, {})
        elif new_secrets is not None:
            store_secrets(obj, new_secrets)
        poll_soon(obj)


@admin.register(Outbound)
class OutboundAdmin(ReadOnlyAdmin):
    """Messages are queued by agents and sent by the runner; the back office only looks."""

    list_display = ["id", "kind", "channel", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    list_select_related = ["channel__account"]
    search_fields = ["=key", "=external_id", "=in_reply_to"]
    ordering = ["-id"]
    exclude = ["claimed_at"]
