"""The inbox page: order, what each row shows, escaping, and its query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubbub.core.models import PostRecord
from hubbub.crm.models import Tier
from hubbub.crm.tests.factories import CustomerFactory
from hubbub.routing.models import Queue
from hubbub.workplace.queries import INBOX_LIMIT
from hubbub.workplace.tests.conftest import HOSTILE_TEXT, MakePost

pytestmark = pytest.mark.django_db


def _inbox(client: Client, user: Any) -> Any:
    client.force_login(user)
    response = client.get(reverse("workplace:inbox"))
    assert response.status_code == 200
    return response


def test_the_inbox_lists_posts_by_priority_then_newest_first(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    low = make_post(queue_a, priority=5)
    high = make_post(queue_a, priority=40)
    newer_low = make_post(queue_a, priority=5)

    response = _inbox(client, alice)

    assert [item.post.id for item in response.context["inbox"].items] == [high.id, newer_low.id, low.id]
    assert response.context["inbox"].latest_id == newer_low.id


def test_the_inbox_lists_only_inbound_posts(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    inbound = make_post(queue_a)
    make_post(queue_a, is_inbound=False)

    response = _inbox(client, alice)

    assert [item.post.id for item in response.context["inbox"].items] == [inbound.id]


def test_the_inbox_shows_at_most_its_limit_of_posts(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    posts = [make_post(queue_a) for _ in range(INBOX_LIMIT + 2)]

    response = _inbox(client, alice)

    shown = [item.post.id for item in response.context["inbox"].items]
    assert shown == [post.id for post in reversed(posts)][:INBOX_LIMIT]
    assert response.context["inbox"].latest_id == posts[-1].id


def test_a_row_shows_author_network_badges_terms_queue_and_why_of_the_priority(
    client: Client, alice: Any, brand_a: Any, queue_a: Queue, make_post: MakePost
) -> None:
    customer = CustomerFactory(brand=brand_a, display_name="Dana Customer", tier=Tier.GOLD)
    post = make_post(
        queue_a,
        author_name="Dana C.",
        author_handle="dana",
        sentiment="negative",
        sentiment_score=-0.62,
        matched_terms=["battery", "#acmefail"],
        customer_id=customer.id,
        priority=40,
        priority_parts=[
            {"label": "gold customer", "points": 20},
            {"label": "strongly negative", "points": 20},
        ],
    )

    text = _inbox(client, alice).text

    assert f'href="/posts/{post.id}/"' in text
    assert "Dana C." in text
    assert "@dana" in text
    assert '<span class="network network--twitter">X / Twitter</span>' in text
    assert '<span class="badge tier tier--gold" title="Customer tier">Gold</span>' in text
    assert (
        '<span class="badge sentiment sentiment--negative signal" tabindex="0" '
        'title="Sentiment score -0.62 (from -1, negative, to +1, positive)">Negative</span>'
    ) in text
    assert '<span class="chip" title="Matched term">battery</span>' in text
    assert '<span class="chip" title="Matched term">#acmefail</span>' in text
    assert '<span class="queue-name" title="Queue">General</span>' in text
    assert '<span class="tooltip__part">gold customer <b>+20</b></span>' in text
    assert '<span class="tooltip__part">strongly negative <b>+20</b></span>' in text


def test_a_row_flags_a_call_for_help_and_the_suggested_response_with_its_reason(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    make_post(
        queue_a,
        call_for_help=True,
        decision="service_recovery",
        analysis_why={"reasons": {"decision": "unhappy customer (complaint): fix the problem"}},
    )
    make_post(queue_a, decision="none")

    text = _inbox(client, alice).content.decode()

    assert (
        text.count('title="A hidden call for help: read it before anything else">Call for help</span>') == 1
    )
    assert (
        text.count(
            '<span class="chip chip--decision signal" tabindex="0" '
            'title="Suggested response: unhappy customer (complaint): fix the problem">'
            "Service recovery</span>"
        )
        == 1
    )
    assert text.count('title="Suggested response') == 1


def test_a_row_shows_each_analysis_judgement_with_why_on_hover_and_focus(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    make_post(
        queue_a,
        language="es",
        emotion="anger",
        intent="complaint",
        virality_risk=52,
        urgency=81,
        analysis_why={
            "reasons": {"intent": "cue: 'no funciona'"},
            "virality": [
                {"label": "reach: 20,000 followers", "points": 32},
                {"label": "angry tone", "points": 20},
            ],
            "urgency": [
                {"label": "virality risk 52", "points": 41},
                {"label": "call for help", "points": 40},
            ],
        },
    )

    text = _inbox(client, alice).text

    assert (
        '<span class="chip signal" tabindex="0" title="Intent: cue: &#x27;no funciona&#x27;">Complaint</span>'
        in text
    )
    assert '<span class="chip signal" tabindex="0" title="Emotion read in the wording">Anger</span>' in text
    assert (
        '<span class="chip signal signal--medium" tabindex="0" title="Virality risk 52 of 100: '
        'reach: 20,000 followers +32 · angry tone +20">Virality 52</span>'
    ) in text
    assert (
        '<span class="chip signal signal--high" tabindex="0" title="Urgency 81 of 100: '
        'virality risk 52 +41 · call for help +40">Urgency 81</span>'
    ) in text
    assert '<span class="chip signal" tabindex="0" title="Language of the post (detected)">ES</span>' in text


def test_a_row_without_analysis_shows_no_empty_judgements(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    make_post(
        queue_a, language="", emotion="none", intent="other", virality_risk=0, urgency=0, analysis_why=[]
    )

    text = _inbox(client, alice).text

    for absent in (
        "Intent",
        "Emotion read",
        "Virality",
        "Urgency",
        "Language of the post",
        "Suggested response",
    ):
        assert absent not in text


def test_a_row_names_the_class_and_rating_of_the_source_it_was_published_on(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    make_post(queue_a, source="rants.example.com", source_class="rant", source_rating=4)
    make_post(queue_a, source='"><script>x</script>', source_class="fan", source_rating=2)

    text = _inbox(client, alice).text

    assert (
        '<span class="badge signal source source--rant" tabindex="0" '
        'title="Published on rants.example.com: rant source rated 4 of 5">Rant source</span>'
    ) in text
    assert 'title="Published on &quot;&gt;&lt;script&gt;x&lt;/script&gt;: fan source rated 2 of 5"' in text
    assert "<script>x</script>" not in text


def test_a_customer_of_another_brand_is_never_shown_on_a_row(
    alice: Any, brand_b: Any, queue_a: Queue, make_post: MakePost, client: Client
) -> None:
    stranger = CustomerFactory(brand=brand_b, display_name="Globex VIP", tier=Tier.PLATINUM)
    make_post(queue_a, customer_id=stranger.id)

    response = _inbox(client, alice)

    assert response.context["inbox"].items[0].customer is None
    assert "Platinum" not in response.text


def test_hostile_text_in_a_post_is_escaped_in_the_inbox(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    make_post(
        queue_a, text=HOSTILE_TEXT, author_name=HOSTILE_TEXT, author_handle='"><b>x', matched_terms=["<i>t"]
    )

    text = _inbox(client, alice).text

    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text
    assert '"><b>x' not in text
    assert "<i>t" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in text


def test_the_inbox_issues_the_same_queries_for_one_post_and_for_fifty(
    client: Client, alice: Any, brand_a: Any, queue_a: Queue, make_post: MakePost
) -> None:
    client.force_login(alice)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("workplace:inbox"))
        assert response.status_code == 200
        return len(queries)

    def make_analysed_post() -> None:
        make_post(
            queue_a,
            customer_id=CustomerFactory(brand=brand_a).id,
            intent="complaint",
            virality_risk=40,
            urgency=70,
            source_class="rant",
            source_rating=4,
            analysis_why={"reasons": {"intent": "cue"}, "virality": [{"label": "reach", "points": 40}]},
        )

    make_analysed_post()
    with_one = count_queries()
    for _ in range(49):
        make_analysed_post()
    with_fifty = count_queries()

    assert PostRecord.objects.count() == 50
    # session, user, visible queues, posts, newest id, customers
    assert with_one == with_fifty == 6


def test_an_empty_inbox_says_that_nothing_is_waiting(client: Client, charlie: Any) -> None:
    response = _inbox(client, charlie)

    assert response.context["inbox"].items == []
    assert "Nothing waiting." in response.text
    assert response.context["inbox"].latest_id == 0
