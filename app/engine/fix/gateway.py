"""The desktop's FIX side: one initiator session per destination, joined to the engine in both directions.

Out: the gateway is the engine's ``Outbound``. A request staged inside the engine's transaction is mapped
to 35=D/F/G (a user's status request to 35=H, a kill switch's mass cancel to 35=q, for venues configured
with ``mass_cancel``), stamped with the session's next MsgSeqNum and stored in that same transaction; only
after the commit are its bytes written (or, with the line down, left for the venue to ask for after the next logon).
A failed transaction hands the numbers back.

In: each batch of messages a session received in sequence is mapped (8, 9, r, and 3/j through RefSeqNum to
the request they refuse) and applied in one engine transaction, together with the session's new inbound
MsgSeqNum, the raw messages (for the audit timeline) and any session messages it sends in answer. Then:
DK for executions of orders we do not know (a status answer about one is no execution: the engine records it
as an anomaly), status requests for every live order after a logon
(``status_requests.py``: one mass status where the venue takes it; a status answer to a request of an earlier
logon or run is old news, recorded as an alert and not applied), and the unknown state for unanswered
requests when a line drops. A message that cannot be read is answered
with a session Reject and goes no further, except an execution report: refused all the same (a
BusinessMessageReject when it lacks its ClOrdID), it reaches the engine as an unreadable report, an anomaly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.engine.clock import Clock
from app.engine.errors import OemsError
from app.engine.events import SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import Alert, AlertKind, AlertLevel
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.desk_sessions import DeskSessions, Store
from app.engine.fix.errors import FixRejectError
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.order_messages import (
    UNKNOWN_ORDER_ID,
    business_reject_message,
    dont_know_message,
    mass_cancel_message,
    request_message,
    status_request_message,
)
from app.engine.fix.reject_messages import rejected_request
from app.engine.fix.report_messages import cancel_reject, execution_report, mass_cancel_report, unreadable_report
from app.engine.fix.session import FixSession, Outgoing, Received, SessionOutput
from app.engine.fix.status_requests import StatusRequests
from app.engine.fix.tags import BusinessRejectReason, MsgType, SessionRejectReason
from app.engine.fix.transport import Backoff
from app.engine.store import Transaction
from app.engine.venue_messages import InboundMessage, MassCancelRequest, OutboundRequest, StatusRequest

_EXECUTION_REPORT = MsgType.EXECUTION_REPORT.value  # compared with every message received: a plain name


def _seq(outgoing: Outgoing) -> int:
    return outgoing.seq


class FixGateway(DeskSessions[InboundMessage]):
    """The desktop's order sessions (role ``orders`` in the configuration). Create it, open the engine with it
    as ``outbound``, then ``attach``."""

    role: ClassVar[SessionRole] = SessionRole.ORDERS
    what: ClassVar[str] = "order sessions"

    def __init__(self, configs: Sequence[SessionConfig], clock: Clock, backoff: Backoff | None = None) -> None:
        super().__init__(configs, clock, backoff)
        self._staged: list[tuple[str, Outgoing]] = []
        self._status = StatusRequests(lambda: self.engine.ledger)
        self._carrying: str | None = None
        """The session whose carry_out is running: what it releases waits for the messages it has yet to write."""
        self._held: list[Outgoing] = []

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
        elif isinstance(request, StatusRequest):
            body = status_request_message(request)
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
            if name != self._carrying:
                self.initiators[name].write([outgoing])
            elif self.sessions[name].is_active:  # as the initiator's write: while logged out they wait for a resend
                self._held.append(outgoing)

    def discard(self) -> None:
        """The transaction failed: nothing was stored, so the MsgSeqNums go back to their sessions."""
        staged, self._staged = self._staged, []
        for name, outgoing in reversed(staged):
            self.sessions[name].take_back(outgoing.seq)

    # Each session's application --------------------------------------------------------------------

    def carry_out(self, session: FixSession, out: SessionOutput) -> list[Outgoing]:
        """As ``DeskSessions.carry_out``; a request the batch stages on this same session (a deferred cancel, say)
        is numbered after ``out.sends`` and the Rejects, so it is written after them, in MsgSeqNum order."""
        self._carrying = session.config.name
        try:
            extra = super().carry_out(session, out)
        finally:
            self._carrying = None
            held, self._held = self._held, []
        return sorted([*extra, *held], key=_seq) if held else extra

    def _apply(
        self, session: FixSession, messages: list[InboundMessage], store: Store, notes: list[SessionAlertRaised]
    ) -> list[FixMessage]:
        """Apply the batch to the orders; answer a DontKnowTrade for each execution of an order we do not know."""
        dont_know = self.engine.apply_venue_messages(messages, also=store, notes=notes).dont_know
        return [dont_know_message(report) for report in dont_know]

    def survey(self, name: str) -> None:
        """Ask session ``name``'s venue about every order it holds for us at the next logon, live orders of ours or
        not (``StatusRequests.survey``)."""
        self._status.survey(name)

    def _after(self, session: FixSession, out: SessionOutput) -> list[FixMessage]:
        """A lost line leaves the requests it had not answered unknown; after a logon, ask where every live order
        on it stands; once a mass status answer is complete, ask about each order it left out.

        At a logon every request still unanswered is in doubt too: one sent while the line was down, or before a
        restart, may have been gap-filled as too old to act on, and only the status answer can say.
        """
        name = session.config.name
        if out.line_lost or out.logged_on:
            self.engine.line_lost(name)
        if out.logged_on:
            return self._status.after_logon(session)
        return self._status.follow_up(session)

    def _read(self, session: FixSession, received: Received, alerts: list[Alert]) -> InboundMessage | None:
        msg, name = received.message, session.config.name
        kind = msg.msg_type
        if kind == _EXECUTION_REPORT:
            if (stale := self._status.stale(name, msg)) is not None:
                alerts.append(Alert(AlertLevel.INFO, stale, AlertKind.IGNORED))
                return None
            if self._status.answers(name, msg):
                return self._mass_status_answer(msg, name)
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

    def _refuse(
        self, session: FixSession, received: Received, bad: FixRejectError, alerts: list[Alert]
    ) -> tuple[list[Outgoing], InboundMessage | None]:
        """An execution report we cannot read is refused and still kept, for the engine's Anomalies
        (``report_messages.unreadable_report`` says why a fill in it is held, not applied). One without a ClOrdID
        (11) is refused with a BusinessMessageReject (380=5): FIX 4.4 does not require 11 on 35=8, so a session
        Reject would be wrong by the dictionary; any other with the session Reject the fault calls for."""
        msg = received.message
        if msg.msg_type != _EXECUTION_REPORT:
            return super()._refuse(session, received, bad, alerts)
        if bad.tag == tags.CL_ORD_ID and bad.reject_reason == SessionRejectReason.REQUIRED_TAG_MISSING:
            words = "ClOrdID (11) is missing: this desk finds its orders by it"
            body = business_reject_message(msg, BusinessRejectReason.CONDITIONALLY_REQUIRED_FIELD_MISSING, words, None)
            refusal, answer = [session.send(body)], "a BusinessMessageReject (380=5)"
        else:
            refusal = super()._refuse(session, received, bad, alerts)[0]
            answer = f"a session Reject (373={bad.reject_reason})"
        problem = f"{bad}; answered with {answer}."
        return refusal, unreadable_report(msg, received.raw, session.config.name, problem)

    def _mass_status_answer(self, msg: FixMessage, name: str) -> InboundMessage | None:
        """A report answering our mass status request: nothing to apply when it names no order (the venue holds no
        live order); otherwise a status answer for the engine, which records one about an order we do not know."""
        if msg.get(tags.CL_ORD_ID) is None and msg.get(tags.ORDER_ID) in (None, UNKNOWN_ORDER_ID):
            return None
        return execution_report(msg, name)
