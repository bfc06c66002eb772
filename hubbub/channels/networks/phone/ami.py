"""An Asterisk Manager Interface (AMI) client: log in over TCP, read call events, map them to CallEvents.

The protocol (Asterisk docs, "Asterisk Manager Interface (AMI)"): on connect the server sends a
banner line ("Asterisk Call Manager/<version>"); every action and every event is a block of
`Key: Value` lines ended by an empty line (CRLF). hubbub sends one action, `Login` with `Events: call`,
and then only reads. Events are mapped per call (its `Linkedid`, shared by all its channels):

- `Newchannel` of the call's first channel (Uniqueid = Linkedid): remembers caller and called number;
- `DialBegin`: offered (with the agent whose channel is dialled, when `agents` names it);
- `BridgeEnter`: answered; `Hangup` of the first channel: ended.
A call whose DialBegin never came (answered by a queue application, or hung up in the menu) is
offered just before its answered or ended event, so every thread starts with an offered post.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hubbub.channels.networks.phone.payloads import CallEvent, CallEventName, normalise_e164

logger = logging.getLogger(__name__)

MAX_LINE_BYTES = 2048
MAX_FIELDS = 100
MAX_TRACKED_CALLS = 10_000
MAX_BUFFERED_EVENTS = 10_000
BASE_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 60.0
REFUSED_BACKOFF_SECONDS = 300.0
LOGIN_ACTION_ID = "hubbub-login"
AmiMessage = dict[str, str]


class LineReader(Protocol):
    """What AMI messages are read from: a socket's file, or a test server's request stream."""

    def readline(self, limit: int, /) -> bytes: ...


class AmiSettings(BaseModel):
    """Where the AMI listens, the country of national numbers, and which channel is which agent."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    ami_host: str = Field(max_length=253)
    ami_port: int = Field(default=5038, ge=1, le=65535)
    country_code: str = Field(default="", pattern=r"^\d{0,3}$")  # for national numbers ("030...")
    agents: dict[str, str] = Field(default_factory=dict)  # channel endpoint ("PJSIP/alice") -> username
    timeout_seconds: float = Field(default=10.0, gt=0, le=600)  # to connect
    idle_seconds: float = Field(default=600.0, gt=0, le=3600)  # silence after which we reconnect


class AmiLoginError(Exception):
    """The AMI refused our login (wrong user or secret)."""


def read_message(stream: LineReader) -> AmiMessage | None:
    """The next `Key: Value` block (keys as sent), or None when the server closed the connection."""
    fields: AmiMessage = {}
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return None
        if len(line) > MAX_LINE_BYTES:
            raise ValueError("AMI line too long")
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            if fields:
                return fields
            continue
        key, colon, value = text.partition(":")
        if colon and len(fields) < MAX_FIELDS:
            fields[key.strip()] = value.strip()


def format_action(fields: Mapping[str, str]) -> bytes:
    """One action as the AMI reads it; a value with a line break could smuggle a second action."""
    if any("\r" in value or "\n" in value for value in fields.values()):
        raise ValueError("AMI action values may not contain line breaks")
    return "".join(f"{key}: {value}\r\n" for key, value in fields.items()).encode() + b"\r\n"


def to_e164(number: str, country_code: str) -> str:
    """An AMI caller id or extension in E.164 form; national numbers take `country_code`."""
    compact = "".join(number.split())
    if country_code and compact.startswith("0") and not compact.startswith("00"):
        compact = f"+{country_code}{compact[1:]}"
    return normalise_e164(compact)


@dataclass(slots=True)
class _Call:
    caller: str
    called: str
    agent: str = ""
    sent: tuple[str, ...] = ()


class CallTracker:
    """Turns one AMI connection's events into call events, each call's once and in order."""

    def __init__(self, settings: AmiSettings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self._clock = clock
        self._calls: OrderedDict[str, _Call] = OrderedDict()

    def feed(self, message: Mapping[str, str]) -> list[CallEvent]:
        """The call events one AMI event completes (none for events hubbub does not need)."""
        name, call_id = message.get("Event", ""), message.get("Linkedid", "")
        if name == "Newchannel" and call_id and message.get("Uniqueid") == call_id:
            self._remember(call_id, message)
            return []
        call = self._calls.get(call_id)
        if call is None:
            return []
        if name == "DialBegin":
            call.agent = call.agent or self._agent(message.get("DestChannel", ""))
            return self._emit(call_id, call, ("offered",), message)
        if name == "BridgeEnter":
            if message.get("Uniqueid") != call_id:
                call.agent = call.agent or self._agent(message.get("Channel", ""))
            return self._emit(call_id, call, ("offered", "answered"), message)
        if name == "Hangup" and message.get("Uniqueid") == call_id:
            events = self._emit(call_id, call, ("offered", "ended"), message)
            self._calls.pop(call_id, None)
            return events
        return []

    def _remember(self, call_id: str, message: Mapping[str, str]) -> None:
        try:
            caller = to_e164(message.get("CallerIDNum", ""), self.settings.country_code)
            called = to_e164(message.get("Exten", ""), self.settings.country_code)
        except ValueError:
            logger.info("AMI call %r skipped: caller or called number is not a phone number", call_id[:100])
            return
        self._calls[call_id] = _Call(caller, called)
        while len(self._calls) > MAX_TRACKED_CALLS:
            self._calls.popitem(last=False)

    def _agent(self, channel: str) -> str:
        # Channel names are "<tech>/<endpoint>-<sequence>", e.g. "PJSIP/alice-00000002".
        return self.settings.agents.get(channel.rpartition("-")[0] or channel, "")

    def _emit(
        self, call_id: str, call: _Call, names: tuple[CallEventName, ...], message: Mapping[str, str]
    ) -> list[CallEvent]:
        events = []
        for name in names:
            if name in call.sent:
                continue
            call.sent = (*call.sent, name)
            try:
                events.append(self._event(name, call_id, call, message))
            except ValidationError:
                logger.info("AMI call %r skipped: its id or agent is not one hubbub accepts", call_id[:100])
        return events

    def _event(self, name: CallEventName, call_id: str, call: _Call, message: Mapping[str, str]) -> CallEvent:
        return CallEvent(
            event=name,
            call_id=call_id,
            caller=call.caller,
            called=call.called,
            agent=call.agent,
            at=self._timestamp(message),
        )

    def _timestamp(self, message: Mapping[str, str]) -> datetime:
        # "Timestamp" is only sent with `timestampevents = yes` in manager.conf.
        try:
            seconds = float(message.get("Timestamp", ""))
        except ValueError:
            seconds = self._clock()
        return datetime.fromtimestamp(seconds, tz=UTC)


class AmiListener:
    """A daemon thread that stays logged in to one AMI and buffers its call events with sequence numbers.

    `session` is new for every listener, so a consumer's stored sequence number from an earlier
    process is never mistaken for one of this listener's.
    """

    def __init__(
        self,
        settings: AmiSettings,
        username: str,
        secret: str,
        *,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.session = uuid.uuid4().hex
        self.error = ""
        self.refused = False
        self.credentials = (username, secret)
        self._jitter = jitter
        self._tracker = CallTracker(settings, clock)
        self._connection: socket.socket | None = None
        self._logged_in = False
        self._events: deque[tuple[int, CallEvent]] = deque(maxlen=MAX_BUFFERED_EVENTS)
        self._sequence = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hubbub-ami", daemon=True)

    def start(self) -> None:
        """Connect in the background, and reconnect with back-off whenever the connection drops."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop reading (closing the connection wakes the blocked read) and wait for the thread."""
        self._stop.set()
        with self._lock:
            connection = self._connection
        if connection is not None:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout)

    def pending(self, after: int) -> list[tuple[int, CallEvent]]:
        """Buffered events after sequence number `after`; those up to `after` are forgotten (stored)."""
        with self._lock:
            while self._events and self._events[0][0] <= after:
                self._events.popleft()
            return list(self._events)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen_once()
            except AmiLoginError as error:
                self.error, self.refused = str(error), True
                self._stop.wait(REFUSED_BACKOFF_SECONDS)
                continue
            except TimeoutError:
                failures = 0  # a quiet line: reconnect at once (the tracker keeps calls in progress)
                continue
            except (OSError, ValueError) as error:
                self.error = f"AMI connection failed: {type(error).__name__}"
            # A connection that got as far as logging in starts the back-off again from the bottom.
            failures = 1 if self._logged_in else failures + 1
            # Full jitter, as in channels/budget.py: many listeners do not reconnect in step.
            wait = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** min(failures, 10))
            self._stop.wait(wait * self._jitter())

    def _listen_once(self) -> None:
        address = (self.settings.ami_host, self.settings.ami_port)
        self._logged_in = False
        with socket.create_connection(address, timeout=self.settings.timeout_seconds) as connection:
            connection.settimeout(self.settings.idle_seconds)
            with self._lock:
                self._connection = connection
            try:
                stream = connection.makefile("rb")
                self._log_in(connection, stream)
                self.error, self.refused, self._logged_in = "", False, True
                while not self._stop.is_set():
                    self._buffer(self._tracker.feed(self._next(stream)))
            finally:
                with self._lock:
                    self._connection = None

    def _log_in(self, connection: socket.socket, stream: LineReader) -> None:
        if not stream.readline(MAX_LINE_BYTES).startswith(b"Asterisk Call Manager/"):
            raise ValueError("not an Asterisk manager interface")
        username, secret = self.credentials
        action = {"Action": "Login", "ActionID": LOGIN_ACTION_ID, "Username": username, "Secret": secret}
        connection.sendall(format_action({**action, "Events": "call"}))
        while not self._stop.is_set():
            message = self._next(stream)
            if message.get("ActionID") == LOGIN_ACTION_ID:
                if message.get("Response") != "Success":
                    raise AmiLoginError(f"AMI login refused: {message.get('Message', '')[:200]}")
                return

    def _next(self, stream: LineReader) -> AmiMessage:
        message = read_message(stream)
        if message is None:
            raise ConnectionResetError("AMI closed the connection")
        return message

    def _buffer(self, events: list[CallEvent]) -> None:
        with self._lock:
            for event in events:
                self._sequence += 1
                self._events.append((self._sequence, event))
