"""Who sees what: every page needs a login, and brands and queues bound what a person sees."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hubbub.core.models import Membership, Role
from hubbub.core.tests.factories import UserFactory
from hubbub.routing.models import Queue
from hubbub.workplace.queries import inbox_for, visible_queues
from hubbub.workplace.tests.conftest import MakePost

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("workplace:inbox"),
        reverse("workplace:post", args=[1]),
        reverse("workplace:inbox_events"),
    ],
)
def test_every_workplace_page_redirects_an_anonymous_visitor_to_the_login_page(
    client: Client, url: str
) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_alice_sees_the_posts_of_the_queue_she_works(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    post = make_post(queue_a, author_name="Dana Customer")
    client.force_login(alice)

    response = client.get(reverse("workplace:inbox"))

    assert response.status_code == 200
    assert [item.post.id for item in response.context["inbox"].items] == [post.id]
    assert f'data-post-id="{post.id}"' in response.text


def test_an_agent_does_not_see_a_queue_of_her_brand_that_she_does_not_work(
    alice: Any, queue_a: Queue, billing_a: Queue, make_post: MakePost
) -> None:
    mine = make_post(queue_a)
    make_post(billing_a)

    inbox = inbox_for(alice)

    assert [item.post.id for item in inbox.items] == [mine.id]
    assert inbox.latest_id == mine.id
    assert [queue.name for queue in inbox.queues] == ["General"]


def test_a_supervisor_sees_every_queue_of_the_brand(
    bob: Any, queue_a: Queue, billing_a: Queue, make_post: MakePost
) -> None:
    general = make_post(queue_a)
    billing = make_post(billing_a)

    inbox = inbox_for(bob)

    assert [item.post.id for item in inbox.items] == [billing.id, general.id]
    assert sorted(queue.name for queue in inbox.queues) == ["Billing", "General"]


def test_charlie_sees_nothing_of_brand_a_in_his_inbox(
    client: Client, charlie: Any, queue_a: Queue, queue_b: Queue, make_post: MakePost
) -> None:
    make_post(queue_a, text="Acme secret")
    his = make_post(queue_b, text="Globex question")
    client.force_login(charlie)

    response = client.get(reverse("workplace:inbox"))

    assert [item.post.id for item in response.context["inbox"].items] == [his.id]
    assert "Acme" not in response.text
    assert "Globex question" in response.text


def test_agent_of_another_brand_gets_404_for_a_post(
    client: Client, charlie: Any, queue_a: Queue, make_post: MakePost
) -> None:
    post = make_post(queue_a)
    client.force_login(charlie)

    response = client.get(reverse("workplace:post", args=[post.id]))

    assert response.status_code == 404


def test_an_agent_gets_404_for_a_post_of_a_queue_she_does_not_work(
    client: Client, alice: Any, billing_a: Queue, make_post: MakePost
) -> None:
    post = make_post(billing_a)
    client.force_login(alice)

    assert client.get(reverse("workplace:post", args=[post.id])).status_code == 404


def test_a_post_that_does_not_exist_answers_404_like_a_hidden_one(client: Client, alice: Any) -> None:
    client.force_login(alice)

    assert client.get(reverse("workplace:post", args=[999_999])).status_code == 404


def test_queue_membership_without_a_brand_membership_shows_nothing(
    queue_a: Queue, make_post: MakePost
) -> None:
    outsider = UserFactory(username="mallory")
    queue_a.members.add(outsider)
    make_post(queue_a)

    assert list(visible_queues(outsider)) == []
    assert inbox_for(outsider).items == []


def test_an_administrator_of_a_brand_sees_its_queues_like_a_supervisor(
    brand_a: Any, queue_a: Queue, billing_a: Queue
) -> None:
    admin = UserFactory(username="ada")
    Membership.objects.create(user=admin, brand=brand_a, role=Role.ADMIN)

    assert sorted(queue.name for queue in visible_queues(admin)) == ["Billing", "General"]


def test_a_superuser_without_memberships_sees_no_posts_in_the_workplace(
    queue_a: Queue, make_post: MakePost
) -> None:
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    make_post(queue_a)

    assert inbox_for(root).items == []
