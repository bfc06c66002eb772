"""The health page of the brands' connections: thin, one query for every row."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hubbub.channels.queries import accounts_health_for
from hubbub.channels.registry import NETWORKS


@require_GET
def channels_page(request: HttpRequest) -> HttpResponse:
    """Each account of the user's brands: status, last fetch and success, last error, rate budget."""
    accounts = accounts_health_for(request.user, NETWORKS)
    return render(request, "workplace/channels.html", {"accounts": accounts})
