"""After a logon, where every live order on the venue stands: one OrderMassStatusRequest, or one status request each.

FIX.md: after a reconnect, ask about every non-terminal order; an order whose fate is unknown stays so until
the venue answers. A venue configured with ``mass_status`` gets one OrderMassStatusRequest (35=AF, 585=7)
per logon. It answers with one ExecutionReport (150=I) per order it holds live, each echoing our
MassStatusReqID (584) and TotNumReports (911), the last with LastRptRequested (912=Y); with nothing live, a
single report naming no order. Those naming an order of ours go to the engine like any status answer. When
the last report is in, every order that was live when we asked and that the venue did not name gets its own
OrderStatusRequest (35=H), so an order the venue never received, or finished while we were away, is still
answered for. A venue without ``mass_status`` gets one OrderStatusRequest per live order straight away.

An answer to a request of an earlier logon (or an earlier run) is old news: a report the venue resends after a
reconnect (43=Y) tells where the order stood then, and taken as fresh it could free a cancel or replace whose
fate is in doubt on what the venue knew before it. So every request's id is unique across connections and runs
(made of the session's epoch and its next MsgSeqNum when asked, which both live in the store), and a status
answer naming a request of ours other than this logon's is not applied: ``stale`` says why, for the session's
alerts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from app.engine.enums import ExecType
from app.engine.fix import tags
from app.engine.fix.message import FixMessage
from app.engine.fix.order_messages import mass_status_message, status_request_message
from app.engine.fix.session import FixSession
from app.engine.ids import ClOrdId, OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import Order
from app.engine.venue_messages import StatusRequest

ORDER_STATUS: Final = ExecType.ORDER_STATUS.value
"""ExecType (150) of a status answer."""


@dataclass(slots=True)
class _Round:
    """One mass status request in flight: the orders it must account for, and those the venue named so far."""

    req_id: str
    asked: frozenset[OrderId]
    named: set[OrderId] = field(default_factory=set)
    complete: bool = False


MASS_PREFIX: Final = "MASS-"
"""Starts the MassStatusReqID (584) of every mass status request this desk sends."""
STATUS_PREFIX: Final = "STATUS-"
"""Starts the OrdStatusReqID (790) of every status request sent after a logon."""


class StatusRequests:
    """The status requests of one set of order sessions, and the mass status answers they wait for."""

    def __init__(self, ledger: Callable[[], OrderLedger]) -> None:
        self._ledger = ledger
        self._rounds: dict[str, _Round] = {}
        self._asked: dict[str, set[str]] = {}
        """The ids of the requests sent on each session since its last logon, mass and single."""
        self._surveys: set[str] = set()

    def survey(self, session: str) -> None:
        """At ``session``'s next logon, send the mass status request even with no live order of ours (to a venue that
        takes one): the desk is new to a venue that may still work an earlier desk's orders on this session (a wiped
        desk store); the answer names them, and the engine records each as a foreign order."""
        self._surveys.add(session)

    def after_logon(self, session: FixSession) -> list[FixMessage]:
        """The requests to send once ``session`` is logged on: about every live order routed to it. A mass status
        request's id (584) is made of the session's epoch and the next MsgSeqNum it sends, so an answer to a
        request of an earlier connection (or an earlier run) is never taken for this one's."""
        name = session.config.name
        live = [order for order in self._ledger().live() if order.spec.destination == name]
        self._rounds.pop(name, None)  # an answer to a request sent before this logon no longer counts
        self._asked[name] = set()
        surveyed = name in self._surveys
        self._surveys.discard(name)
        if not live and not (surveyed and session.config.mass_status):
            return []
        if not session.config.mass_status:
            return self._one_each(session, live)
        req_id = f"{MASS_PREFIX}{_stamp(session)}"
        self._rounds[name] = _Round(req_id, frozenset(order.order_id for order in live))
        self._asked[name].add(req_id)
        return [mass_status_message(req_id)]

    def stale(self, session: str, msg: FixMessage) -> str | None:
        """Why ``msg`` (an ExecutionReport) is an old status answer not to apply: one naming a request of ours
        (584 or 790) that was not sent on ``session`` since its last logon. None for any other report."""
        if msg.get(tags.EXEC_TYPE) != ORDER_STATUS:
            return None
        asked = self._asked.get(session, set())
        for tag, prefix in ((tags.MASS_STATUS_REQ_ID, MASS_PREFIX), (tags.ORD_STATUS_REQ_ID, STATUS_PREFIX)):
            req_id = msg.get(tag)
            if req_id is not None and req_id.startswith(prefix) and req_id not in asked:
                again = " (sent again, 43=Y)" if msg.poss_dup else ""
                return (
                    f"{session}: ignored a status answer{again} about ClOrdID {msg.get(tags.CL_ORD_ID)} to request "
                    f"{req_id}, asked before the last logon: where the order stood then is no news now."
                )
        return None

    def answers(self, session: str, msg: FixMessage) -> bool:
        """Whether ``msg`` (an ExecutionReport) answers our mass status request on ``session``; if so, note it."""
        round_ = self._rounds.get(session)
        if round_ is None or msg.get(tags.EXEC_TYPE) != ORDER_STATUS:
            return False
        if msg.get(tags.MASS_STATUS_REQ_ID) != round_.req_id:
            return False
        order = self._ledger().find(_cl_ord_id(msg))
        if order is not None:
            round_.named.add(order.order_id)
        if msg.get_bool(tags.LAST_RPT_REQUESTED):
            round_.complete = True
        return True

    def follow_up(self, session: FixSession) -> list[FixMessage]:
        """Once the mass status answer on ``session`` is complete: a status request for each order it asked
        about, still live, that the venue did not name."""
        name = session.config.name
        round_ = self._rounds.get(name)
        if round_ is None or not round_.complete:
            return []
        del self._rounds[name]
        orders = self._ledger().orders
        missing = [orders[order_id] for order_id in sorted(round_.asked - round_.named)]
        return self._one_each(session, [order for order in missing if order.status.is_live])

    def _one_each(self, session: FixSession, orders: Sequence[Order]) -> list[FixMessage]:
        stamp = _stamp(session)
        ids = [f"{STATUS_PREFIX}{stamp}-{n}" for n, _ in enumerate(orders, 1)]
        self._asked.setdefault(session.config.name, set()).update(ids)
        return [status_request_message(StatusRequest.for_order(o, i)) for o, i in zip(orders, ids, strict=True)]


def _stamp(session: FixSession) -> str:
    """The session's epoch and next outbound MsgSeqNum: together never the same twice, across runs too (the store
    keeps both; the requests this stamp names take that number or later ones)."""
    return f"{session.record.epoch}-{session.next_out}"


def _cl_ord_id(msg: FixMessage) -> ClOrdId | None:
    value = msg.get(tags.CL_ORD_ID)
    return None if value is None else ClOrdId(value)
