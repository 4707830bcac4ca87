"""A venue on QuickFIX/Python for the desk to trade with: a few lines that answer orders with execution reports.

By symbol: ``FILL`` orders are acked and filled in two parts; ``REST`` orders are acked and rest; ``LATE``
orders rest but refuse to be canceled (35=9, too late to cancel); a ``BADSYM`` order is refused by QuickFIX
itself with a session Reject (35=3, 373=5 on Symbol). Replaces are accepted; status requests are answered
with 150=I. The desk's side is ours, unchanged; QuickFIX validates every message the desk sends against
its FIX 4.4 data dictionary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import quickfix as qf

from app.engine.clock import SystemClock
from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.fix import tags
from app.engine.fix.message import FixMessage
from app.engine.fix.tags import MsgType
from app.engine.venue_messages import ExecutionReport
from tests.interop.quickfix_kit import Recorder, settings, stop_quickfix
from tests.support.fix_reports import ORD_STATUS_TO_FIX, report_fields
from tests.support.reports import VenueOrder

FILLED, RESTING, LATE, REFUSED = "FILL", "REST", "LATE", "BADSYM"
VENUE_ID, DESK_ID = "QFVENUE", "OEMS"


@dataclasses.dataclass(slots=True)
class _Order:
    venue: VenueOrder
    symbol: str
    side: Side
    status: OrderStatus = OrderStatus.NEW


class QuickFixVenue(Recorder):
    """The venue's application: see the module's docstring for what each symbol does."""

    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, _Order] = {}
        self.clock = SystemClock()

    def answer(self, msg: FixMessage) -> None:
        kind, cl_ord_id = msg.msg_type, msg[tags.CL_ORD_ID]
        if kind == MsgType.NEW_ORDER_SINGLE:
            self._new(msg, cl_ord_id)
        elif kind == MsgType.ORDER_CANCEL_REQUEST:
            order = self.orders.get(msg[tags.ORIG_CL_ORD_ID])
            if order is None or order.symbol == LATE:
                self._cancel_reject(msg, order)
            else:
                self._report(order, order.venue.canceled(cl_ord_id))
        elif kind == MsgType.ORDER_CANCEL_REPLACE_REQUEST:
            order = self.orders[msg[tags.ORIG_CL_ORD_ID]]
            self.orders[cl_ord_id] = order
            self._report(order, order.venue.replaced(cl_ord_id, Decimal(msg[tags.ORDER_QTY])))
        elif kind == MsgType.ORDER_STATUS_REQUEST:
            known = self.orders.get(cl_ord_id)
            if known is not None:
                self._report(known, known.venue.report(ExecType.ORDER_STATUS, known.status))

    def _new(self, msg: FixMessage, cl_ord_id: str) -> None:
        symbol = msg[tags.SYMBOL]
        if symbol == REFUSED:
            raise qf.IncorrectTagValue(tags.SYMBOL)
        order = self.orders[cl_ord_id] = _Order(
            VenueOrder(cl_ord_id, Decimal(msg[tags.ORDER_QTY])), symbol, Side(msg[tags.SIDE])
        )
        self._report(order, order.venue.ack())
        if symbol == FILLED:
            px = Decimal(msg.get(tags.PRICE) or "10")
            first = order.venue.qty * Decimal("0.4")
            self._report(order, order.venue.fill(first, px))
            self._report(order, order.venue.fill(order.venue.qty - first, px))

    def _report(self, order: _Order, report: ExecutionReport) -> None:
        assert report.ord_status is not None
        order.status = report.ord_status
        full = dataclasses.replace(report, symbol=order.symbol, side=order.side, transact_time=self.clock.now())
        self.send(MsgType.EXECUTION_REPORT, report_fields(full))

    def _cancel_reject(self, msg: FixMessage, order: _Order | None) -> None:
        status = OrderStatus.REJECTED if order is None else order.status
        self.send(
            MsgType.ORDER_CANCEL_REJECT,
            [
                (tags.ORDER_ID, "NONE" if order is None else order.venue.venue_order_id),
                (tags.CL_ORD_ID, msg[tags.CL_ORD_ID]),
                (tags.ORIG_CL_ORD_ID, msg[tags.ORIG_CL_ORD_ID]),
                (tags.ORD_STATUS, ORD_STATUS_TO_FIX[status]),
                (tags.CXL_REJ_RESPONSE_TO, "1"),
                (tags.CXL_REJ_REASON, "1" if order is None else "0"),
                (tags.TEXT, "Too late to cancel"),
            ],
        )


@asynccontextmanager
async def quickfix_venue(workdir: Path, port: int) -> AsyncIterator[QuickFixVenue]:
    """A QuickFIX acceptor running ``QuickFixVenue`` on ``port``, its file store in ``workdir``: a second one on
    the same directory carries on with the same sequence numbers, once the first is stopped and gone."""
    config = settings(workdir, acceptor=True, port=port, sender=VENUE_ID, target=DESK_ID)
    app = QuickFixVenue()
    acceptor = qf.ThreadedSocketAcceptor(app, qf.FileStoreFactory(config), config, qf.FileLogFactory(config))
    acceptor.start()
    try:
        yield app
    finally:
        await stop_quickfix(acceptor, app)
        del acceptor  # QuickFIX forgets the session only when its acceptor is destroyed: the next one needs it gone
