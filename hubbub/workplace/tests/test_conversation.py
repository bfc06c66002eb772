"""The conversation page: a post's thread, live updates, and replies that are sent exactly once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client
from django.urls import reverse
from pytest_django import Settings

from hubbub.channels.models import Outbound, OutboundStatus
from hubbub.channels.networks.chat.connector import SPEC
from hubbub.channels.networks.chat.queries import events_after
from hubbub.channels.networks.chat.tests.factories import make_chat_account, open_chat
from hubbub.channels.registry import NETWORKS
from hubbub.core.models import Brand, BrandAccount, PostRecord
from hubbub.core.networks import Network
from hubbub.core.tests.factories import PostRecordFactory
from hubbub.routing.models import Queue
from hubbub.workplace.tests.conftest import HOSTILE_TEXT, MakePost

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
FORM_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _chat_is_a_network(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setitem(NETWORKS, Network.CHAT, SPEC)
    settings.HUBBUB_LIVE_POLL_SECONDS = 0.01
    settings.HUBBUB_LIVE_STREAM_SECONDS = 0


@pytest.fixture
def chat_a(brand_a: Brand) -> BrandAccount:
    return make_chat_account(brand_a)


def _chat_message(
    make_post: MakePost, queue: Queue, account: BrandAccount, thread: str, n: int, **fields: Any
) -> Any:
    values: dict[str, Any] = {
        "network": Network.CHAT,
        "kind": "chat",
        "thread_id": thread,
        "account_id": account.id,
        "external_id": f"{thread}:m{n}",
        "author_id": f"chat:{thread}",
        "author_handle": "",
        "author_name": "Dana Visitor",
        "text": f"message {n}",
        "created_at": START + timedelta(minutes=n),
    }
    if fields.get("is_inbound") is False:  # the brand's own message: stored by the sender, in no queue
        return PostRecordFactory(brand=queue.brand, queue_id=None, **{**values, **fields})
    return make_post(queue, **{**values, **fields})


def _page(client: Client, user: Any, post_id: int) -> Any:
    client.force_login(user)
    return client.get(reverse("workplace:conversation", args=[post_id]))


def _reply(
    client: Client, user: Any, post_id: int, text: str = "A new screen ships today.", key: str = FORM_KEY
) -> Any:
    client.force_login(user)
    return client.post(
        reverse("workplace:conversation_reply", args=[post_id]), {"text": text, "key": key, "kind": "chat"}
    )


def _events(user: Any, post_id: int, after: int) -> tuple[int, list[dict[str, Any]]]:
    client = AsyncClient()
    client.force_login(user)

    async def consume() -> tuple[int, str]:
        url = reverse("workplace:conversation_events", args=[post_id]) + f"?after={after}"
        response: Any = await client.get(url)
        if not response.streaming:
            return response.status_code, ""
        return response.status_code, b"".join([chunk async for chunk in response.streaming_content]).decode()

    status, body = async_to_sync(consume)()
    blocks = [block for block in body.split("\n\n") if block.startswith("id: ")]
    return status, [json.loads(block.split("data: ", 1)[1]) for block in blocks]


def test_the_conversation_shows_the_thread_oldest_first_with_the_customers_name(
    client: Client, alice: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    second = _chat_message(make_post, queue_a, chat_a, "chat-t1", 2, text="Still there?")
    first = _chat_message(make_post, queue_a, chat_a, "chat-t1", 1, text="My screen cracked")
    answer = _chat_message(
        make_post, queue_a, chat_a, "chat-t1", 3, text="Sorry! Sending a new one.", is_inbound=False
    )
    _chat_message(make_post, queue_a, chat_a, "chat-other", 4, text="Another visitor")

    response = _page(client, alice, second.id)

    assert response.status_code == 200
    text = response.text
    assert '<h1 id="conversation-title">Dana Visitor</h1>' in text
    assert [m.id for m in response.context["conversation"].messages] == [first.id, second.id, answer.id]
    assert (
        text.index("My screen cracked") < text.index("Still there?") < text.index("Sorry! Sending a new one.")
    )
    assert "Another visitor" not in text
    assert f'data-latest-id="{answer.id}"' in text
    assert '<input type="hidden" name="kind" value="chat">' in text
    assert "Send chat message</button>" in text


def test_another_brands_post_with_the_same_thread_id_is_not_in_the_thread(
    client: Client, alice: Any, *, queue_a: Queue, queue_b: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    mine = _chat_message(make_post, queue_a, chat_a, "chat-t1", 1)
    _chat_message(
        make_post,
        queue_b,
        make_chat_account(queue_b.brand),
        "chat-t1",
        2,
        external_id="x",
        text="Globex secret",
    )

    response = _page(client, alice, mine.id)

    assert [m.id for m in response.context["conversation"].messages] == [mine.id]
    assert "Globex secret" not in response.text


def test_a_standalone_post_shows_the_replies_filed_under_its_id(
    client: Client, alice: Any, queue_a: Queue, make_post: MakePost
) -> None:
    post = make_post(queue_a, network="demo", external_id="tw-1", text="@acmecare broken again")
    reply = PostRecordFactory(
        brand=queue_a.brand,
        network="demo",
        external_id="tw-2",
        thread_id="tw-1",
        is_inbound=False,
        text="DM us",
    )

    response = _page(client, alice, post.id)

    assert [m.id for m in response.context["conversation"].messages] == [post.id, reply.id]
    assert "hubbub cannot answer on Demo stream yet." in response.text


def test_hostile_text_and_names_are_escaped(
    client: Client, alice: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    post = _chat_message(
        make_post, queue_a, chat_a, "chat-t1", 1, text=HOSTILE_TEXT, author_name=HOSTILE_TEXT
    )

    text = _page(client, alice, post.id).text

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in text


def test_charlie_cannot_see_the_conversation_nor_reply_nor_follow_it(
    client: Client, charlie: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    opened, _ = open_chat(chat_a)
    post = _chat_message(make_post, queue_a, chat_a, opened.thread_id, 1)

    assert _page(client, charlie, post.id).status_code == 404
    assert _reply(client, charlie, post.id).status_code == 404
    assert _events(charlie, post.id, 0) == (404, [])
    assert Outbound.objects.count() == 0


def test_an_agent_cannot_open_a_conversation_of_a_queue_they_do_not_work(
    client: Client, alice: Any, bob: Any, *, billing_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    post = _chat_message(make_post, billing_a, chat_a, "chat-t1", 1)

    assert _page(client, alice, post.id).status_code == 404
    assert _page(client, bob, post.id).status_code == 200


@pytest.mark.parametrize("messages", [1, 50])
def test_the_page_needs_the_same_queries_for_1_and_50_messages(
    client: Client,
    alice: Any,
    *,
    queue_a: Queue,
    chat_a: BrandAccount,
    make_post: MakePost,
    django_assert_num_queries: Any,
    messages: int,
) -> None:
    posts = [_chat_message(make_post, queue_a, chat_a, "chat-t1", n) for n in range(messages)]
    client.force_login(alice)

    with django_assert_num_queries(6):
        response = client.get(reverse("workplace:conversation", args=[posts[-1].id]))

    assert len(response.context["conversation"].messages) == messages


def test_a_reply_is_sent_into_the_visitors_chat(
    client: Client, alice: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    opened, visitor = open_chat(chat_a)
    post = _chat_message(make_post, queue_a, chat_a, opened.thread_id, 1)

    response = _reply(client, alice, post.id)

    outbound = Outbound.objects.get()
    stored = PostRecord.objects.get(is_inbound=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("workplace:conversation", args=[post.id])
    assert (outbound.status, outbound.kind, outbound.thread_id) == (
        OutboundStatus.SENT,
        "chat",
        opened.thread_id,
    )
    assert (outbound.key, outbound.sent_by) == (f"web-{alice.pk}-{post.id}-{FORM_KEY}", alice)
    assert (stored.external_id, stored.thread_id, stored.text) == (
        outbound.external_id,
        opened.thread_id,
        "A new screen ships today.",
    )
    assert [(e.sender, e.text) for e in events_after(visitor, post.id)] == [
        ("agent", "A new screen ships today.")
    ]
    assert "A new screen ships today." in _page(client, alice, post.id).text


def test_a_double_click_sends_the_reply_once(
    client: Client, alice: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    opened, _ = open_chat(chat_a)
    post = _chat_message(make_post, queue_a, chat_a, opened.thread_id, 1)

    first, second = _reply(client, alice, post.id), _reply(client, alice, post.id)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Outbound.objects.count() == 1
    assert PostRecord.objects.filter(is_inbound=False).count() == 1


def test_a_reply_the_network_refuses_is_explained_and_not_sent(
    client: Client, alice: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    opened, _ = open_chat(chat_a)
    post = _chat_message(make_post, queue_a, chat_a, opened.thread_id, 1)

    response = _reply(client, alice, post.id, text="x" * 4_001)

    page = client.get(response["Location"]).text
    assert "4,001 characters; this network takes at most 4,000." in page
    assert Outbound.objects.count() == 0
    assert PostRecord.objects.filter(is_inbound=False).count() == 0


def test_a_form_without_the_pages_key_sends_nothing(
    client: Client, alice: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    post = _chat_message(make_post, queue_a, chat_a, "chat-t1", 1)

    response = _reply(client, alice, post.id, key="reply-of-someone-else")

    assert response.status_code == 404
    assert Outbound.objects.count() == 0


def test_a_reply_without_the_csrf_token_is_refused(
    alice: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    post = _chat_message(make_post, queue_a, chat_a, "chat-t1", 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(
        reverse("workplace:conversation_reply", args=[post.id]), {"text": "hi", "key": FORM_KEY}
    )

    assert response.status_code == 403
    assert Outbound.objects.count() == 0


def test_the_live_stream_sends_the_threads_new_messages_as_data(
    alice: Any, queue_a: Queue, chat_a: BrandAccount, make_post: MakePost
) -> None:
    first = _chat_message(make_post, queue_a, chat_a, "chat-t1", 1)
    second = _chat_message(make_post, queue_a, chat_a, "chat-t1", 2, text=HOSTILE_TEXT)
    _chat_message(make_post, queue_a, chat_a, "chat-other", 3)

    status, events = _events(alice, first.id, first.id)

    assert status == 200
    assert events == [
        {
            "id": second.id,
            "inbound": True,
            "author": "Dana Visitor",
            "text": HOSTILE_TEXT,
            "at": "2026-11-03T14:02:00+00:00",
        }
    ]
