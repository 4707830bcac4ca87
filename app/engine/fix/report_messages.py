"""Inbound FIX 4.4 reports as engine messages: ExecutionReport (8), OrderCancelReject (9), OrderMassCancelReport (r).

A report that lacks a field FIX 4.4 requires, or whose value is malformed or unknown, raises
``FixFieldError`` carrying the SessionRejectReason (373) and the tag (371): the session answers with a
Reject (35=3). ClOrdID (11) is needed on 35=8 as well, although FIX leaves it optional for orders entered by
other means: every order we send carries one, and the engine finds orders by it (the gateway refuses a 35=8
without it with a BusinessMessageReject, as FIX 4.4 does not require it). An execution report refused either way
still reaches the engine, as ``unreadable_report``: the desk is the system of record and never drops a report
unseen. OrderID ``NONE`` (the venue does not know the order) reads as no OrderID.
"""

from __future__ import annotations

from typing import Final

from app.engine.enums import ORD_STATUS_FROM_FIX, ExecType, Side
from app.engine.fix import tags
from app.engine.fix.errors import FixValueError
from app.engine.fix.inbound_fields import FieldReader
from app.engine.fix.message import FixMessage, tag_key
from app.engine.fix.order_messages import UNKNOWN_ORDER_ID
from app.engine.fix.status_terms import status_terms
from app.engine.fix.values import parse_decimals, parse_utc_timestamp
from app.engine.ids import ClOrdId, ExecId, VenueOrderId
from app.engine.order import RequestKind
from app.engine.venue_messages import (
    ZERO,
    CancelReject,
    ExecutionReport,
    MassCancelReport,
    MassCancelResponse,
    UnreadableReport,
)

EXEC_TYPE_FROM_FIX: Final[dict[str, ExecType]] = {
    **{member.value: member for member in ExecType if not member.is_trade},
    ExecType.TRADE.value: ExecType.TRADE,
    ExecType.PARTIAL_FILL_LEGACY.value: ExecType.TRADE,  # FIX 4.2 partial fill, still sent by some engines
    ExecType.FILL_LEGACY.value: ExecType.TRADE,  # FIX 4.2 fill
}
"""ExecType (150) as FIX spells it; the pre-4.4 fills 1 and 2 read as Trade (F)."""

_SIDES: Final = {member.value: member for member in Side}
_REPORT_KEYS: Final = tuple(
    tag_key(tag)
    for tag in (tags.EXEC_TYPE, tags.ORD_STATUS, tags.SIDE, tags.EXEC_ID, tags.CL_ORD_ID, tags.ORDER_ID, tags.CUM_QTY,
                tags.LEAVES_QTY, tags.AVG_PX, tags.LAST_QTY, tags.LAST_PX, tags.EXEC_REF_ID, tags.ORDER_QTY,
                tags.TRANSACT_TIME, tags.ORIG_CL_ORD_ID, tags.SYMBOL, tags.TEXT)
)  # fmt: skip
"""The tags ``plain_execution_report`` reads, in the order it unpacks them."""
_ZERO_TEXT: Final = "0"  # what an absent LastQty (32) or LastPx (31) reads as
_FILLS: Final = frozenset({ExecType.TRADE, ExecType.TRADE_CORRECT})  # LastQty (32) and LastPx (31) required
_REFERS: Final = frozenset({ExecType.TRADE_CORRECT, ExecType.TRADE_CANCEL})  # ExecRefID (19) required
_STATUS: Final = ExecType.ORDER_STATUS  # its answers restate the order's terms (read for adopting a foreign order)
_RESPONSE_TO: Final = {"1": RequestKind.CANCEL, "2": RequestKind.REPLACE}
_CXL_REJ_REASONS: Final = {
    "0": "too late to cancel",
    "1": "unknown order",
    "2": "broker or exchange option",
    "3": "already pending cancel or replace",
    "4": "unable to process an order mass cancel request",
    "5": "OrigOrdModTime did not match the order's last TransactTime",
    "6": "duplicate ClOrdID",
}
_MASS_CANCEL_REJECT_REASONS: Final = {
    "0": "mass cancel not supported",
    "1": "invalid or unknown security",
    "2": "invalid or unknown underlying",
    "3": "invalid or unknown product",
    "4": "invalid or unknown CFICode",
    "5": "invalid or unknown security type",
    "6": "invalid or unknown trading session",
}
NO_REASON_GIVEN: Final = "no reason given"
"""CancelReject.reason when the venue sent no CxlRejReason (102)."""


def execution_report(msg: FixMessage, session: str) -> ExecutionReport:
    """The engine's ``ExecutionReport`` for a 35=8 received on ``session``; ``FixFieldError`` if it is unusable."""
    plain = plain_execution_report(msg, session)
    return checked_execution_report(msg, session) if plain is None else plain


def plain_execution_report(msg: FixMessage, session: str) -> ExecutionReport | None:
    """The report read straight from the message's values (taken in one step: by position, for a frame the fast
    lane read) when every field it needs is there and well formed, as nearly every report is; None for any other,
    which the checked reading then refuses with the reason and the tag (or, for one this fast reading is too strict
    for, reads)."""
    (
        exec_type_text, ord_status_text, side_text, exec_id, cl_ord_id, order_id, cum, leaves, avg, last_qty, last_px,
        ref, order_qty, transact, orig, symbol, text,
    ) = msg.values_of(_REPORT_KEYS)  # fmt: skip
    exec_type = EXEC_TYPE_FROM_FIX.get(exec_type_text)  # type: ignore[arg-type]  # None is no key: None back
    ord_status = ORD_STATUS_FROM_FIX.get(ord_status_text)  # type: ignore[arg-type]
    side = _SIDES.get(side_text)  # type: ignore[arg-type]
    if (
        exec_type is None
        or ord_status is None
        or side is None
        or exec_id is None
        or cl_ord_id is None
        or order_id is None
        or cum is None
        or leaves is None
        or avg is None
    ):
        return None
    if (ref is None and exec_type in _REFERS) or ((last_qty is None or last_px is None) and exec_type in _FILLS):
        return None
    try:
        cum_qty, leaves_qty, avg_px, last, price, qty = parse_decimals(
            (cum, leaves, avg, last_qty or _ZERO_TEXT, last_px or _ZERO_TEXT, order_qty or _ZERO_TEXT)
        )
        transact_time = None if transact is None else parse_utc_timestamp(transact)
    except FixValueError:
        return None
    if cum_qty < ZERO or leaves_qty < ZERO or last < ZERO or qty < ZERO:
        return None
    return ExecutionReport(
        ExecId(exec_id),
        exec_type,
        ClOrdId(cl_ord_id),
        ord_status,
        cum_qty,
        leaves_qty,
        avg_px,
        last,
        price,
        None if orig is None else ClOrdId(orig),
        None if order_id == UNKNOWN_ORDER_ID else VenueOrderId(order_id),
        symbol or "",
        side,
        None if order_qty is None else qty,
        None if ref is None else ExecId(ref),
        transact_time,
        text or "",
        session,
        status_terms(msg.first_values()) if exec_type is _STATUS else None,
    )


def checked_execution_report(msg: FixMessage, session: str) -> ExecutionReport:
    """The report read field by field, each checked: ``FixFieldError`` names the first that is missing or bad."""
    read = FieldReader(msg)
    exec_type = read.code(tags.EXEC_TYPE, EXEC_TYPE_FROM_FIX)
    fill = exec_type in _FILLS
    last_qty = read.quantity(tags.LAST_QTY) if fill else read.optional_quantity(tags.LAST_QTY)
    last_px = read.decimal(tags.LAST_PX) if fill else read.optional_decimal(tags.LAST_PX)
    ref = read.text(tags.EXEC_REF_ID) if exec_type in _REFERS else read.optional_text(tags.EXEC_REF_ID)
    orig = read.optional_text(tags.ORIG_CL_ORD_ID)
    return ExecutionReport(
        exec_id=ExecId(read.text(tags.EXEC_ID)),
        exec_type=exec_type,
        cl_ord_id=ClOrdId(read.text(tags.CL_ORD_ID)),
        ord_status=read.code(tags.ORD_STATUS, ORD_STATUS_FROM_FIX),
        cum_qty=read.quantity(tags.CUM_QTY),
        leaves_qty=read.quantity(tags.LEAVES_QTY),
        avg_px=read.decimal(tags.AVG_PX),
        last_qty=ZERO if last_qty is None else last_qty,
        last_px=ZERO if last_px is None else last_px,
        orig_cl_ord_id=None if orig is None else ClOrdId(orig),
        venue_order_id=_venue_order_id(read),
        symbol=read.optional_text(tags.SYMBOL) or "",
        side=read.code(tags.SIDE, _SIDES),
        order_qty=read.optional_quantity(tags.ORDER_QTY),
        ref_exec_id=None if ref is None else ExecId(ref),
        transact_time=read.optional_timestamp(tags.TRANSACT_TIME),
        text=read.optional_text(tags.TEXT) or "",
        session=session,
        terms=status_terms(msg.first_values()) if exec_type is _STATUS else None,
    )


def unreadable_report(msg: FixMessage, raw: bytes, session: str, problem: str) -> UnreadableReport:
    """An execution report we could not read (``problem`` says why, and how the venue was answered), kept for the
    engine's Anomalies with its raw text and whatever of 11, 41 and 37 it carries to name the order.

    A fill in it is not applied, even when only a code we do not need for the fill is unknown (an OrdStatus 39
    outside FIX 4.4 beside a plain 150=F with LastQty and LastPx, say). A careful desk holds it for a person:

    - the venue was told, by the Reject, that the message was not processed; booking it anyway would leave our
      books and what we told the venue disagreeing, and a corrected report sent in its place (under a new
      ExecID, as venues do) would then count the same trade twice;
    - a venue sending values FIX does not define is misbehaving, and the fields we think we can read are then
      no more trustworthy than the one we cannot;
    - nothing is lost meanwhile: the anomaly says what the report claims (the fill's size and price, the order),
      the venue's next good report carries the fill in its CumQty (a quantity break the desk flags at once),
      and the drop copy, where one is watched, breaks on the missing fill.

    So the position stays as the readable reports built it, and the anomaly tells the desk what to settle.
    """
    values = msg.first_values()
    cl_ord_id, orig, order_id = values.get("11"), values.get("41"), values.get("37")
    last_qty, last_px = values.get("32"), values.get("31")
    claims = ""
    if last_qty is not None and last_qty.strip("0.") != "":
        claims = f" It reports a fill of {last_qty} at {last_px or '(no LastPx)'}, not counted in the position."
    return UnreadableReport(
        problem=f"{problem}{claims}",
        raw=raw.decode("utf-8", "replace").replace("\x01", "|"),
        cl_ord_id=None if cl_ord_id is None else ClOrdId(cl_ord_id),
        orig_cl_ord_id=None if orig is None else ClOrdId(orig),
        venue_order_id=None if order_id is None or order_id == UNKNOWN_ORDER_ID else VenueOrderId(order_id),
        session=session,
    )


def _venue_order_id(read: FieldReader) -> VenueOrderId | None:
    value = read.text(tags.ORDER_ID)
    return None if value == UNKNOWN_ORDER_ID else VenueOrderId(value)


def cancel_reject(msg: FixMessage, session: str) -> CancelReject:
    """The engine's ``CancelReject`` for a 35=9 received on ``session``; the reason (102) in words."""
    read = FieldReader(msg)
    orig = read.optional_text(tags.ORIG_CL_ORD_ID)
    return CancelReject(
        cl_ord_id=ClOrdId(read.text(tags.CL_ORD_ID)),
        orig_cl_ord_id=None if orig is None else ClOrdId(orig),
        response_to=read.code(tags.CXL_REJ_RESPONSE_TO, _RESPONSE_TO),
        reason=read.reason(tags.CXL_REJ_REASON, _CXL_REJ_REASONS) or NO_REASON_GIVEN,
        ord_status=read.code(tags.ORD_STATUS, ORD_STATUS_FROM_FIX),
        venue_order_id=_venue_order_id(read),
        text=read.optional_text(tags.TEXT) or "",
        session=session,
    )


_MASS_CANCEL_RESPONSES: Final = {member.value: member for member in MassCancelResponse}


def mass_cancel_report(msg: FixMessage, session: str) -> MassCancelReport:
    """The ``MassCancelReport`` for a 35=r received on ``session``."""
    read = FieldReader(msg)
    cl_ord_id = read.optional_text(tags.CL_ORD_ID)
    return MassCancelReport(
        cl_ord_id=None if cl_ord_id is None else ClOrdId(cl_ord_id),
        response=read.code(tags.MASS_CANCEL_RESPONSE, _MASS_CANCEL_RESPONSES),
        reject_reason=read.reason(tags.MASS_CANCEL_REJECT_REASON, _MASS_CANCEL_REJECT_REASONS),
        affected_orders=read.optional_int(tags.TOTAL_AFFECTED_ORDERS),
        text=read.optional_text(tags.TEXT) or "",
        session=session,
    )
