"""The Manager Workplace's listening pages: topics and sources of a brand, for its supervisors and admins.

Thin views: check access, validate a form, call one action, render. Changes reach the pipeline at
its next configuration reload, within 5 seconds.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubbub.listening.actions import (
    ListeningRefusedError,
    delete_source,
    delete_topic,
    save_source,
    save_topic,
)
from hubbub.listening.forms import SourceForm, TopicForm
from hubbub.listening.models import Source, Topic
from hubbub.listening.queries import (
    listening_overview,
    source_of_brand_or_404,
    supervised_brand_or_error,
    supervised_brands,
    topic_of_brand_or_404,
)


@require_GET
def listening(request: HttpRequest) -> HttpResponse:
    """The listening page of the first brand the user supervises."""
    brands = supervised_brands(request.user)
    if not brands:
        raise PermissionDenied("Only supervisors and administrators configure listening.")
    return redirect("workplace:listening_brand", brands[0].slug)


@require_GET
def listening_brand(request: HttpRequest, slug: str) -> HttpResponse:
    """A brand's topics (terms, exclusions, languages) and sources (class, rating, what they match)."""
    brand = supervised_brand_or_error(request.user, slug)
    return render(request, "workplace/listening.html", {"overview": listening_overview(request.user, brand)})


@require_http_methods(["GET", "POST"])
def listening_topic(request: HttpRequest, slug: str, topic_id: int | None = None) -> HttpResponse:
    """Add a topic, or change one."""
    brand = supervised_brand_or_error(request.user, slug)
    topic = topic_of_brand_or_404(brand, topic_id) if topic_id is not None else Topic(brand=brand)
    form = TopicForm(request.POST or None, brand=brand, topic=topic if topic.pk else None)
    if request.method == "POST" and form.is_valid():
        try:
            save_topic(topic, form.topic_input())
        except ListeningRefusedError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Topic “{topic.name}” saved. Listening uses it within 5 seconds.")
            return redirect("workplace:listening_brand", brand.slug)
    return render(request, "workplace/listening_topic.html", {"brand": brand, "topic": topic, "form": form})


@require_POST
def listening_topic_delete(request: HttpRequest, slug: str, topic_id: int) -> HttpResponse:
    """Delete a topic with its terms and exclusions."""
    brand = supervised_brand_or_error(request.user, slug)
    topic = topic_of_brand_or_404(brand, topic_id)
    delete_topic(topic)
    messages.success(request, f"Topic “{topic.name}” deleted.")
    return redirect("workplace:listening_brand", brand.slug)


@require_http_methods(["GET", "POST"])
def listening_source(request: HttpRequest, slug: str, source_id: int | None = None) -> HttpResponse:
    """Add a source, or change one."""
    brand = supervised_brand_or_error(request.user, slug)
    source = source_of_brand_or_404(brand, source_id) if source_id is not None else Source(brand=brand)
    form = SourceForm(request.POST or None, brand=brand, source=source if source.pk else None)
    if request.method == "POST" and form.is_valid():
        try:
            save_source(source, form.source_input())
        except ListeningRefusedError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Source “{source.name}” saved. Listening uses it within 5 seconds.")
            return redirect("workplace:listening_brand", brand.slug)
    return render(
        request, "workplace/listening_source.html", {"brand": brand, "source": source, "form": form}
    )


@require_POST
def listening_source_delete(request: HttpRequest, slug: str, source_id: int) -> HttpResponse:
    """Delete a source."""
    brand = supervised_brand_or_error(request.user, slug)
    source = source_of_brand_or_404(brand, source_id)
    delete_source(source)
    messages.success(request, f"Source “{source.name}” deleted.")
    return redirect("workplace:listening_brand", brand.slug)
