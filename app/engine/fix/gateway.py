"""The desktop's FIX side: one initiator session per destination, joined to the engine in both directions.

Out: the gateway is the engine's ``Outbound``. A request staged inside the engine's transaction is mapped
to 35=D/F/G (a kill switch's mass cancel to 35=q, for venues configured with ``mass_cancel``), stamped
with the session's next MsgSeqNum and stored in that same transaction; only after the commit are its
bytes written (or, with the line down, left for the venue to ask for after the next logon).
A failed transaction hands the numbers back.

In: each batch of messages a session received in sequence is mapped (8, 9, r, and 3/j through RefSeqNum to
the request they refuse) and applied in one engine transaction, together with the session's new inbound
MsgSeqNum, the raw messages (for the audit timeline) and any session messages it sends in answer. Then:
DK for executions of orders we do not know, OrderStatusRequest for every live order after a logon, and
the unknown state for unanswered requests when a line drops. A message that cannot be read is answered
with a session Reject and never reaches the engine.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from app.engine.clock import Clock
from app.engine.errors import OemsError
from app.engine.events import SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import Alert, AlertKind, AlertLevel
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.errors import FixRejectError
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.order_messages import (
    dont_know_message,
    mass_cancel_message,
    request_message,
    status_request_message,
)
from app.engine.fix.reject_messages import rejected_request
from app.engine.fix.report_messages import cancel_reject, execution_report, mass_cancel_report
from app.engine.fix.session import FixSession, Outgoing, Received, SessionOutput
from app.engine.fix.session_writes import send_stored
from app.engine.fix.tags import MsgType, SessionRejectReason
from app.engine.fix.transport import Backoff, Initiator
from app.engine.store import SessionRecord, Transaction
from app.engine.venue_messages import ExecutionReport, InboundMessage, MassCancelRequest, OutboundRequest

if TYPE_CHECKING:
    from app.engine.engine import Engine

_log = logging.getLogger(__name__)

ALERTS_KEPT = 500
"""Session alerts remembered for the health view."""
_EXECUTION_REPORT = MsgType.EXECUTION_REPORT.value  # compared with every message received: a plain name


class FixGateway:
    """The desktop's order sessions (role ``orders`` in the configuration). Create it, open the engine with it
    as ``outbound``, then ``attach``."""

    def __init__(self, configs: Sequence[SessionConfig], clock: Clock, backoff: Backoff | None = None) -> None:
        self.configs = {c.name: c for c in configs if c.role is SessionRole.ORDERS}
        self.clock, self.backoff = clock, backoff
        self.sessions: dict[str, FixSession] = {}
        self.initiators: dict[str, Initiator] = {}
        self.alerts: deque[tuple[datetime, SessionAlertRaised]] = deque(maxlen=ALERTS_KEPT)
        """The newest session alerts (as recorded), with when each was raised."""
        self.last_alert: dict[str, tuple[datetime, SessionAlertRaised]] = {}
        """Each session's newest alert and when it was raised (the health view's last-alert column)."""
        self._alert_listeners: list[Callable[[datetime, SessionAlertRaised], None]] = []
        self._engine: Engine | None = None
        self._staged: list[tuple[str, Outgoing]] = []
        self._stored_records: dict[str, SessionRecord] = {}
        self._status_requests = 0

    def attach(self, engine: Engine) -> None:
        """Build the sessions on the engine's store (their numbers and messages live there)."""
        self._engine = engine
        for name, config in self.configs.items():
            session = FixSession(config, self.clock, engine.store, initiator=True)
            self.sessions[name] = session
            self.initiators[name] = Initiator(session, self, self.backoff)

    def subscribe_alerts(self, listener: Callable[[datetime, SessionAlertRaised], None]) -> None:
        """Call ``listener`` with every session alert and its time (the health view), after it is recorded."""
        self._alert_listeners.append(listener)

    async def start(self) -> None:
        """Start connecting every session."""
        for initiator in self.initiators.values():
            initiator.start()

    async def stop(self) -> None:
        """Log every session out and stop reconnecting."""
        await asyncio.gather(*(initiator.stop() for initiator in self.initiators.values()))

    @property
    def engine(self) -> Engine:
        """The engine this gateway serves."""
        if self._engine is None:
            raise OemsError("The FIX gateway is not attached to an engine yet.")
        return self._engine

    # The engine's Outbound -------------------------------------------------------------------------

    def stage(self, request: OutboundRequest, tx: Transaction) -> None:
        """Map ``request``, give it the session's next MsgSeqNum and store it in ``tx``; write nothing yet."""
        session = self.sessions.get(request.destination)
        if session is None:
            known = ", ".join(sorted(self.sessions)) or "none"
            raise OemsError(f"No FIX session is set up for destination {request.destination} (configured: {known}).")
        now = self.clock.now()
        if isinstance(request, MassCancelRequest):
            body = mass_cancel_message(request.cl_ord_id, now, request.symbol)
        else:
            body = request_message(request, now)
        outgoing = session.send(body)
        self._staged.append((request.destination, outgoing))
        tx.add_outbound(outgoing.key, outgoing.seq, outgoing.raw, tx.last_seq or None)

    def takes_mass_cancel(self, destination: str) -> bool:
        """Whether the venue's session is configured to take OrderMassCancelRequest (35=q)."""
        config = self.configs.get(destination)
        return config is not None and config.mass_cancel

    def line_up(self, destination: str) -> bool:
        """Whether the order session to ``destination`` is logged on."""
        session = self.sessions.get(destination)
        return session is not None and session.is_active

    def line_sound(self, destination: str) -> bool:
        """Whether the line to ``destination`` is as it should be: logged on, or down outside its hours."""
        initiator = self.initiators.get(destination)
        return self.line_up(destination) or (initiator is not None and initiator.opens_at is not None)

    def release(self) -> None:
        """The transaction committed: write the staged messages on the sessions that are up."""
        staged, self._staged = self._staged, []
        for name, outgoing in staged:
            self.initiators[name].write([outgoing])

    def discard(self) -> None:
        """The transaction failed: nothing was stored, so the MsgSeqNums go back to their sessions."""
        staged, self._staged = self._staged, []
        for name, outgoing in reversed(staged):
            self.sessions[name].take_back(outgoing.seq)

    # Each session's application --------------------------------------------------------------------

    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """Apply what ``session`` received and store what it sends, in one engine transaction."""
        name = session.config.name
        messages: list[InboundMessage] = []
        kept: list[Received] = []
        answers: list[Outgoing] = []
        alerts = list(out.alerts)
        for received in out.received:
            try:
                message = self._read(session, received, alerts)
            except FixRejectError as bad:
                reason = SessionRejectReason(bad.reject_reason)
                answers += session.reject(received, reason, str(bad), bad.tag).sends
                continue
            kept.append(received)
            if message is not None:
                messages.append(message)
        received_at = self.clock.now().isoformat()

        def store_session(tx: Transaction) -> None:
            for outgoing in (*out.sends, *answers):
                if outgoing.new:
                    tx.add_outbound(outgoing.key, outgoing.seq, outgoing.raw)
            record = session.record
            key = record.key  # one epoch for the whole read
            for received in kept:
                tx.add_inbound(key, received.seq, received_at, received.raw, received.message.get(tags.CL_ORD_ID))
            tx.save_session(record)

        notes = [SessionAlertRaised(name, a.kind, a.level, a.text) for a in alerts]
        dont_know: list[ExecutionReport] = []
        something_to_store = kept or answers or notes or any(o.new for o in out.sends)
        if something_to_store or session.record != self._stored_records.get(name):  # a quiet tick commits nothing
            dont_know = self.engine.apply_venue_messages(messages, also=store_session, notes=notes).dont_know
            self._stored_records[name] = session.record
        if out.line_lost:
            self.engine.line_lost(name)
        follow_up = [dont_know_message(report) for report in dont_know]
        if out.logged_on:
            follow_up += self._status_requests_for(name)
        self._tell(notes)
        return answers + (self._send_now(session, follow_up) if follow_up else [])

    def _read(self, session: FixSession, received: Received, alerts: list[Alert]) -> InboundMessage | None:
        msg, name = received.message, session.config.name
        kind = msg.msg_type
        if kind == _EXECUTION_REPORT:
            return execution_report(msg, name)
        if kind == MsgType.ORDER_CANCEL_REJECT:
            return cancel_reject(msg, name)
        if kind == MsgType.ORDER_MASS_CANCEL_REPORT:
            return mass_cancel_report(msg, name)
        if kind in (MsgType.REJECT, MsgType.BUSINESS_MESSAGE_REJECT):
            ref = msg.get_int(tags.REF_SEQ_NUM)
            stored = self.engine.store.outbound_messages(session.record.key, ref, ref) if ref else []
            refused = rejected_request(msg, parse_message(stored[0][1]) if stored else None, name)
            if refused is None:
                text = f"{name} rejected message {ref}: {msg.get(tags.TEXT) or ''}"
                alerts.append(Alert(AlertLevel.WARNING, text, AlertKind.REJECT_RECEIVED))
            return refused
        alerts.append(
            Alert(AlertLevel.INFO, f"{name} sent a {kind} message, which the desk does not act on.", AlertKind.IGNORED)
        )
        return None

    def _status_requests_for(self, name: str) -> list[FixMessage]:
        """After a logon: ask where every live order on this destination stands."""
        bodies = []
        for order in self.engine.ledger.live():
            if order.spec.destination == name:
                self._status_requests += 1
                bodies.append(status_request_message(order, f"STATUS-{self._status_requests}"))
        return bodies

    def _send_now(self, session: FixSession, bodies: list[FixMessage]) -> list[Outgoing]:
        """Stamp and store messages the gateway sends of its own accord; the caller writes them."""
        return send_stored(self.engine.store, session, bodies)

    def _tell(self, alerts: list[SessionAlertRaised]) -> None:
        now = self.clock.now()
        for alert in alerts:
            self.alerts.append((now, alert))
            self.last_alert[alert.session] = (now, alert)
            log = _log.warning if alert.level is not AlertLevel.INFO else _log.info
            log("%s", alert.text)
            for listener in self._alert_listeners:
                listener(now, alert)
