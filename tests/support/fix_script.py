"""Drive one FIX session core with a scripted counterparty, as FIX.md's scenarios read.

``Desk`` plays the driver: it keeps the session's store (persisting every new message before "writing"
it, as the real driver must), remembers everything written and received, and follows a disconnect.
``Peer`` is the other side: it numbers its own messages and can lie about them (gaps, duplicates, bad
CompIDs, old SendingTimes) when a scenario says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from app.engine.clock import FakeClock
from app.engine.fix import tags
from app.engine.fix.alerts import Alert
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.schedule import SessionSchedule
from app.engine.fix.session import FixSession, Received, SessionOutput
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue

DESK, VENUE = "DESK", "VENUE"
START = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def session_config(name: str, sender: str, target: str, port: int = 1, **options: Any) -> SessionConfig:
    """An order session's configuration on this machine, open all the time unless ``options`` give a schedule."""
    options.setdefault("schedule", SessionSchedule())
    return SessionConfig(
        name=name,
        role=SessionRole.ORDERS,
        host="127.0.0.1",
        port=port,
        sender_comp_id=sender,
        target_comp_id=target,
        **options,
    )


class Peer:
    """The counterparty: builds its messages with its own MsgSeqNum."""

    def __init__(self, clock: FakeClock, sender: str = VENUE, target: str = DESK) -> None:
        self.clock, self.sender, self.target = clock, sender, target
        self.next_seq = 1

    def message(
        self,
        msg_type: str,
        fields: Iterable[tuple[int, FixValue]] = (),
        *,
        seq: int | None = None,
        poss_dup: bool = False,
        orig_sending_time: datetime | None = None,
        sending_time: datetime | None = None,
        sender: str | None = None,
    ) -> bytes:
        """The bytes of one message; ``seq`` given means "send this number" (the counter moves on only if
        it was the next one)."""
        number = self.next_seq if seq is None else seq
        if number == self.next_seq:
            self.next_seq += 1
        msg = FixMessage(msg_type, fields).extend(
            [
                (tags.SENDER_COMP_ID, sender or self.sender),
                (tags.TARGET_COMP_ID, self.target),
                (tags.MSG_SEQ_NUM, number),
                (tags.SENDING_TIME, sending_time or self.clock.now()),
            ]
        )
        if poss_dup:
            msg.append(tags.POSS_DUP_FLAG, True)
        if orig_sending_time is not None:
            msg.append(tags.ORIG_SENDING_TIME, orig_sending_time)
        return msg.encode()


class Desk:
    """Our side: a session core, its store, and a record of what happened."""

    def __init__(
        self,
        *,
        initiator: bool = True,
        store: MemorySessionStore | None = None,
        clock: FakeClock | None = None,
        heartbeat_interval: int = 30,
        max_resend_age: int = 60,
        reset_on_logon: bool = False,
        fast_lane: bool = True,
    ) -> None:
        self.clock = clock or FakeClock(START)
        self.store = store or MemorySessionStore()
        sender, target = (DESK, VENUE) if initiator else (VENUE, DESK)
        config = session_config(
            "SIMA",
            sender,
            target,
            heartbeat_interval=heartbeat_interval,
            max_resend_age=max_resend_age,
            reset_on_logon=reset_on_logon,
        )
        self.session = FixSession(config, self.clock, self.store, initiator=initiator, fast_lane=fast_lane)
        self.peer = Peer(self.clock, sender=target, target=sender)
        self.written: list[FixMessage] = []
        self.received: list[Received] = []
        self.alerts: list[Alert] = []
        self.disconnects: list[str] = []

    # driving

    def connect(self) -> list[FixMessage]:
        """The connection comes up; returns what we wrote."""
        return self._carry_out(self.session.connected())

    def logon(self, **peer: object) -> list[FixMessage]:
        """Connect and complete the logon with the peer's reply; returns what we wrote."""
        written = self.connect()
        return written + self.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 30)], **peer)

    def hear(self, msg_type: str, fields: Iterable[tuple[int, FixValue]] = (), **peer: object) -> list[FixMessage]:
        """The peer sends one message; returns what we wrote in answer."""
        return self.hear_bytes(self.peer.message(msg_type, fields, **peer))  # type: ignore[arg-type]

    def hear_bytes(self, data: bytes) -> list[FixMessage]:
        """Raw bytes arrive from the socket; returns what we wrote in answer."""
        return self._carry_out(self.session.data_received(data))

    def send(self, msg_type: str, fields: Iterable[tuple[int, FixValue]] = ()) -> FixMessage:
        """The application sends a message; stored first, written only while logged on."""
        outgoing = self.session.send(FixMessage(msg_type, fields))
        self.store.save(self.session.record, [(outgoing.seq, outgoing.raw)])
        msg = parse_message(outgoing.raw)
        if self.session.is_active:
            self.written.append(msg)
        return msg

    def wait(self, seconds: float, step: float = 1.0) -> list[FixMessage]:
        """Let time pass, calling the timer as the driver would; returns what we wrote."""
        written: list[FixMessage] = []
        left = seconds
        while left > 0:
            self.clock.advance(min(step, left))
            left -= step
            written += self._carry_out(self.session.on_timer())
        return written

    def drop_line(self) -> None:
        """The connection breaks."""
        self._carry_out(self.session.connection_lost())

    # looking

    def types(self, messages: list[FixMessage]) -> list[str]:
        """The MsgTypes of ``messages``."""
        return [m.msg_type for m in messages]

    def delivered(self) -> list[str]:
        """The ClOrdIDs (or MsgTypes) of the application messages delivered so far, in order."""
        return [r.message.get(tags.CL_ORD_ID) or r.message.msg_type for r in self.received]

    def _carry_out(self, out: SessionOutput) -> list[FixMessage]:
        new = [(o.seq, o.raw) for o in out.sends if o.new]
        self.store.save(self.session.record, new)  # durable before written
        written = [parse_message(o.raw) for o in out.sends]
        self.written += written
        self.received += out.received
        self.alerts += out.alerts
        if out.disconnect is not None:
            self.disconnects.append(out.disconnect)
            self._carry_out(self.session.connection_lost())
        return written


def execution(cl_ord_id: str, exec_id: str) -> list[tuple[int, FixValue]]:
    """The body of a minimal ExecutionReport, enough for the session layer (which does not read it)."""
    return [(tags.ORDER_ID, "V1"), (tags.CL_ORD_ID, cl_ord_id), (tags.EXEC_ID, exec_id), (tags.EXEC_TYPE, "0")]


def minutes(n: float) -> timedelta:
    """``n`` minutes."""
    return timedelta(minutes=n)


def reframe(raw: bytes, begin: bytes = b"FIX.4.4") -> bytes:
    """``raw`` with its BodyLength and CheckSum recomputed, so only what a test changed is wrong."""
    body = raw[raw.index(b"\x0135=") + 1 : raw.rindex(b"10=")]
    head = b"8=" + begin + b"\x019=%d\x01" % len(body)
    return head + body + b"10=%03d\x01" % (sum(head + body) % 256)
