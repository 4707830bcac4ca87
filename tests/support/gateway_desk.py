"""The real engine and FIX gateway on a temp store, logged on to a scripted venue through a session core fed
bytes by hand (no socket): what the gateway scenario tests and the audit timeline tests drive."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.events import EVENT_TYPES, AnomalyKind, AnomalyRecorded, SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.config import SessionRole
from app.engine.fix.desk_sessions import SessionGroup
from app.engine.fix.drop_copy import DropCopyGateway
from app.engine.fix.gateway import FixGateway
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.session import Outgoing, SessionOutput
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from app.engine.ids import OrderId
from app.engine.order import Order
from app.engine.serialization import from_json
from app.engine.store import EventStore
from app.engine.venue_messages import ExecutionReport
from tests.support.engine_kit import DESK, TRADER, PassGate, spec
from tests.support.fix_reports import report_fields
from tests.support.fix_script import Peer, session_config
from tests.support.reports import VenueOrder


class Wire:
    """Stands in for the initiator: keeps what the gateway writes (and tells the health view it never retried)."""

    def __init__(self) -> None:
        self.written: list[FixMessage] = []
        self.attempts, self.retry_at, self.held, self.opens_at, self.last_error = 0, None, False, None, ""

    def write(self, outgoing: Sequence[Outgoing]) -> None:
        self.written += [parse_message(o.raw) for o in outgoing]


class Line:
    """One of the desk's sessions logged on to a scripted counterparty, fed bytes by hand."""

    def __init__(self, sessions: SessionGroup, name: str, clock: FakeClock, first_seq: int = 1) -> None:
        self.sessions = sessions
        self.wire = Wire()
        sessions.initiators[name] = self.wire  # type: ignore[assignment]
        self.session = sessions.sessions[name]
        config = self.session.config
        self.peer = Peer(clock, sender=config.target_comp_id, target=config.sender_comp_id)
        self.peer.next_seq = first_seq
        self.carry(self.session.connected())
        self.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 30)])

    def carry(self, out: SessionOutput) -> None:
        """Write what the session sends, then what its application answers, as the transport's connection does
        (after ``carry_out`` returns: anything written during it went out first)."""
        extra = self.sessions.carry_out(self.session, out)
        self.wire.write([*out.sends, *extra])

    def reconnect(self) -> None:
        """The line drops, then the session connects and logs on again."""
        self.carry(self.session.connection_lost())
        self.carry(self.session.connected())
        self.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 30)])

    def hear(self, msg_type: str, body: Sequence[tuple[int, FixValue]], **peer: object) -> None:
        """The counterparty sends one message (``peer``: its MsgSeqNum, PossDup and so on)."""
        self.carry(self.session.data_received(self.peer.message(msg_type, body, **peer)))  # type: ignore[arg-type]

    def report(self, report: ExecutionReport, **peer: object) -> None:
        """The counterparty sends an execution report."""
        self.hear(MsgType.EXECUTION_REPORT, report_fields(report), **peer)


class Desk:
    """Engine + gateway on a temp store, logged on to a scripted venue (and its drop copy, if wanted)."""

    def __init__(self, path: Path, *, drop_copy: bool = False, mass_status: bool = False, venue_seq: int = 1) -> None:
        """``venue_seq``: the venue's next MsgSeqNum, for a desk restarted on the store of an earlier one."""
        self.clock = FakeClock()
        config = dataclasses.replace(session_config("SIMA", "DESK", "VENUE"), mass_status=mass_status)
        self.gateway = FixGateway([config], self.clock)
        self.engine = Engine(
            EventStore.open(path, synchronous_full=False), self.clock, PassGate(), self.gateway, directory=DESK
        )
        self.engine.reload()
        self.gateway.attach(self.engine)
        self.line = Line(self.gateway, "SIMA", self.clock, venue_seq)
        self.wire, self.session, self.venue = self.line.wire, self.line.session, self.line.peer
        copy_config = dataclasses.replace(session_config("SIMA-DC", "DESK", "VENUE-DC"), role=SessionRole.DROP_COPY)
        self.drop_copies = DropCopyGateway([copy_config] if drop_copy else [], self.clock)
        self.drop_copies.attach(self.engine)
        self.copy = Line(self.drop_copies, "SIMA-DC", self.clock) if drop_copy else None

    def _carry(self, out: SessionOutput) -> None:
        self.line.carry(out)

    def hear(self, msg_type: str, body: Sequence[tuple[int, FixValue]], **peer: object) -> None:
        self.line.hear(msg_type, body, **peer)

    def report(self, report: ExecutionReport, **peer: object) -> None:
        self.line.report(report, **peer)

    def copied(self, report: ExecutionReport, **peer: object) -> None:
        """The venue's drop copy session reports ``report``."""
        assert self.copy is not None, "this desk has no drop copy session"
        self.copy.report(report, **peer)

    def submit(self, qty: int = 100) -> tuple[Order, VenueOrder]:
        result = self.engine.submit(SubmitOrder(spec(qty=Decimal(qty), destination="SIMA"), TRADER))
        assert result.order_id is not None
        order = self.order(result.order_id)
        return order, VenueOrder(order.cl_ord_id, qty)

    def order(self, order_id: OrderId) -> Order:
        return self.engine.ledger.orders[order_id]

    def sent(self, msg_type: str) -> list[FixMessage]:
        return [m for m in self.wire.written if m.msg_type == msg_type]

    def anomalies(self) -> list[AnomalyKind]:
        return [e.kind for e in self._events() if isinstance(e, AnomalyRecorded)]

    def anomalies_recorded(self) -> list[AnomalyRecorded]:
        return [e for e in self._events() if isinstance(e, AnomalyRecorded)]

    def alerts(self) -> list[SessionAlertRaised]:
        return [e for e in self._events() if isinstance(e, SessionAlertRaised)]

    def _events(self) -> list[object]:
        return [from_json(EVENT_TYPES[r.kind], r.data) for r in self.engine.store.read()]
