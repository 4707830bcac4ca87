"""Session Rejects (35=3) and BusinessMessageRejects (35=j) of our own requests, as engine messages.

The reject names the message it refuses by RefSeqNum (45); the caller looks that number up in the outbound
store and passes the stored message. A BusinessMessageReject may instead (or also) name it by
BusinessRejectRefID (379), which for an order message is its ClOrdID; that, with RefMsgType (372), is
enough when the stored message is missing. A refused NewOrderSingle becomes a rejected ``ExecutionReport``
whose ExecID is made from the session and RefSeqNum (or ClOrdID), so the same reject applied twice counts
once; a refused cancel or replace becomes a ``CancelReject``. A reject of anything else maps to None.
Rejects are read leniently: a field that is missing or garbled here leaves less to report, never an error.
"""

from __future__ import annotations

from typing import Final

from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.fix import tags
from app.engine.fix.inbound_fields import other_code
from app.engine.fix.message import FixMessage
from app.engine.fix.tags import MsgType, tag_name
from app.engine.fix.values import parse_decimal
from app.engine.ids import ClOrdId, ExecId, VenueOrderId
from app.engine.order import RequestKind
from app.engine.venue_messages import ZERO, CancelReject, ExecutionReport, VenueMessage

REJECT_EXEC_ID_PREFIX: Final = "REJECT"
"""ExecIDs made up for rejected orders start ``REJECT:<session>:``; no venue ExecID is expected to."""

SESSION_REJECT_REASONS: Final = {
    "0": "invalid tag number",
    "1": "required tag missing",
    "2": "tag not defined for this message type",
    "3": "undefined tag",
    "4": "tag specified without a value",
    "5": "value is incorrect (out of range) for this tag",
    "6": "incorrect data format for value",
    "7": "decryption problem",
    "8": "signature problem",
    "9": "CompID problem",
    "10": "SendingTime accuracy problem",
    "11": "invalid MsgType",
    "12": "XML validation error",
    "13": "tag appears more than once",
    "14": "tag specified out of required order",
    "15": "repeating group fields out of order",
    "16": "incorrect NumInGroup count for repeating group",
    "17": "non-data value includes the field delimiter (SOH)",
    "99": "other",
}
"""SessionRejectReason (373) in words."""

BUSINESS_REJECT_REASONS: Final = {
    "0": "other",
    "1": "unknown ID",
    "2": "unknown security",
    "3": "unsupported message type",
    "4": "application not available",
    "5": "conditionally required field missing",
    "6": "not authorized",
    "7": "DeliverTo firm not available at this time",
    "18": "invalid price increment",
}
"""BusinessRejectReason (380) in words."""

_KIND: Final[dict[str, RequestKind]] = {
    MsgType.NEW_ORDER_SINGLE: RequestKind.NEW,
    MsgType.ORDER_CANCEL_REQUEST: RequestKind.CANCEL,
    MsgType.ORDER_CANCEL_REPLACE_REQUEST: RequestKind.REPLACE,
}


def rejected_request(reject: FixMessage, referenced: FixMessage | None, session: str) -> VenueMessage | None:
    """What a 35=3 or 35=j on ``session`` means for the order request it refuses; None if it refuses none.

    ``referenced`` is our stored outbound message whose MsgSeqNum equals the reject's RefSeqNum (45), or
    None when there is none. It is ignored when the reject's RefMsgType (372) says it was another type.
    """
    ref_type = reject.get(tags.REF_MSG_TYPE)
    if referenced is not None and ref_type not in (None, referenced.msg_type):
        referenced = None  # the stored message under that number is not the one refused
    refused = referenced if referenced is not None else _named_by_id(reject, ref_type)
    kind = None if refused is None else _KIND.get(refused.msg_type)
    cl_ord_id = None if refused is None else refused.get(tags.CL_ORD_ID)
    if refused is None or kind is None or cl_ord_id is None:
        return None
    reason, text = _reason(reject), reject.get(tags.TEXT) or ""
    if kind is RequestKind.NEW:
        return _rejected_order(reject, refused, ClOrdId(cl_ord_id), f"{reason}: {text}" if text else reason, session)
    orig, venue_order_id = refused.get(tags.ORIG_CL_ORD_ID), refused.get(tags.ORDER_ID)
    return CancelReject(
        cl_ord_id=ClOrdId(cl_ord_id),
        orig_cl_ord_id=None if orig is None else ClOrdId(orig),
        response_to=kind,
        reason=reason,
        venue_order_id=None if venue_order_id is None else VenueOrderId(venue_order_id),
        text=text,
        session=session,
    )


def _named_by_id(reject: FixMessage, ref_type: str | None) -> FixMessage | None:
    """A stand-in for an order request a BusinessMessageReject names by RefMsgType and BusinessRejectRefID."""
    ref_id = reject.get(tags.BUSINESS_REJECT_REF_ID)
    if reject.msg_type != MsgType.BUSINESS_MESSAGE_REJECT or ref_type not in _KIND or ref_id is None:
        return None
    return FixMessage(ref_type, [(tags.CL_ORD_ID, ref_id)])


def _reason(reject: FixMessage) -> str:
    """The reject's reason in words: the code's meaning and, for a session Reject, the tag it names."""
    if reject.msg_type == MsgType.REJECT:
        code = reject.get(tags.SESSION_REJECT_REASON)
        words = "no reason given" if code is None else SESSION_REJECT_REASONS.get(code, other_code(code))
        tag = reject.get(tags.REF_TAG_ID)
        where = f" in {tag_name(int(tag))}" if tag is not None and tag.isdigit() else ""
        return f"refused by the venue's FIX session: {words}{where}"
    code = reject.get(tags.BUSINESS_REJECT_REASON)
    words = "no reason given" if code is None else BUSINESS_REJECT_REASONS.get(code, other_code(code))
    return f"refused by the venue's application: {words}"


def _rejected_order(
    reject: FixMessage, order: FixMessage, cl_ord_id: ClOrdId, text: str, session: str
) -> ExecutionReport:
    """A rejected ExecutionReport for our refused NewOrderSingle, with an ExecID stable across repeats."""
    ref = reject.get(tags.REF_SEQ_NUM) or cl_ord_id
    qty = order.get(tags.ORDER_QTY)
    side = order.get(tags.SIDE)
    return ExecutionReport(
        exec_id=ExecId(f"{REJECT_EXEC_ID_PREFIX}:{session}:{ref}"),
        exec_type=ExecType.REJECTED,
        cl_ord_id=cl_ord_id,
        ord_status=OrderStatus.REJECTED,
        cum_qty=ZERO,
        leaves_qty=ZERO,
        avg_px=ZERO,
        symbol=order.get(tags.SYMBOL) or "",
        side=None if side is None else Side(side),  # our own message: a Side we wrote
        order_qty=None if qty is None else parse_decimal(qty),
        text=text,
        session=session,
    )
