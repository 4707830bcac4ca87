"""After a logon, where every live order on the venue stands: one OrderMassStatusRequest, or one status request each.

FIX.md: after a reconnect, ask about every non-terminal order; an order whose fate is unknown stays so until
the venue answers. A venue configured with ``mass_status`` gets one OrderMassStatusRequest (35=AF, 585=7)
per logon. It answers with one ExecutionReport (150=I) per order it holds live, each echoing our
MassStatusReqID (584) and TotNumReports (911), the last with LastRptRequested (912=Y); with nothing live, a
single report naming no order. Those naming an order of ours go to the engine like any status answer. When
the last report is in, every order that was live when we asked and that the venue did not name gets its own
OrderStatusRequest (35=H), so an order the venue never received, or finished while we were away, is still
answered for. A venue without ``mass_status`` gets one OrderStatusRequest per live order straight away.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
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


class StatusRequests:
    """The status requests of one set of order sessions, and the mass status answers they wait for."""

    def __init__(self, ledger: Callable[[], OrderLedger]) -> None:
        self._ledger = ledger
        self._rounds: dict[str, _Round] = {}
        self._ids = itertools.count(1)
        self._surveys: set[str] = set()

    def survey(self, session: str) -> None:
        """At ``session``'s next logon, send the mass status request even with no live order of ours (to a venue that
        takes one): the desk is new to a venue that may still work an earlier desk's orders on this session (a wiped
        desk store); the answer names them, and the engine records each as a foreign order."""
        self._surveys.add(session)

    def after_logon(self, session: FixSession) -> list[FixMessage]:
        """The requests to send once ``session`` is logged on: about every live order routed to it. A mass status
        request's id (584) is made of the session's epoch and the MsgSeqNum it goes out under, so an answer to a
        request of an earlier connection (or an earlier run) is never taken for this one's."""
        name = session.config.name
        live = [order for order in self._ledger().live() if order.spec.destination == name]
        self._rounds.pop(name, None)  # an answer to a request sent before this logon no longer counts
        surveyed = name in self._surveys
        self._surveys.discard(name)
        if not live and not (surveyed and session.config.mass_status):
            return []
        if not session.config.mass_status:
            return self._one_each(live)
        req_id = f"MASS-{session.record.epoch}-{session.next_out}"
        self._rounds[name] = _Round(req_id, frozenset(order.order_id for order in live))
        return [mass_status_message(req_id)]

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

    def follow_up(self, session: str) -> list[FixMessage]:
        """Once the mass status answer on ``session`` is complete: a status request for each order it asked
        about, still live, that the venue did not name."""
        round_ = self._rounds.get(session)
        if round_ is None or not round_.complete:
            return []
        del self._rounds[session]
        orders = self._ledger().orders
        missing = [orders[order_id] for order_id in sorted(round_.asked - round_.named)]
        return self._one_each(order for order in missing if order.status.is_live)

    def _one_each(self, orders: Iterable[Order]) -> list[FixMessage]:
        return [status_request_message(StatusRequest.for_order(order, f"STATUS-{next(self._ids)}")) for order in orders]


def _cl_ord_id(msg: FixMessage) -> ClOrdId | None:
    value = msg.get(tags.CL_ORD_ID)
    return None if value is None else ClOrdId(value)
