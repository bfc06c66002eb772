"""The API's URLs: /api/v1/ with its OpenAPI document at /api/v1/openapi.json (no docs page: no CDN)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from hubbub.api.auth import API_AUTH
from hubbub.api.crm import router as crm_router
from hubbub.api.cti import router as cti_router

api = NinjaAPI(
    title="hubbub API",
    version="1",
    description=(
        "The CRM API (customers, their timelines, merges and data-subject rights) and the CTI API "
        "(call events from a telephone system, answered with the caller's customer card)."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    # django-ninja's docs page loads Swagger UI from a CDN; hubbub serves nothing from one.
    docs_url=None,
)
api.add_router("/customers", crm_router)
api.add_router("/cti", cti_router)


def _without_login_redirect(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    # The API answers 401 in JSON itself; LoginRequiredMiddleware would redirect to the login page.
    if isinstance(pattern, URLPattern):
        pattern.callback = login_not_required(pattern.callback)
    return pattern


app_name = "api"
_patterns, _, _ = api.urls
urlpatterns = [_without_login_redirect(pattern) for pattern in _patterns]
