"""The AMI client against a fake Asterisk over real TCP: login, call events, reconnects, the connector."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from hubbub.channels.budget import RateBudget
from hubbub.channels.networks.base import AccountConfig, ConnectorError, OutboundMessage
from hubbub.channels.networks.phone.ami import AmiListener, AmiSettings, CallTracker, format_action
from hubbub.channels.networks.phone.connector import SPEC, PhoneConnector, stop_listeners
from hubbub.channels.networks.phone.payloads import CallEvent
from hubbub.channels.networks.phone.tests.fake_ami import FakeAmi, fixture_events, running, wait_for
from hubbub.core.posts import Post

CALL = "1741511700.1"
AGENTS = {"PJSIP/alice": "alice"}


@pytest.fixture
def ami() -> Iterator[FakeAmi]:
    yield from running(FakeAmi(scripts=[fixture_events("ami_inbound_call.json")]))


@pytest.fixture
def listeners() -> Iterator[list[AmiListener]]:
    started: list[AmiListener] = []
    yield started
    for listener in started:
        listener.stop()
    stop_listeners()


def settings(ami: FakeAmi) -> AmiSettings:
    return AmiSettings(ami_host="127.0.0.1", ami_port=ami.port, country_code="49", agents=AGENTS)


SECRET = "ami-secret"


def listen(ami: FakeAmi, listeners: list[AmiListener], secret: str = SECRET) -> AmiListener:
    listener = AmiListener(settings(ami), "hubbub", secret, jitter=lambda: 0.0)
    listeners.append(listener)
    listener.start()
    return listener


def event(name: str, at: float, agent: str = "alice") -> CallEvent:
    return CallEvent(
        event=name,  # type: ignore[arg-type]
        call_id=CALL,
        caller="+49301234567",
        called="+4930999000",
        agent=agent,
        at=datetime.fromtimestamp(at, tz=UTC),
    )


def test_maps_an_answered_inbound_call_to_offered_answered_ended() -> None:
    tracker = CallTracker(AmiSettings(ami_host="127.0.0.1", country_code="49", agents=AGENTS))

    events = [found for message in fixture_events("ami_inbound_call.json") for found in tracker.feed(message)]

    assert events == [
        event("offered", 1741511701.2),
        event("answered", 1741511708.1),
        event("ended", 1741511790.1),
    ]


def test_a_call_hung_up_before_any_dial_is_offered_then_ended_and_hostile_numbers_are_skipped() -> None:
    tracker = CallTracker(AmiSettings(ami_host="127.0.0.1", country_code="49"))

    events = [found for message in fixture_events("ami_hostile_call.json") for found in tracker.feed(message)]

    assert [(found.event, found.call_id, found.caller, found.called) for found in events] == [
        ("offered", "1741511900.4", "+442079460000", "+4930999000"),
        ("ended", "1741511900.4", "+442079460000", "+4930999000"),
    ]


def test_logs_in_with_the_documented_action_and_buffers_the_calls_events(
    ami: FakeAmi, listeners: list[AmiListener]
) -> None:
    listener = listen(ami, listeners)

    wait_for(lambda: len(listener.pending(0)) == 3)

    assert ami.actions[0] == {
        "Action": "Login",
        "ActionID": "hubbub-login",
        "Username": "hubbub",
        "Secret": "ami-secret",
        "Events": "call",
    }
    assert [(seq, found.event) for seq, found in listener.pending(0)] == [
        (1, "offered"),
        (2, "answered"),
        (3, "ended"),
    ]
    assert [seq for seq, _ in listener.pending(2)] == [3]
    assert listener.pending(0) == listener.pending(2)  # acknowledged events are gone for good


def test_reconnects_after_the_connection_drops_and_keeps_calls_in_progress(
    listeners: list[AmiListener],
) -> None:
    script = fixture_events("ami_inbound_call.json")
    servers = running(FakeAmi(scripts=[script[:6], script[6:]]))  # the call is cut after DialEnd
    ami = next(servers)
    listener = listen(ami, listeners)

    wait_for(lambda: len(listener.pending(0)) == 3)

    assert ami.connections >= 2  # with no jitter it keeps reconnecting to the script-less server
    assert [found.event for _, found in listener.pending(0)] == ["offered", "answered", "ended"]
    servers.close()


def test_a_refused_login_is_reported_and_not_retried_at_once(
    ami: FakeAmi, listeners: list[AmiListener]
) -> None:
    listener = listen(ami, listeners, secret="wrong")

    wait_for(lambda: listener.refused)

    assert listener.error == "AMI login refused: Authentication failed"
    assert ami.connections == 1
    assert listener.pending(0) == []


def test_action_values_cannot_smuggle_a_second_action() -> None:
    with pytest.raises(ValueError, match="line breaks"):
        format_action({"Action": "Login", "Username": "hubbub\r\n\r\nAction: Originate"})


def phone_account(ami: FakeAmi, secret: str = SECRET) -> AccountConfig:
    return AccountConfig(
        account_id=11,
        brand_id=3,
        network="phone",
        handle="+4930999000",
        settings={"ami_host": "127.0.0.1", "ami_port": ami.port, "country_code": "49", "agents": AGENTS},
        secrets={"username": "hubbub", "secret": secret},
    )


def test_the_connector_drains_buffered_calls_as_posts_and_acknowledges_by_cursor(
    ami: FakeAmi, listeners: list[AmiListener]
) -> None:
    ami.hold = True
    connector = PhoneConnector(phone_account(ami), RateBudget())
    assert connector.poll({}).posts == []  # the first poll starts the listener

    wait_for(lambda: len(connector.poll({}).posts) == 3)
    fetched = connector.poll({})
    # A cursor from an earlier process's listener (another session) does not hide this one's events.
    elsewhere = connector.poll({"session": "earlier", "seq": "99"})
    again = connector.poll(fetched.cursor)

    assert fetched.posts[0] == Post(
        network="phone",
        external_id=f"{CALL}:offered",
        author_id="+49301234567",
        author_handle="+49301234567",
        text="Incoming call from +49301234567 to +4930999000 for agent alice",
        created_at=datetime.fromtimestamp(1741511701.2, tz=UTC),
        brand_id=3,
        kind="call",
        thread_id=CALL,
        account_id=11,
        source="+4930999000",
    )
    assert [post.in_reply_to_id for post in fetched.posts] == ["", f"{CALL}:offered", f"{CALL}:offered"]
    assert fetched.cursor["seq"] == "3"
    assert elsewhere.posts == fetched.posts
    assert again.posts == []


def test_the_connector_reports_a_refused_login_as_permanent(
    ami: FakeAmi, listeners: list[AmiListener]
) -> None:
    connector = PhoneConnector(phone_account(ami, secret="wrong"), RateBudget())

    wait_for(lambda: _refused(connector))  # the first poll starts the listener, which is refused

    with pytest.raises(ConnectorError) as caught:
        connector.poll({})
    assert caught.value.retryable is False
    assert str(caught.value) == "AMI login refused: Authentication failed"
    assert ami.connections == 1


def test_a_line_without_ami_polls_nothing_and_nothing_can_be_sent() -> None:
    account = AccountConfig(account_id=12, brand_id=3, network="phone", handle="+4930999000")
    connector = SPEC.connect(account, RateBudget())

    assert connector.poll({"seq": "4"}).posts == []
    with pytest.raises(ConnectorError) as caught:
        connector.send(OutboundMessage(key="k", kind="direct", text="hi"))
    assert caught.value.retryable is False
    assert connector.find_sent(OutboundMessage(key="k", kind="direct", text="hi")) is None
    assert (SPEC.network, SPEC.rules.kinds) == ("phone", frozenset())


def _refused(connector: PhoneConnector) -> bool:
    try:
        connector.poll({})
    except ConnectorError:
        return True
    return False
