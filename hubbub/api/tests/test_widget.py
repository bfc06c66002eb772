"""The web-chat widget's public endpoints: origins, tokens, limits, the pipeline, the event stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.test import AsyncClient, Client
from django.urls import reverse
from pytest_django import Settings

from hubbub.channels import intake
from hubbub.channels.models import ChatSession
from hubbub.channels.networks.chat.tests.factories import SHOP, make_chat_account, open_chat
from hubbub.core.models import Brand, BrandAccount, PostRecord
from hubbub.listening.stage import Listener
from hubbub.pipeline.runner import Pipeline
from hubbub.pipeline.stages import drop_repeats_within, normalise
from hubbub.pipeline.store import drop_stored, write_posts
from hubbub.routing.models import Queue
from hubbub.routing.stage import Router

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'
MESSAGE = {"client_id": "5f1c0b8e2a9d4c7b", "text": "My Acme X5 arrived with a cracked screen."}


def _pipeline() -> Pipeline:
    """The stages a chat message needs to reach the inbox (the runtime adds analysis and the CRM)."""
    return Pipeline(
        stages=[normalise, drop_repeats_within, drop_stored, Listener().assign_brand, Router().route],
        writer=write_posts,
    )


@pytest.fixture(autouse=True)
def _pipeline_and_fresh_limits(settings: Settings) -> Iterator[None]:
    cache.clear()
    settings.HUBBUB_LIVE_POLL_SECONDS = 0.01
    settings.HUBBUB_LIVE_STREAM_SECONDS = 0.05
    previous = intake.use_pipeline(_pipeline)
    yield
    intake.use_pipeline(previous)


@pytest.fixture
def chat_a(brand_a: Brand, queue_a: Queue) -> BrandAccount:
    return make_chat_account(brand_a)


def _start(client: Client, account: BrandAccount, origin: str = SHOP, **body: Any) -> Any:
    return client.post(
        reverse("chat:start", args=[account.id]),
        body,
        content_type="application/json",
        headers={"Origin": origin},
    )


def _send(client: Client, token: str, message: dict[str, Any] = MESSAGE, origin: str = SHOP) -> Any:
    return client.post(
        reverse("chat:messages"),
        message,
        content_type="application/json",
        headers={"Origin": origin, "X-Chat-Token": token},
    )


@dataclass(frozen=True)
class Stream:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def events(self) -> list[tuple[str, dict[str, Any]]]:
        blocks = [block for block in self.body.split("\n\n") if block.startswith("id: ")]
        parsed = [dict(line.split(": ", 1) for line in block.split("\n")) for block in blocks]
        return [(fields["id"], json.loads(fields["data"])) for fields in parsed]


def _stream(token: str, origin: str = SHOP, last_event_id: str = "") -> Stream:
    headers = {"Origin": origin, "X-Chat-Token": token}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id

    async def consume() -> Stream:
        response: Any = await AsyncClient().get(reverse("chat:events"), headers=headers)
        if not response.streaming:
            return Stream(response.status_code, dict(response.headers), response.content.decode())
        chunks = [chunk async for chunk in response.streaming_content]
        return Stream(response.status_code, dict(response.headers), b"".join(chunks).decode())

    return async_to_sync(consume)()


def test_the_widget_script_is_served_as_javascript_without_login(client: Client) -> None:
    response = client.get("/chat/widget.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert b"textContent" in response.content
    assert b"innerHTML" not in response.content


def test_an_allowed_page_starts_a_chat_and_gets_its_token_once(client: Client, chat_a: BrandAccount) -> None:
    response = _start(client, chat_a, name="Dana")

    body = response.json()
    session = ChatSession.objects.get()
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "Origin" in response["Vary"]
    assert set(body) == {"token", "thread", "greeting", "colour"}
    assert (body["thread"], body["greeting"], body["colour"]) == (
        session.thread_id,
        "Hi from Acme!",
        "#0a7c59",
    )
    assert body["token"] != session.token_hash
    assert (session.brand_account_id, session.visitor_name) == (chat_a.id, "Dana")


@pytest.mark.parametrize("origin", ["https://evil.example", "null", ""])
def test_a_page_of_another_origin_cannot_start_a_chat(
    client: Client, chat_a: BrandAccount, origin: str
) -> None:
    response = _start(client, chat_a, origin=origin)

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert ChatSession.objects.count() == 0


def test_a_chat_cannot_start_on_a_disabled_or_missing_account(client: Client, brand_a: Brand) -> None:
    disabled = make_chat_account(brand_a, enabled=False)

    assert _start(client, disabled).status_code == 403
    assert client.post("/chat/999999/sessions", {}, content_type="application/json").status_code == 403
    assert ChatSession.objects.count() == 0


def test_preflights_answer_allowed_origins_only(client: Client, chat_a: BrandAccount) -> None:
    allowed = client.options(reverse("chat:messages"), headers={"Origin": SHOP})
    start = client.options(reverse("chat:start", args=[chat_a.id]), headers={"Origin": SHOP})
    refused = client.options(reverse("chat:messages"), headers={"Origin": "https://evil.example"})

    assert (allowed.status_code, start.status_code) == (204, 204)
    assert allowed["Access-Control-Allow-Origin"] == SHOP
    assert allowed["Access-Control-Allow-Headers"] == "Content-Type, X-Chat-Token, Last-Event-ID"
    assert allowed["Access-Control-Allow-Methods"] == "GET, POST"
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused


@time_machine.travel(NOW, tick=False)
def test_a_visitors_message_becomes_an_inbound_chat_post_in_the_brands_queue(
    client: Client, chat_a: BrandAccount, queue_a: Queue
) -> None:
    token = _start(client, chat_a, name="Dana").json()["token"]
    thread = ChatSession.objects.get().thread_id

    response = _send(client, token)

    post = PostRecord.objects.get()
    assert response.status_code == 202
    assert response.json() == {"id": f"{thread}:5f1c0b8e2a9d4c7b"}
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert (post.network, post.kind, post.external_id) == ("chat", "chat", f"{thread}:5f1c0b8e2a9d4c7b")
    assert (post.author_id, post.author_name, post.author_handle) == (f"chat:{thread}", "Dana", "")
    assert (post.thread_id, post.account_id, post.brand_id) == (thread, chat_a.id, chat_a.brand_id)
    assert (post.is_inbound, post.queue_id, post.source) == (True, queue_a.id, "shop.example")
    assert (post.text, post.created_at) == ("My Acme X5 arrived with a cracked screen.", NOW)


def test_a_visitor_who_gave_an_email_writes_as_that_email(client: Client, chat_a: BrandAccount) -> None:
    token = _start(client, chat_a, name="Dana", email="Dana@Example.org").json()["token"]

    _send(client, token)

    assert PostRecord.objects.get().author_id == "dana@example.org"


def test_a_message_sent_twice_is_stored_once(client: Client, chat_a: BrandAccount) -> None:
    token = _start(client, chat_a).json()["token"]

    first, again = _send(client, token), _send(client, token)

    assert (first.status_code, again.status_code) == (202, 202)
    assert PostRecord.objects.count() == 1


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 500])
def test_a_message_without_a_valid_token_is_refused_and_not_stored(
    client: Client, chat_a: BrandAccount, token: str
) -> None:
    response = _send(client, token)

    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert PostRecord.objects.count() == 0


def test_a_token_used_from_another_origin_is_refused_and_nothing_is_stored(
    client: Client, chat_a: BrandAccount
) -> None:
    token = _start(client, chat_a).json()["token"]

    response = _send(client, token, origin="https://evil.example")

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert PostRecord.objects.count() == 0


def test_a_token_of_one_brand_cannot_write_from_the_page_of_another(
    client: Client, chat_a: BrandAccount, brand_b: Brand
) -> None:
    make_chat_account(brand_b, origins=["https://globex.example"])
    token = _start(client, chat_a).json()["token"]

    response = _send(client, token, origin="https://globex.example")

    assert response.status_code == 403
    assert PostRecord.objects.count() == 0


@pytest.mark.parametrize(
    "message",
    [
        {"client_id": "5f1c0b8e2a9d4c7b", "text": "a" * 4_001},
        {"client_id": "5f1c0b8e2a9d4c7b", "text": ""},
        {"client_id": "<b>", "text": "hi"},
        {"text": "hi"},
        {"client_id": "5f1c0b8e2a9d4c7b", "text": "hi", "padding": "x" * 17_000},
    ],
)
def test_a_malformed_or_oversized_message_is_refused_and_not_stored(
    client: Client, chat_a: BrandAccount, message: dict[str, Any]
) -> None:
    token = _start(client, chat_a).json()["token"]

    response = _send(client, token, message)

    assert response.status_code == 400
    assert PostRecord.objects.count() == 0


def test_a_body_that_is_not_json_is_refused(client: Client, chat_a: BrandAccount) -> None:
    token = _start(client, chat_a).json()["token"]

    response = client.post(
        reverse("chat:messages"),
        "text=hi",
        content_type="text/plain",
        headers={"Origin": SHOP, "X-Chat-Token": token},
    )

    assert response.status_code == 400
    assert PostRecord.objects.count() == 0


def test_messages_over_the_sessions_limit_are_refused_with_retry_after(
    client: Client, chat_a: BrandAccount
) -> None:
    token = _start(client, chat_a).json()["token"]
    statuses = [
        _send(client, token, {"client_id": f"message-{n:04d}", "text": f"message {n}"}).status_code
        for n in range(20)
    ]

    refused = _send(client, token, {"client_id": "message-0021", "text": "one too many"})

    assert statuses == [202] * 20
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert PostRecord.objects.count() == 20


def test_new_chats_over_the_ip_limit_are_refused(client: Client, chat_a: BrandAccount) -> None:
    statuses = [_start(client, chat_a).status_code for _ in range(10)]

    refused = _start(client, chat_a)

    assert statuses == [201] * 10
    assert refused.status_code == 429
    assert ChatSession.objects.count() == 10


def test_without_a_pipeline_a_message_is_refused_as_unavailable(client: Client, chat_a: BrandAccount) -> None:
    token = _start(client, chat_a).json()["token"]
    intake.use_pipeline(None)  # a process that never installed one (the fixture puts it back)

    response = _send(client, token)

    assert response.status_code == 503
    assert PostRecord.objects.count() == 0


def test_the_event_stream_sends_the_whole_conversation_oldest_first(
    client: Client, chat_a: BrandAccount
) -> None:
    token = _start(client, chat_a).json()["token"]
    _send(client, token, {"client_id": "message-0001", "text": HOSTILE})
    _send(client, token, {"client_id": "message-0002", "text": "line one\nline two"})
    first, second = PostRecord.objects.order_by("id")

    stream = _stream(token)

    assert stream.status == 200
    assert stream.headers["Content-Type"] == "text/event-stream"
    assert stream.headers["Cache-Control"] == "no-cache"
    assert stream.headers["Access-Control-Allow-Origin"] == SHOP
    assert stream.body.startswith("retry: 1000\n\n")
    assert [(event_id, data["id"], data["from"], data["text"]) for event_id, data in stream.events] == [
        (str(first.id), first.external_id, "visitor", HOSTILE),
        (str(second.id), second.external_id, "visitor", "line one\nline two"),
    ]


def test_the_event_stream_resumes_after_the_last_event_id(client: Client, chat_a: BrandAccount) -> None:
    token = _start(client, chat_a).json()["token"]
    _send(client, token, {"client_id": "message-0001", "text": "first"})
    _send(client, token, {"client_id": "message-0002", "text": "second"})
    first = PostRecord.objects.order_by("id").first()
    assert first is not None

    stream = _stream(token, last_event_id=str(first.id))

    assert [data["text"] for _, data in stream.events] == ["second"]


def test_the_event_stream_carries_only_this_conversation(client: Client, chat_a: BrandAccount) -> None:
    mine = _start(client, chat_a).json()["token"]
    theirs = _start(client, chat_a).json()["token"]
    _send(client, theirs, {"client_id": "message-0001", "text": "someone else's problem"})

    assert _stream(mine).events == []


def test_the_event_stream_refuses_a_wrong_token_or_origin(client: Client, chat_a: BrandAccount) -> None:
    token = _start(client, chat_a).json()["token"]

    assert _stream("wrong").status == 401
    refused = _stream(token, origin="https://evil.example")
    assert refused.status == 403
    assert "Access-Control-Allow-Origin" not in refused.headers


@pytest.mark.parametrize("messages", [1, 50])
def test_the_event_stream_query_count_does_not_grow_with_the_conversation(
    chat_a: BrandAccount, settings: Settings, django_assert_num_queries: Any, messages: int
) -> None:
    settings.HUBBUB_LIVE_STREAM_SECONDS = 0  # one poll of the database, then the stream ends
    opened, visitor = open_chat(chat_a)
    PostRecord.objects.bulk_create(
        PostRecord(
            brand_id=chat_a.brand_id, network="chat", external_id=f"{visitor.thread_id}:m{n}", author_id="v",
            text=f"message {n}", created_at=NOW, received_at=NOW, thread_id=visitor.thread_id,
        )
        for n in range(messages)
    )  # fmt: skip

    with django_assert_num_queries(2):  # the session with its account, the messages
        stream = _stream(opened.token)

    assert len(stream.events) == messages
