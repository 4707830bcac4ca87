"""Outbound FIX 4.4 application messages built from what the engine asks for: orders, status, DK, and the
BusinessMessageReject (35=j) that refuses a message of theirs at the application level.

Each function returns a ``FixMessage`` with MsgType (35) and the body only; the session adds the header
(49, 56, 34, 52) and the encoder adds 8, 9 and 10. Prices and quantities go out as plain Decimals
(``values.format_decimal``), timestamps as UTC with milliseconds. No I/O, no ids invented here: ClOrdIDs
come with the request, status request ids from the caller.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, TypeVar

from app.engine.enums import TimeInForce
from app.engine.fix import tags
from app.engine.fix.errors import FixEncodeError
from app.engine.fix.message import FixMessage
from app.engine.fix.tags import BusinessRejectReason, MsgType
from app.engine.fix.values import FixValue
from app.engine.ids import ClOrdId
from app.engine.order import RequestKind
from app.engine.venue_messages import ExecutionReport, StatusRequest, VenueRequest

T = TypeVar("T")

MASS_ALL_ORDERS: Final = 7
"""MassStatusReqType (585) and MassCancelRequestType (530): every order of ours."""
MASS_CANCEL_BY_SYMBOL: Final = 1
"""MassCancelRequestType (530): every order of ours in one security."""
DK_NO_MATCHING_ORDER: Final = "D"
"""DKReason (127): no matching order."""
UNKNOWN_ORDER_ID: Final = "NONE"
"""OrderID (37) when the order's venue id is not known, as FIX suggests (either way round)."""

_MSG_TYPE = {
    RequestKind.NEW: MsgType.NEW_ORDER_SINGLE,
    RequestKind.CANCEL: MsgType.ORDER_CANCEL_REQUEST,
    RequestKind.REPLACE: MsgType.ORDER_CANCEL_REPLACE_REQUEST,
}


def request_message(request: VenueRequest, sending_time: datetime) -> FixMessage:
    """The NewOrderSingle (D), OrderCancelRequest (F) or OrderCancelReplaceRequest (G) for ``request``.

    TransactTime (60) is ``sending_time``. F and G carry OrigClOrdID (41) and, when known, OrderID (37);
    G restates every term of the order, as FIX requires. A request that may have gone before carries
    PossResend (97=Y). ``FixEncodeError`` if the request lacks a field its message needs (a cancel without
    OrigClOrdID, a limit order without a price).
    """
    msg = _request_body(request, sending_time)
    if request.poss_resend:
        msg.append(tags.POSS_RESEND, True)  # a header tag: it encodes in the header
    return msg


def _request_body(request: VenueRequest, sending_time: datetime) -> FixMessage:
    msg = FixMessage(_MSG_TYPE[request.kind])
    if request.kind is not RequestKind.NEW:
        msg.append(tags.ORIG_CL_ORD_ID, _needed(request.orig_cl_ord_id, "OrigClOrdID (41)", request))
    msg.append(tags.CL_ORD_ID, request.cl_ord_id)
    if request.kind is not RequestKind.NEW and request.venue_order_id:
        msg.append(tags.ORDER_ID, request.venue_order_id)
    if request.kind is RequestKind.CANCEL:
        return msg.extend(
            [
                (tags.SYMBOL, request.symbol),
                (tags.SIDE, request.side),
                (tags.TRANSACT_TIME, sending_time),
                (tags.ORDER_QTY, request.qty),
                (tags.ACCOUNT, request.account),
            ]
        )
    msg.extend(
        [
            (tags.ACCOUNT, request.account),
            (tags.SYMBOL, request.symbol),
            (tags.SIDE, request.side),
            (tags.TRANSACT_TIME, sending_time),
            (tags.ORDER_QTY, request.qty),
            (tags.ORD_TYPE, request.ord_type),
        ]
    )
    msg.extend(_terms(request))
    if request.kind is RequestKind.NEW and request.text:
        msg.append(tags.TEXT, request.text)
    return msg


def _terms(request: VenueRequest) -> list[tuple[int, FixValue]]:
    """Price (44), StopPx (99), TimeInForce (59) and ExpireTime (126) as the order type and TIF need them."""
    terms: list[tuple[int, FixValue]] = []
    if request.ord_type.needs_limit_price:
        terms.append((tags.PRICE, _needed(request.limit_px, "a limit price (44)", request)))
    if request.ord_type.needs_stop_price:
        terms.append((tags.STOP_PX, _needed(request.stop_px, "a stop price (99)", request)))
    terms.append((tags.TIME_IN_FORCE, request.tif))
    if request.tif is TimeInForce.GTD:
        terms.append((tags.EXPIRE_TIME, _needed(request.expire_at, "an expiry time (126)", request)))
    return terms


def _needed(value: T | None, what: str, request: VenueRequest) -> T:
    if value is None:
        raise FixEncodeError(
            f"cannot send the {request.kind.value} request {request.cl_ord_id} for order {request.order_id}: "
            f"it has no {what}"
        )
    return value


def status_request_message(request: StatusRequest) -> FixMessage:
    """OrderStatusRequest (H) for ``request``: its ClOrdID, the venue's OrderID when known, 790 its id."""
    msg = FixMessage(MsgType.ORDER_STATUS_REQUEST, [(tags.CL_ORD_ID, request.cl_ord_id)])
    if request.venue_order_id:
        msg.append(tags.ORDER_ID, request.venue_order_id)
    return msg.extend(
        [(tags.SYMBOL, request.symbol), (tags.SIDE, request.side), (tags.ORD_STATUS_REQ_ID, request.status_req_id)]
    )


def mass_status_message(mass_status_req_id: str) -> FixMessage:
    """OrderMassStatusRequest (AF) for every order of ours (585=7)."""
    return FixMessage(
        MsgType.ORDER_MASS_STATUS_REQUEST,
        [(tags.MASS_STATUS_REQ_ID, mass_status_req_id), (tags.MASS_STATUS_REQ_TYPE, MASS_ALL_ORDERS)],
    )


def mass_cancel_message(cl_ord_id: ClOrdId, transact_time: datetime, symbol: str | None = None) -> FixMessage:
    """OrderMassCancelRequest (q): every order of ours (530=7), or only those in ``symbol`` (530=1)."""
    msg = FixMessage(MsgType.ORDER_MASS_CANCEL_REQUEST, [(tags.CL_ORD_ID, cl_ord_id)])
    if symbol is None:
        msg.append(tags.MASS_CANCEL_REQUEST_TYPE, MASS_ALL_ORDERS)
    else:
        msg.append(tags.MASS_CANCEL_REQUEST_TYPE, MASS_CANCEL_BY_SYMBOL).append(tags.SYMBOL, symbol)
    return msg.append(tags.TRANSACT_TIME, transact_time)


def dont_know_message(report: ExecutionReport, text: str = "") -> FixMessage:
    """DontKnowTrade (Q, 127=D) answering an execution for an order we do not know.

    Names the venue's OrderID (37, ``NONE`` if it gave none) and ExecID (17), the security and side when
    the report gave them, OrderQty (38) if known, LastQty (32) / LastPx (31) for a fill, and a Text (58)
    that says which ClOrdID we did not recognise unless ``text`` is given.
    """
    msg = FixMessage(
        MsgType.DONT_KNOW_TRADE,
        [
            (tags.ORDER_ID, report.venue_order_id or UNKNOWN_ORDER_ID),
            (tags.EXEC_ID, report.exec_id),
            (tags.DK_REASON, DK_NO_MATCHING_ORDER),
        ],
    )
    if report.symbol:
        msg.append(tags.SYMBOL, report.symbol)
    if report.side is not None:
        msg.append(tags.SIDE, report.side)
    if report.order_qty is not None:
        msg.append(tags.ORDER_QTY, report.order_qty)
    if report.exec_type.is_trade:
        msg.extend([(tags.LAST_QTY, report.last_qty), (tags.LAST_PX, report.last_px)])
    return msg.append(tags.TEXT, text or f"no order of ours has ClOrdID {report.cl_ord_id}")


def business_reject_message(ref: FixMessage, reason: BusinessRejectReason, text: str, ref_id: str | None) -> FixMessage:
    """BusinessMessageReject (j) of ``ref``: RefSeqNum (45) when it has a MsgSeqNum, RefMsgType (372), the
    business id it carried as BusinessRejectRefID (379) when given, the reason (380) and the words (58)."""
    out = FixMessage(MsgType.BUSINESS_MESSAGE_REJECT)
    seq = ref.get(tags.MSG_SEQ_NUM)
    if seq is not None and seq.isdigit():
        out.append(tags.REF_SEQ_NUM, seq)
    out.append(tags.REF_MSG_TYPE, ref.msg_type)
    if ref_id is not None:
        out.append(tags.BUSINESS_REJECT_REF_ID, ref_id)
    return out.extend(((tags.BUSINESS_REJECT_REASON, int(reason)), (tags.TEXT, text)))
