"""The FIX 4.4 session core: one state machine per session, both roles, clock injected, no socket inside.

A driver (``transport.py`` over asyncio; scripted tests by hand) feeds it what happened: ``connected()``,
``data_received(bytes)``, ``on_timer()``, ``connection_lost()``, and application messages to ``send``. Each
call returns a ``SessionOutput``: messages to write (``Outgoing``: the ones marked ``new`` must be stored
with their MsgSeqNum before their bytes go out), application messages received in sequence, whether to
disconnect, and alerts for the people watching. The driver persists ``record`` (the epoch and the next
MsgSeqNum expected in) in the same transaction as the received messages' effects.

The rules are FIX.md's, after QuickFIX's ``Session.cpp``: nothing but a Logon before the Logon reply;
heartbeat after HeartBtInt of silence out, TestRequest after 1.2 x HeartBtInt of silence in, disconnect at
2.4 x; a gap is queued behind one ResendRequest; MsgSeqNum too low without PossDupFlag stops the session
for a person to look at; a counterparty's ResendRequest is answered from the store, admin and stale orders
gap-filled, and answered at once even when it arrives beyond a gap of ours (both sides may be waiting for
each other's resend); garbled frames are dropped without consuming a sequence number. A sequence reset
(ResetOnLogon, the daily reset at the schedule's start, or a person's request) starts a new *epoch* with its
own store key, so no sent message is ever overwritten.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Final

from app.engine.clock import Clock
from app.engine.fast_init import fast_frozen_init
from app.engine.fix import session_messages as admin
from app.engine.fix import tags
from app.engine.fix.alerts import Alert, AlertKind, AlertLevel
from app.engine.fix.config import SessionConfig
from app.engine.fix.errors import FieldMissingError, FixCodecError, FixParseError, FixValueError
from app.engine.fix.fast_lane import PlainLane
from app.engine.fix.framer import FixFramer, Frame, Garbled
from app.engine.fix.message import FixMessage, parse_message, tag_key
from app.engine.fix.session_fsm import SessionEvent, SessionState, next_state
from app.engine.fix.session_store import SessionStore
from app.engine.fix.tags import ADMIN_MSG_TYPES, MsgType, SessionRejectReason
from app.engine.fix.values import parse_int, parse_utc_timestamp
from app.engine.store_records import SessionRecord

ORDER_MSG_TYPES: Final = frozenset({MsgType.NEW_ORDER_SINGLE, MsgType.ORDER_CANCEL_REQUEST,
                                    MsgType.ORDER_CANCEL_REPLACE_REQUEST})  # fmt: skip
"""Requests that may be too stale to resend (``max_resend_age``); a venue would act on them late."""
TEST_REQUEST_AFTER: Final = 1.2
"""Inbound silence, in heartbeat intervals, before we send a TestRequest."""
DISCONNECT_AFTER: Final = 2.4
"""Inbound silence, in heartbeat intervals, before we give up on the connection."""

# Read on every message, so kept as plain module constants (an enum member costs a class attribute lookup).
_LOGGED_ON: Final = frozenset({SessionState.ACTIVE, SessionState.LOGOUT_SENT})
_HEARTBEAT, _TEST_REQUEST, _RESEND_REQUEST = (MsgType.HEARTBEAT.value, MsgType.TEST_REQUEST.value,
                                              MsgType.RESEND_REQUEST.value)  # fmt: skip
_SEQUENCE_RESET, _LOGOUT, _LOGON = MsgType.SEQUENCE_RESET.value, MsgType.LOGOUT.value, MsgType.LOGON.value
_ACTED_ON_HERE: Final = frozenset({_HEARTBEAT, _TEST_REQUEST, _RESEND_REQUEST, _SEQUENCE_RESET, _LOGOUT, _LOGON})
"""Session messages the core handles itself; every other message in sequence goes to the application."""
_NEEDED_NUMBERS: Final = {_RESEND_REQUEST: (tags.BEGIN_SEQ_NO, tags.END_SEQ_NO), _SEQUENCE_RESET: (tags.NEW_SEQ_NO,)}
"""Fields a session message cannot be acted on without; read before it is sequenced, so a bad one is rejected."""
_FIELDS_CHECKED: Final = frozenset({_TEST_REQUEST, _LOGON, *_NEEDED_NUMBERS})
"""Message types with fields ``_readable_session_fields`` checks (application messages have none)."""
_BEGIN_KEY, _TYPE_KEY, _SEQ_KEY = tag_key(tags.BEGIN_STRING), tag_key(tags.MSG_TYPE), tag_key(tags.MSG_SEQ_NUM)
_SENDER_KEY, _TARGET_KEY = tag_key(tags.SENDER_COMP_ID), tag_key(tags.TARGET_COMP_ID)
_SENDING_TIME_KEY, _POSS_DUP_KEY = tag_key(tags.SENDING_TIME), tag_key(tags.POSS_DUP_FLAG)
_TAKEN_KEYS: Final = (_TYPE_KEY, _SEQ_KEY, _SENDER_KEY, _TARGET_KEY, _BEGIN_KEY, _SENDING_TIME_KEY)
"""What ``_taken`` reads of a plain frame: its header."""
_MAX_DIGITS: Final = 18
"""Longest MsgSeqNum read on the fast path, as ``values.parse_int`` allows."""


@fast_frozen_init  # one per message sent
@dataclasses.dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to write. ``new`` ones took a fresh MsgSeqNum: store them under ``key`` before writing."""

    seq: int
    raw: bytes
    msg_type: str
    new: bool
    key: str


@fast_frozen_init  # one per message received
@dataclasses.dataclass(frozen=True, slots=True)
class Received:
    """An application message (or a session Reject, which names one of ours) received in sequence."""

    seq: int
    message: FixMessage
    raw: bytes


@dataclasses.dataclass(slots=True)
class SessionOutput:
    """What one call into the core produced, for the driver to carry out in order."""

    sends: list[Outgoing] = dataclasses.field(default_factory=list)
    received: list[Received] = dataclasses.field(default_factory=list)
    alerts: list[Alert] = dataclasses.field(default_factory=list)
    disconnect: str | None = None
    """Close the connection (after writing ``sends``), for this reason."""
    logged_on: bool = False
    """The session became active in this call (the application layer asks for order status now)."""
    line_lost: bool = False
    """The session stopped being active in this call: requests not yet answered have an unknown fate."""


@dataclasses.dataclass(slots=True)
class SessionStats:
    """Counters for the session health view."""

    messages_in: int = 0
    messages_out: int = 0
    garbled: int = 0
    gaps: int = 0
    resend_requests_answered: int = 0
    rejects_sent: int = 0
    last_received: datetime | None = None
    last_sent: datetime | None = None
    logons: int = 0
    """Logons completed since the program started."""
    up_since: datetime | None = None
    """When the current logon completed; ``None`` while the session is not logged on."""
    down_since: datetime | None = None
    """When the session last stopped being logged on (its creation, if it never was)."""


class FixSession:
    """One FIX session's rules. Not thread-safe; one driver calls it from one loop."""

    def __init__(
        self, config: SessionConfig, clock: Clock, store: SessionStore, *, initiator: bool, fast_lane: bool = True
    ) -> None:
        """``fast_lane=False`` sends every frame the full way (the tests compare the two lanes)."""
        self.config, self.clock, self.store, self.initiator = config, clock, store, initiator
        self.state = SessionState.DISCONNECTED
        self._record = store.session_record(config.name) or SessionRecord(config.name, 1, _iso(clock.now()), 1)
        self._next_in = self._record.next_in_seq  # the truth between reads; ``record`` catches up when asked
        self.next_out = store.last_outbound_seq(self._record.key) + 1
        self.heartbeat_interval = config.heartbeat_interval
        self.stats = SessionStats(down_since=clock.now())
        self._framer = FixFramer(lane=PlainLane() if fast_lane else None)
        self._out = SessionOutput()
        self._reset_wanted = False
        self._queue: dict[int, tuple[FixMessage, bytes]] = {}
        self._in_time_text: str | None = None  # a SendingTime already found timely in this read, and its value
        self._in_time: datetime | None = None
        self._answered_early: set[int] = set()
        """Queued ResendRequests (by MsgSeqNum) answered when they arrived, ahead of the gap before them."""
        self._resend_until = 0
        self._test_req_id: str | None = None
        self._state_since = clock.monotonic()
        self._last_in = self._last_out = self._received_mono = self._state_since
        self._received_at = clock.now()

    # What the driver tells us ----------------------------------------------------------------------

    @property
    def record(self) -> SessionRecord:
        """The epoch and the next MsgSeqNum expected in, as the driver persists them."""
        if self._record.next_in_seq != self._next_in:
            self._record = self._record._replace(next_in_seq=self._next_in)
        return self._record

    @property
    def next_in(self) -> int:
        """The MsgSeqNum expected next from the counterparty."""
        return self._next_in

    @property
    def is_active(self) -> bool:
        """Logged on: application messages may be written now."""
        return self.state in _LOGGED_ON

    def request_reset(self) -> None:
        """Start a new epoch (both sides back to MsgSeqNum 1, with 141=Y) at the next logon."""
        self._reset_wanted = True

    def resume(self) -> SessionOutput:
        """A person has looked at a stopped session: let the driver connect again."""
        self._move(SessionEvent.RESUMED)
        self._alert(AlertKind.RESUMED, AlertLevel.INFO, "resumed by hand.")
        return self._flush()

    def connected(self) -> SessionOutput:
        """A connection is up: reload where we stood; an initiator sends its Logon."""
        self._framer.reset()
        self._queue.clear()
        self._answered_early.clear()
        self._resend_until, self._test_req_id = 0, None
        self._set_record(self.store.session_record(self.config.name) or self.record)
        self.next_out = self.store.last_outbound_seq(self._record.key) + 1
        if self.initiator:
            self._move(SessionEvent.CONNECTED_AS_INITIATOR)
            reset = self._reset_wanted or self.config.reset_on_logon or self._daily_reset_due()
            if reset:
                self._new_epoch()
            self._send(admin.logon(self.heartbeat_interval, reset=reset))
        else:
            self._move(SessionEvent.CONNECTED_AS_ACCEPTOR)
        self._last_in = self.clock.monotonic()
        return self._flush()

    def _daily_reset_due(self) -> bool:
        """The last epoch began before the current scheduled session: both sides start again at 1."""
        if not self.config.daily_reset or self.config.schedule.non_stop:
            return False
        started = datetime.fromisoformat(self._record.started_ts)
        return started < self.config.schedule.session_start(self.clock.now())

    def connection_lost(self) -> SessionOutput:
        """The connection closed (either side)."""
        if self.state is not SessionState.DISCONNECTED:
            was_active = self.is_active
            self._move(SessionEvent.CONNECTION_LOST)
            if was_active:
                self._alert(AlertKind.CONNECTION_LOST, AlertLevel.WARNING, "connection lost.")
        return self._flush()

    def data_received(self, data: bytes) -> SessionOutput:
        """Bytes from the socket, in any pieces; the clock is read once for everything that arrived.

        A frame of a layout the session's fast lane knows (``fast_lane.PlainLane``) that is the next application
        message of an active session, from the right CompIDs and with a timely SendingTime, is taken at once; every
        other frame goes through each check in turn (``_frame``), which would take such a frame the same way."""
        self._received_at, self._received_mono = self.clock.now(), self.clock.monotonic()
        self._in_time_text = None
        for item in self._framer.feed(data):
            if self.state in (SessionState.DISCONNECTED, SessionState.STOPPED):
                break
            if isinstance(item, Garbled):
                self._garbled(item)
                continue
            msg = item.fields
            if msg is None or not self._taken(msg, item.raw):
                self._frame(item, msg)
        return self._flush()

    def _taken(self, msg: FixMessage, raw: bytes) -> bool:
        """Take ``msg`` (of plain shape) if it is the next application message of an active session, from the
        right CompIDs, sent at a time near ours; False (nothing done) for the full way to check it."""
        kind, seq_text, sender, target, begin, text = msg.values_of(_TAKEN_KEYS)  # each there: a plain frame's
        config, seq = self.config, self._next_in
        if (
            self.state is not SessionState.ACTIVE
            or self._queue
            or self._resend_until
            or kind in _ACTED_ON_HERE
            or seq_text != str(seq)
            or sender != config.target_comp_id
            or target != config.sender_comp_id
            or begin != config.begin_string
        ):
            return False
        if text != self._in_time_text or self._in_time is None:
            try:
                sending_time = parse_utc_timestamp(text)  # type: ignore[arg-type]  # a plain frame's header has 52
            except FixValueError:
                return False
            if abs((self._received_at - sending_time).total_seconds()) > config.max_clock_skew:
                return False
            self._in_time_text, self._in_time = text, sending_time
        stats = self.stats
        stats.messages_in += 1
        stats.last_received = self._received_at
        self._last_in = self._received_mono
        self._next_in = seq + 1
        self._out.received.append(Received(seq, msg, raw))
        return True

    def on_timer(self) -> SessionOutput:
        """Check the clock: logon and logout timeouts, heartbeats, test requests, a silent line."""
        now = self.clock.monotonic()
        state, interval = self.state, self.heartbeat_interval
        if state in (SessionState.LOGON_SENT, SessionState.AWAITING_LOGON):
            if now - self._state_since >= self.config.logon_timeout:
                self._drop(f"no Logon from {self.config.target_comp_id} within {self.config.logon_timeout:g} s")
        elif state is SessionState.LOGOUT_SENT:
            if now - self._state_since >= self.config.logout_timeout:
                self._drop("the counterparty did not answer our Logout in time")
        elif state is SessionState.ACTIVE:
            silent = now - self._last_in
            if silent >= DISCONNECT_AFTER * interval:
                self._drop(f"nothing received from {self.config.target_comp_id} for {silent:.0f} s")
            elif silent >= TEST_REQUEST_AFTER * interval and self._test_req_id is None:
                self._test_req_id = f"TEST-{self.next_out}"
                self._send(admin.request_heartbeat(self._test_req_id))
            if self.state is SessionState.ACTIVE and now - self._last_out >= interval:
                self._send(admin.heartbeat())
        return self._flush()

    def next_timer(self) -> float:
        """Seconds until ``on_timer`` next has something to do (at most one second: cheap to call)."""
        return min(1.0, max(0.05, self.heartbeat_interval / 10))

    def send(self, body: FixMessage) -> Outgoing:
        """Stamp an application message with the next MsgSeqNum. Store it, then write it if ``is_active``.

        While the session is down the message still takes its number; the counterparty asks for it after
        the next logon (or it is gap-filled there, if by then it is too old to act on).
        """
        outgoing = self._stamp(body)
        if self.is_active:
            self.stats.messages_out += 1
            self.stats.last_sent = self.clock.now()
            self._last_out = self.clock.monotonic()
        return outgoing

    def take_back(self, seq: int) -> None:
        """Messages from ``seq`` on were never stored (their transaction failed): reuse their numbers."""
        if seq <= self.next_out:
            self.next_out = seq

    def logout(self, text: str = "") -> SessionOutput:
        """Log out politely; reports keep being processed until the reply or the logout timeout."""
        if self.state is SessionState.ACTIVE:
            self._send(admin.logout(text))
            self._move(SessionEvent.LOGOUT_STARTED)
        elif self.state in (SessionState.LOGON_SENT, SessionState.AWAITING_LOGON):
            self._drop("logged out before the logon completed")
        return self._flush()

    def forget_unstored(self) -> None:
        """What this session last received could not be stored (the application's transaction failed): go back to
        the next inbound MsgSeqNum in the store, so that nothing stored after it (the lost line's alert, say)
        records the messages as received, and the counterparty is asked for them again at the next logon."""
        self._set_record(self.store.session_record(self.config.name) or self.record)

    def reject(self, received: Received, reason: SessionRejectReason, text: str, tag: int | None) -> SessionOutput:
        """Answer an application message the mapping could not read with a session Reject (35=3)."""
        self._reject(received.seq, reason, text, tag, received.message.msg_type)
        return self._flush()

    # Inbound ---------------------------------------------------------------------------------------

    def _garbled(self, garbled: Garbled) -> None:
        self.stats.garbled += 1
        if self.state is not SessionState.ACTIVE and self.state is not SessionState.LOGOUT_SENT:
            self._drop(f"garbled data before the logon completed ({garbled.detail})")
        else:
            self._alert(AlertKind.GARBLED, AlertLevel.WARNING, str(garbled))

    def _frame(self, frame: Frame, msg: FixMessage | None) -> None:
        """Check and act on one frame (``msg``: its fields, if already read)."""
        self.stats.messages_in += 1
        self._last_in = self._received_mono
        self.stats.last_received = self._received_at
        if msg is None:
            try:
                msg = parse_message(frame.raw)
            except FixParseError as bad:
                self._unreadable(bad)
                return
            if (lane := self._framer.lane) is not None:
                lane.learn(msg)
        seq = self._acceptable(msg)
        if seq is not None:
            self._sequence(msg, seq, frame.raw)

    def _unreadable(self, bad: FixParseError) -> None:
        if not self.is_active:
            self._drop(f"an unreadable message before the logon completed: {bad}")
        elif bad.seq_num == self.next_in:
            self._reject(bad.seq_num, SessionRejectReason(bad.reject_reason), str(bad), bad.tag, bad.msg_type or "")
            self._advance_in()
        else:
            self._alert(AlertKind.DROPPED, AlertLevel.WARNING, f"dropped a message: {bad}")

    def _acceptable(self, msg: FixMessage) -> int | None:
        """The checks every message passes before its MsgSeqNum is looked at: its MsgSeqNum, None once handled.

        Read on every message, so the header is read straight from the message's first values (by wire tag); a
        field missing or malformed is then read again through the message's accessors, which raise the error
        that names it."""
        config, first = self.config, msg.first_values()
        try:
            seq_text, kind = first.get(_SEQ_KEY), first[_TYPE_KEY]
            if seq_text is not None and len(seq_text) <= _MAX_DIGITS and seq_text.isascii() and seq_text.isdigit():
                seq = int(seq_text)
            else:
                seq = msg.seq_num
            if first[_BEGIN_KEY] != config.begin_string:
                self._logout_and_drop(f"BeginString must be {config.begin_string}, not {msg.begin_string}")
                return None
            if self.state not in _LOGGED_ON and kind != _LOGON:
                if kind == _LOGOUT:
                    self._logout_received(msg)
                else:
                    self._drop(f"the first message was {_type_name(kind)}, not a Logon")
                return None
            sender, target = first.get(_SENDER_KEY), first.get(_TARGET_KEY)
            if sender is None or target is None:
                sender, target = msg.sender_comp_id, msg.target_comp_id  # raises FieldMissingError naming it
            if sender != config.target_comp_id or target != config.sender_comp_id:
                text = f"CompIDs must be {config.target_comp_id}->{config.sender_comp_id}"
                self._reject(seq, SessionRejectReason.COMPID_PROBLEM, text, tags.SENDER_COMP_ID, kind)
                self._logout_and_drop(text)
                return None
            if kind in _FIELDS_CHECKED:
                _readable_session_fields(msg, kind)
            return seq if self._timely(msg, first, seq, kind) else None
        except FixCodecError as bad:
            if not self.is_active:
                self._drop(f"a Logon that cannot be read: {bad}")
                return None
            seq_text = msg.get(tags.MSG_SEQ_NUM)
            if seq_text is not None and seq_text.isdigit() and int(seq_text) == self.next_in:
                reason = (
                    SessionRejectReason.REQUIRED_TAG_MISSING
                    if isinstance(bad, FieldMissingError)
                    else SessionRejectReason.INCORRECT_DATA_FORMAT
                )
                self._reject(int(seq_text), reason, str(bad), getattr(bad, "tag", None), msg.get(tags.MSG_TYPE) or "")
                self._advance_in()
            else:
                self._alert(AlertKind.DROPPED, AlertLevel.WARNING, f"dropped a message: {bad}")
            return None

    def _timely(self, msg: FixMessage, first: Mapping[str, str], seq: int, kind: str) -> bool:
        text = first.get(_SENDING_TIME_KEY)
        if text is not None and text == self._in_time_text and self._in_time is not None:
            sending_time = self._in_time  # a burst shares its SendingTimes; each is checked once per read
        else:
            sending_time = msg.sending_time
            skew = abs((self._received_at - sending_time).total_seconds())
            if skew > self.config.max_clock_skew:
                text = f"SendingTime is {skew:.0f} s away from our clock (at most {self.config.max_clock_skew:g} s)"
                self._reject(seq, SessionRejectReason.SENDING_TIME_ACCURACY, text, tags.SENDING_TIME, kind)
                self._logout_and_drop(text)
                return False
            self._in_time_text, self._in_time = text, sending_time
        if kind != _SEQUENCE_RESET and first.get(_POSS_DUP_KEY, "N") != "N" and msg.poss_dup:  # raises if not Y
            original = msg.orig_sending_time
            if original is None:
                if seq == self.next_in:
                    text = "a possible duplicate needs OrigSendingTime (122)"
                    self._reject(seq, SessionRejectReason.REQUIRED_TAG_MISSING, text, tags.ORIG_SENDING_TIME, kind)
                    self._advance_in()
                return False
            if original > sending_time:
                text = "OrigSendingTime (122) is later than SendingTime (52)"
                self._reject(seq, SessionRejectReason.SENDING_TIME_ACCURACY, text, tags.ORIG_SENDING_TIME, kind)
                self._logout_and_drop(text)
                return False
        return True

    def _sequence(self, msg: FixMessage, seq: int, raw: bytes) -> None:
        kind, expected = msg.msg_type, self._next_in
        if kind == _SEQUENCE_RESET and not msg.get_bool(tags.GAP_FILL_FLAG):
            self._hard_reset(msg)
        elif kind == _LOGON and not self.is_active:
            self._logon(msg, seq)
        elif seq == expected:
            self._process(seq, msg, raw)
            self._drain_queue()
        elif seq > expected:
            if kind == _RESEND_REQUEST:  # answered now: the counterparty may wait on it to close its own gap
                self._answer_resend(msg.field(tags.BEGIN_SEQ_NO, parse_int), msg.field(tags.END_SEQ_NO, parse_int))
                self._answered_early.add(seq)
            self._gap(seq, msg, raw)
        elif not msg.poss_dup:
            self._too_low(seq)

    def _logon(self, msg: FixMessage, seq: int) -> None:
        reset = bool(msg.get_bool(tags.RESET_SEQ_NUM_FLAG))
        if not self.initiator:
            interval = msg.get_int(tags.HEART_BT_INT)
            if interval is None or interval < 1:
                self._drop("the Logon carries no usable HeartBtInt (108)")
                return
            self.heartbeat_interval = interval
            if reset:
                self._new_epoch()
        elif reset and self._next_in != 1:  # a reset we did not ask for: taken, as QuickFIX does, but loudly
            self._new_epoch()
            self._alert(
                AlertKind.RESET_BY_COUNTERPARTY,
                AlertLevel.ERROR,
                f"{self.config.target_comp_id} reset sequence numbers to 1 (141=Y) without our asking: messages "
                "either side sent before the reset can no longer be asked for again. Check open orders with the venue.",
            )
        if seq < self.next_in:
            self._too_low(seq)
            return
        if not self.initiator:
            self._send(admin.logon(self.heartbeat_interval, reset=reset))
        self._move(SessionEvent.LOGON_ACCEPTED)
        self._out.logged_on = True
        self._alert(AlertKind.LOGGED_ON, AlertLevel.INFO, "logged on.")
        if seq == self.next_in:
            self._advance_in()
        else:
            self._gap(seq, None, b"")

    def _hard_reset(self, msg: FixMessage) -> None:
        """SequenceReset-Reset: the counterparty says where its numbers go on, whatever this one's 34 is."""
        new = msg.field(tags.NEW_SEQ_NO, parse_int)
        if new < self.next_in:
            text = f"SequenceReset may not lower NewSeqNo (36) to {new}: we expect {self.next_in}"
            self._reject(msg.seq_num, SessionRejectReason.VALUE_INCORRECT, text, tags.NEW_SEQ_NO, msg.msg_type)
            return
        self._set_next_in(new)
        self._drain_queue()

    def _gap(self, seq: int, msg: FixMessage | None, raw: bytes) -> None:
        if msg is not None:
            self._queue[seq] = (msg, raw)
        if self.next_in <= self._resend_until:
            return  # one ResendRequest covers the gap already
        self._resend_until = seq
        self.stats.gaps += 1
        self._alert(AlertKind.GAP, AlertLevel.WARNING, f"messages {self.next_in} to {seq - 1} missing; asked again.")
        self._send(admin.resend_request(self.next_in))

    def _too_low(self, seq: int) -> None:
        text = f"MsgSeqNum too low, expecting {self.next_in} but received {seq}"
        self._send(admin.logout(text))
        self._alert(
            AlertKind.SEQ_TOO_LOW,
            AlertLevel.ERROR,
            f"{text}. The counterparty may have lost its message store; the session is stopped until someone "
            "checks with them and resumes it (with a sequence reset if agreed).",
        )
        self._out.disconnect = text
        self._move(SessionEvent.FATAL)

    def _drain_queue(self) -> None:
        """Process queued messages now in sequence; ask again if a gap is still open after a resend ends."""
        if self._queue:
            self._queue = {seq: item for seq, item in self._queue.items() if seq >= self._next_in}
            self._answered_early &= self._queue.keys()
            while self.is_active and (item := self._queue.pop(self._next_in, None)) is not None:
                self._process(self._next_in, *item)
        if self._next_in > self._resend_until:
            self._resend_until = 0
            if self._queue and self.is_active:
                self._gap(min(self._queue), None, b"")

    def _process(self, seq: int, msg: FixMessage, raw: bytes) -> None:
        """A message in sequence (``seq``): act on it, then count it."""
        kind = msg.msg_type
        if kind not in _ACTED_ON_HERE:  # the usual case: the application's
            self._advance_in()
            self._out.received.append(Received(seq, msg, raw))
            return
        if kind == _SEQUENCE_RESET:
            new = msg.field(tags.NEW_SEQ_NO, parse_int)
            if new <= seq:
                text = f"a GapFill must move MsgSeqNum forward, but NewSeqNo (36) is {new}"
                self._reject(seq, SessionRejectReason.VALUE_INCORRECT, text, tags.NEW_SEQ_NO, kind)
                self._advance_in()
            else:
                self._set_next_in(new)
            return
        self._advance_in()
        if kind == _HEARTBEAT:
            if self._test_req_id is not None and msg.get(tags.TEST_REQ_ID) == self._test_req_id:
                self._test_req_id = None
        elif kind == _TEST_REQUEST:
            self._send(admin.heartbeat(msg.field(tags.TEST_REQ_ID, str)))
        elif kind == _RESEND_REQUEST:
            if seq in self._answered_early:
                self._answered_early.discard(seq)
            else:
                self._answer_resend(msg.field(tags.BEGIN_SEQ_NO, parse_int), msg.field(tags.END_SEQ_NO, parse_int))
        elif kind == _LOGOUT:
            self._logout_received(msg)
        elif kind == _LOGON:
            self._alert(AlertKind.IGNORED, AlertLevel.WARNING, "a second Logon was ignored.")

    def _logout_received(self, msg: FixMessage) -> None:
        text = msg.get(tags.TEXT) or ""
        if self.state is SessionState.ACTIVE:
            self._send(admin.logout())
        level = AlertLevel.INFO if self.state is SessionState.LOGOUT_SENT else AlertLevel.WARNING
        self._alert(AlertKind.LOGGED_OUT, level, "logged out" + (f": {text}" if text else "."))
        self._out.disconnect = f"logout{': ' + text if text else ''}"
        self._move(SessionEvent.LOGOUT_RECEIVED)

    # Answering a ResendRequest ---------------------------------------------------------------------

    def _answer_resend(self, begin: int, end: int) -> None:
        """Send ``begin..end`` again: application messages as possible duplicates, the rest as GapFills."""
        last = self.next_out - 1
        end = last if end == 0 or end > last else end
        self.stats.resend_requests_answered += 1
        if begin > end:
            return
        now = self.clock.now()
        gap_from: int | None = None  # first MsgSeqNum of the run not being sent again
        due = begin
        for seq, raw in self.store.outbound_messages(self._record.key, begin, end):
            if seq > due and gap_from is None:
                gap_from = due  # not in the store at all
            again = self._resendable(raw, now)
            if again is None:
                gap_from = seq if gap_from is None else gap_from
            else:
                if gap_from is not None:
                    self._gap_fill(gap_from, seq, now)
                    gap_from = None
                self._write(Outgoing(seq, again.encode(), again.msg_type, False, self._record.key))
            due = seq + 1
        if gap_from is None and due <= end:
            gap_from = due
        if gap_from is not None:
            self._gap_fill(gap_from, end + 1, now)
        self._alert(
            AlertKind.RESEND, AlertLevel.INFO, f"{self.config.target_comp_id} asked again for {begin} to {end}."
        )

    def _resendable(self, raw: bytes, now: datetime) -> FixMessage | None:
        """The stored message as it goes out again, or ``None`` if it is gap-filled instead."""
        stored = parse_message(raw)
        kind = stored.msg_type
        if kind in ADMIN_MSG_TYPES:
            return None
        too_old = timedelta(seconds=self.config.max_resend_age)
        if kind in ORDER_MSG_TYPES and now - stored.sending_time > too_old:
            return None
        return admin.possible_duplicate(stored, now)

    def _gap_fill(self, seq: int, new_seq_no: int, now: datetime) -> None:
        fill = admin.sequence_reset(new_seq_no, gap_fill=True)
        fill.extend([(tags.POSS_DUP_FLAG, True), (tags.ORIG_SENDING_TIME, now)])
        self._write(Outgoing(seq, self._header(fill, seq, now).encode(), fill.msg_type, False, self._record.key))

    # Outbound --------------------------------------------------------------------------------------

    def _send(self, body: FixMessage) -> None:
        self._write(self._stamp(body))

    def _stamp(self, body: FixMessage) -> Outgoing:
        seq = self.next_out
        self.next_out = seq + 1
        raw = self._header(body, seq, self.clock.now()).encode()
        return Outgoing(seq, raw, body.msg_type, True, self._record.key)

    def _header(self, body: FixMessage, seq: int, now: datetime) -> FixMessage:
        config = self.config
        return body.extend(
            [
                (tags.SENDER_COMP_ID, config.sender_comp_id),
                (tags.TARGET_COMP_ID, config.target_comp_id),
                (tags.MSG_SEQ_NUM, seq),
                (tags.SENDING_TIME, now),
            ]
        )

    def _write(self, outgoing: Outgoing) -> None:
        self._out.sends.append(outgoing)
        self.stats.messages_out += 1
        self.stats.last_sent = self.clock.now()
        self._last_out = self.clock.monotonic()

    def _reject(self, seq: int, reason: SessionRejectReason, text: str, tag: int | None, msg_type: str = "") -> None:
        self.stats.rejects_sent += 1
        self._send(admin.reject(seq, reason, text, ref_tag=tag, ref_msg_type=msg_type))
        self._alert(AlertKind.REJECT_SENT, AlertLevel.WARNING, f"rejected message {seq}: {text}")

    # State -----------------------------------------------------------------------------------------

    def _advance_in(self) -> None:
        self._next_in += 1

    def _set_next_in(self, seq: int) -> None:
        self._next_in = seq

    def _set_record(self, record: SessionRecord) -> None:
        self._record, self._next_in = record, record.next_in_seq

    def _new_epoch(self) -> None:
        self._set_record(SessionRecord(self.config.name, self._record.epoch + 1, _iso(self.clock.now()), 1))
        self.next_out = 1
        self._reset_wanted = False
        self._queue.clear()
        self._answered_early.clear()
        self._resend_until = 0

    def _logout_and_drop(self, text: str) -> None:
        self._send(admin.logout(text))
        self._drop(text)

    def _drop(self, reason: str) -> None:
        self._alert(AlertKind.DISCONNECTED, AlertLevel.ERROR, f"disconnected: {reason}.")
        self._out.disconnect = reason
        self._move(SessionEvent.CONNECTION_LOST)

    def _move(self, event: SessionEvent) -> None:
        was_active = self.is_active
        self.state = next_state(self.state, event)
        self._state_since = self.clock.monotonic()
        if was_active and not self.is_active:
            self._out.line_lost = True
            self.stats.up_since, self.stats.down_since = None, self.clock.now()
        elif self.is_active and not was_active:
            self.stats.logons += 1
            self.stats.up_since, self.stats.down_since = self.clock.now(), None

    def _alert(self, kind: AlertKind, level: AlertLevel, text: str) -> None:
        self._out.alerts.append(Alert(level, f"{self.config.name}: {text}", kind))

    def _flush(self) -> SessionOutput:
        out, self._out = self._out, SessionOutput()
        return out


def _readable_session_fields(msg: FixMessage, kind: str) -> None:
    """Raise FixCodecError if a session message lacks, or garbles, a field the core must act on."""
    if kind == _TEST_REQUEST:
        msg.field(tags.TEST_REQ_ID, str)
    elif kind == _LOGON:
        msg.get_int(tags.HEART_BT_INT)
    for tag in _NEEDED_NUMBERS.get(kind, ()):
        msg.field(tag, parse_int)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _type_name(msg_type: str) -> str:
    try:
        return f"{MsgType(msg_type).name.replace('_', ' ').title()} (35={msg_type})"
    except ValueError:
        return f"MsgType {msg_type}"
