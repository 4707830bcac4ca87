"""Venue reports on the wire: an engine ExecutionReport written as the 35=8 a venue would send, then read back."""

from __future__ import annotations

from datetime import UTC, datetime

from app.engine.enums import ORD_STATUS_FROM_FIX, Side
from app.engine.fix import tags
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from app.engine.venue_messages import ExecutionReport

SENT = datetime(2026, 1, 5, 14, 30, 0, 250_000, tzinfo=UTC)
ORD_STATUS_TO_FIX = {status: code for code, status in ORD_STATUS_FROM_FIX.items()}


def report_fields(report: ExecutionReport) -> list[tuple[int, FixValue]]:
    """The body of the 35=8 for ``report``; side BUY and symbol AAPL stand in when the report has none."""
    assert report.ord_status is not None, "a 35=8 always carries OrdStatus (39)"
    body: list[tuple[int, FixValue]] = [
        (tags.ORDER_ID, report.venue_order_id or "NONE"),
        (tags.CL_ORD_ID, report.cl_ord_id),
    ]
    if report.orig_cl_ord_id:
        body.append((tags.ORIG_CL_ORD_ID, report.orig_cl_ord_id))
    body += [
        (tags.EXEC_ID, report.exec_id),
        (tags.EXEC_TYPE, report.exec_type),
        (tags.ORD_STATUS, ORD_STATUS_TO_FIX[report.ord_status]),
        (tags.SYMBOL, report.symbol or "AAPL"),
        (tags.SIDE, report.side or Side.BUY),
    ]
    if report.order_qty is not None:
        body.append((tags.ORDER_QTY, report.order_qty))
    body += [(tags.LAST_QTY, report.last_qty), (tags.LAST_PX, report.last_px)]
    body += [(tags.LEAVES_QTY, report.leaves_qty), (tags.CUM_QTY, report.cum_qty), (tags.AVG_PX, report.avg_px)]
    if report.ref_exec_id:
        body.append((tags.EXEC_REF_ID, report.ref_exec_id))
    if report.transact_time:
        body.append((tags.TRANSACT_TIME, report.transact_time))
    if report.text:
        body.append((tags.TEXT, report.text))
    return body


def on_the_wire(msg_type: str, body: list[tuple[int, FixValue]], seq: int = 7) -> FixMessage:
    """``body`` as a venue's message: header added, encoded to bytes and parsed back as the session would."""
    msg = FixMessage(msg_type, body)
    msg.extend([(tags.SENDER_COMP_ID, "VENUE"), (tags.TARGET_COMP_ID, "DESK"), (tags.MSG_SEQ_NUM, seq)])
    return parse_message(msg.append(tags.SENDING_TIME, SENT).encode())


def report_message(report: ExecutionReport, seq: int = 7) -> FixMessage:
    """``report`` as the 35=8 the session would hand over."""
    return on_the_wire(MsgType.EXECUTION_REPORT, report_fields(report), seq)
