"""Template filters of the Agent Workplace."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """A short relative time: "5 minutes ago", "just now"."""
    if moment is None:
        return ""
    elapsed = timesince(moment, depth=1)
    return "just now" if elapsed.startswith("0\xa0") else f"{elapsed} ago"


@register.filter
def label(code: str) -> str:
    """A stored code as a person reads it: "service_recovery" -> "Service recovery"."""
    words = str(code).replace("_", " ").strip()
    return words[:1].upper() + words[1:]
