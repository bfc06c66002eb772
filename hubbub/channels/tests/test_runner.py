"""The connector runner: one round does everything; the thread starts and stops; `hubbub poll`."""

from __future__ import annotations

import io
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings

from hubbub.channels.budget import RateBudget
from hubbub.channels.models import Outbound, OutboundStatus
from hubbub.channels.registry import NETWORKS
from hubbub.channels.runner import ConnectorRunner
from hubbub.channels.secrets import read_secrets, store_secrets
from hubbub.channels.tests.toy_network import TOY, ToyService, connect_toy_account, toy_pipeline, toy_spec
from hubbub.core.models import Brand, PostRecord


@pytest.mark.django_db
def test_one_round_polls_sends_and_says_what_it_did(
    brand_a: Brand, toy: ToyService, budget: RateBudget
) -> None:
    channel = connect_toy_account(brand_a, "acmecare", toy.server.url)
    toy.publish("dana", "hello")
    Outbound.objects.create(key="k1", channel=channel, kind="reply", text="Hi!", in_reply_to="1")
    runner = ConnectorRunner(toy_pipeline().process, budget=budget, networks={TOY: toy_spec()})

    summary = runner.run_once().summary()

    assert summary == (
        "polled 1 account(s), 1 ok, 0 failing; 1 post(s); sent 1, failed 0; 0 webhook delivery(ies) processed"
    )
    assert Outbound.objects.get().status == OutboundStatus.SENT
    assert sorted(PostRecord.objects.values_list("external_id", "is_inbound")) == [("1", True), ("m1", False)]


@pytest.mark.django_db(transaction=True)
def test_the_runner_thread_starts_and_stops() -> None:
    runner = ConnectorRunner(toy_pipeline().process, networks={}, interval=0.05)

    runner.start()
    thread = runner._thread
    runner.stop(timeout=5)

    assert thread is not None
    assert not thread.is_alive()


@pytest.mark.django_db
def test_hubbub_poll_once_runs_the_real_pipeline(
    brand_a: Brand, queue_a: Any, toy: ToyService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(NETWORKS, TOY, toy_spec())
    connect_toy_account(brand_a, "acmecare", toy.server.url)
    toy.publish("dana", "my phone will not charge")
    toy.publish("acmecare", "we are looking into it")
    out = io.StringIO()

    call_command("poll", "--once", stdout=out)

    assert out.getvalue().startswith("polled 1 account(s), 1 ok, 0 failing; 2 post(s)")
    stored = PostRecord.objects.order_by("external_id").values_list("external_id", "is_inbound", "queue_id")
    assert list(stored) == [("1", True, queue_a.id), ("2", False, None)]


@pytest.mark.django_db
def test_hubbub_poll_rotate_credentials_re_encrypts_with_the_current_key(brand_a: Brand) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    channel = connect_toy_account(brand_a, "acmecare")
    with override_settings(HUBBUB_CREDENTIALS_KEY=old):
        store_secrets(channel, {"token": "t-1"})
    out = io.StringIO()

    with override_settings(HUBBUB_CREDENTIALS_KEY=new, HUBBUB_CREDENTIALS_OLD_KEYS=[old]):
        call_command("poll", "--rotate-credentials", stdout=out)

    channel.refresh_from_db()
    with override_settings(HUBBUB_CREDENTIALS_KEY=new, HUBBUB_CREDENTIALS_OLD_KEYS=[]):
        assert read_secrets(channel) == {"token": "t-1"}
    assert out.getvalue() == "re-encrypted the credentials of 1 account(s)\n"
