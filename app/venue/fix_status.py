"""The venue's answers to status and mass requests: 35=H, 35=AF and the 35=r that answers 35=q.

A status report is an ExecutionReport with ExecType I that changes nothing. An OrderStatusRequest for an
order the venue does not know gets one with OrdStatus 8 and words saying so, as QuickFIX-based venues do.
A mass status answers with one report per live order of the session, each echoing MassStatusReqID (584)
and TotNumReports (911), the last with LastRptRequested (912) = Y; with no live order it is a single
OrdStatus 8 report saying so, still with what FIX 4.4 requires of every ExecutionReport: Symbol (55) as the
request named it, else ``[N/A]`` (FIX's word for no symbol), and Side (54) as the request named it, else
Buy. A mass cancel is answered by an OrderMassCancelReport (35=r): 531 = the scope acted on, or 0 with a
reason (532) when refused, and 533 the number of orders canceled, echoing the request's Symbol (55) and Side (54)
when it named them; each cancel's own report follows.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.fix import FixMessage, MsgType
from app.engine.fix import tags as t
from app.engine.fix.values import FixValue
from app.venue.fix_reports import ORD_STATUS_CODE, ReportWriter
from app.venue.fix_requests import NONE_ID, MassQuery, StatusQuery
from app.venue.orders import OrderState

MASS_CANCEL_REFUSED = 0
"""MassCancelResponse (531): the mass cancel was not acted on."""
SCOPE_NOT_SUPPORTED = 0
"""MassCancelRejectReason (532): the venue does not cancel by that scope."""
UNKNOWN_SECURITY = 1
"""MassCancelRejectReason (532): no symbol, or one the venue does not list."""
NO_SYMBOL = "[N/A]"
"""Symbol (55) for a report about no security: FIX's own convention."""


def order_status(writer: ReportWriter, query: StatusQuery, state: OrderState | None, exec_id: str) -> FixMessage:
    """The answer to an OrderStatusRequest: the order's state, or OrdStatus 8 when there is no such order."""
    req: list[tuple[int, FixValue]] = [] if query.req_id is None else [(t.ORD_STATUS_REQ_ID, query.req_id)]
    if state is not None:
        return writer.execution(state, ExecType.ORDER_STATUS, exec_id, extra=req)
    text = f"no order with ClOrdID {query.cl_ord_id} in {query.symbol} for this session"
    instrument: list[tuple[int, FixValue]] = [(t.SYMBOL, query.symbol), (t.SIDE, query.side)]
    return _no_order(writer, exec_id, query.cl_ord_id, instrument, text).extend(req)


def mass_status(
    writer: ReportWriter, query: MassQuery, states: list[OrderState], exec_ids: Callable[[], str]
) -> list[FixMessage]:
    """The answers to an OrderMassStatusRequest: one per order in ``states``, each with a fresh ExecID."""
    total = len(states)
    if not states:
        instrument: list[tuple[int, FixValue]] = [
            (t.SYMBOL, query.symbol or NO_SYMBOL),
            (t.SIDE, query.side or Side.BUY),
        ]
        msg = _no_order(writer, exec_ids(), None, instrument, "no live orders for this session")
        return [msg.extend(_mass_ids(query.req_id, 0, last=True))]
    return [
        writer.execution(state, ExecType.ORDER_STATUS, exec_ids(), extra=_mass_ids(query.req_id, total, i == total - 1))
        for i, state in enumerate(states)
    ]


def mass_cancel_report(query: MassQuery, report_id: str, canceled: int, refusal: tuple[int, str] | None) -> FixMessage:
    """The OrderMassCancelReport (35=r): ``canceled`` orders, or the (532 reason, words) it was refused for."""
    msg = FixMessage(MsgType.ORDER_MASS_CANCEL_REPORT, ((t.CL_ORD_ID, query.req_id), (t.ORDER_ID, report_id)))
    msg.append(t.MASS_CANCEL_REQUEST_TYPE, query.scope)
    msg.append(t.MASS_CANCEL_RESPONSE, MASS_CANCEL_REFUSED if refusal else query.scope)
    if refusal is not None:
        msg.append(t.MASS_CANCEL_REJECT_REASON, refusal[0])
    msg.append(t.TOTAL_AFFECTED_ORDERS, canceled)
    if query.symbol is not None:
        msg.append(t.SYMBOL, query.symbol)
    if query.side is not None:
        msg.append(t.SIDE, query.side)
    if refusal is not None:
        msg.append(t.TEXT, refusal[1])
    return msg


def _no_order(
    writer: ReportWriter, exec_id: str, cl_ord_id: str | None, instrument: list[tuple[int, FixValue]], text: str
) -> FixMessage:
    """A status report about no order: OrderID NONE, OrdStatus 8, nothing done."""
    msg = FixMessage(MsgType.EXECUTION_REPORT, ((t.ORDER_ID, NONE_ID),))
    if cl_ord_id is not None:
        msg.append(t.CL_ORD_ID, cl_ord_id)
    msg.extend(((t.EXEC_ID, exec_id), (t.EXEC_TYPE, ExecType.ORDER_STATUS)))
    msg.append(t.ORD_STATUS, ORD_STATUS_CODE[OrderStatus.REJECTED])
    msg.extend(instrument)
    zero = Decimal(0)
    msg.extend(((t.LEAVES_QTY, zero), (t.CUM_QTY, zero), (t.AVG_PX, zero)))
    return msg.extend(((t.TRANSACT_TIME, writer.clock.now()), (t.TEXT, text)))


def _mass_ids(req_id: str, total: int, last: bool) -> list[tuple[int, FixValue]]:
    ids: list[tuple[int, FixValue]] = [(t.MASS_STATUS_REQ_ID, req_id), (t.TOT_NUM_REPORTS, total)]
    return [*ids, (t.LAST_RPT_REQUESTED, True)] if last else ids
