"""How the venue refuses a message it cannot act on: a session Reject (35=3) or a BusinessMessageReject (35=j).

A session Reject answers a message that breaks FIX 4.4: a required tag missing (373=1), a value in the wrong
format (373=6), a value out of range (373=5), a MsgType FIX 4.4 does not define (373=11). A
BusinessMessageReject answers a sound message of a type FIX defines that the venue does not handle (380=3).
Both point back at the message through RefSeqNum (45) and RefMsgType (372); the session adds the header.
"""

from __future__ import annotations

from app.engine.errors import OemsError
from app.engine.fix import FixMessage, MsgType, tag_name
from app.engine.fix import tags as t
from app.engine.fix.order_messages import business_reject_message
from app.engine.fix.tags import BusinessRejectReason, SessionRejectReason


class InvalidFieldError(OemsError):
    """A field of an inbound message is missing, malformed or out of range: answered with a session Reject."""

    def __init__(self, reason: SessionRejectReason, tag: int, text: str) -> None:
        super().__init__(text)
        self.reason = reason
        self.tag = tag


def session_reject(ref: FixMessage, problem: InvalidFieldError) -> FixMessage:
    """The session Reject (35=3) of ``ref`` for ``problem``."""
    out = FixMessage(MsgType.REJECT)
    _refer_to(out, ref)
    out.extend(((t.REF_TAG_ID, problem.tag), (t.REF_MSG_TYPE, ref.msg_type)))
    out.extend(((t.SESSION_REJECT_REASON, int(problem.reason)), (t.TEXT, str(problem))))
    return out


def business_reject(ref: FixMessage, reason: BusinessRejectReason, text: str) -> FixMessage:
    """The BusinessMessageReject (35=j) of ``ref``; 379 names its ClOrdID or request id when it has one."""
    ref_id = next((ref.get(tag) for tag in _REF_ID_TAGS if tag in ref), None)
    return business_reject_message(ref, reason, text, ref_id)


def unsupported(ref: FixMessage) -> FixMessage:
    """The answer to a message type the venue does not handle: a BusinessMessageReject (380=3) for one FIX 4.4
    defines (or a user-defined ``U...`` type), a session Reject (373=11) for any other."""
    kind = ref.msg_type
    if kind in FIX44_MSG_TYPES or kind.startswith("U"):
        text = f"the venue does not handle MsgType (35) {kind!r}"
        return business_reject(ref, BusinessRejectReason.UNSUPPORTED_MESSAGE_TYPE, text)
    text = f"MsgType (35) {kind!r} is not a FIX 4.4 message type"
    return session_reject(ref, InvalidFieldError(SessionRejectReason.INVALID_MSG_TYPE, t.MSG_TYPE, text))


def missing(tag: int, what: str) -> InvalidFieldError:
    """The problem of a required ``tag`` absent from a ``what`` message."""
    return InvalidFieldError(SessionRejectReason.REQUIRED_TAG_MISSING, tag, f"{tag_name(tag)} is required on {what}")


def out_of_range(tag: int, value: str, allowed: str) -> InvalidFieldError:
    """The problem of a ``tag`` whose ``value`` is not one the venue accepts."""
    text = f"{tag_name(tag)} cannot be {value!r}: {allowed}"
    return InvalidFieldError(SessionRejectReason.VALUE_INCORRECT, tag, text)


def _refer_to(out: FixMessage, ref: FixMessage) -> None:
    seq = ref.get(t.MSG_SEQ_NUM)
    if seq is not None and seq.isdigit():
        out.append(t.REF_SEQ_NUM, seq)


FIX44_MSG_TYPES: frozenset[str] = frozenset(
    [*"0123456789ABCDEFGHJKLMNPQRSTVWXYZ", *"abcdefghijklmnopqrstuvwxyz"]
    + [f"A{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    + [f"B{c}" for c in "ABCDEFGH"]
)
"""Every MsgType (35) FIX 4.4 defines: 0-9, A-Z but I, O and U, a-z, AA-AZ and BA-BH."""
_REF_ID_TAGS = (t.CL_ORD_ID, t.MD_REQ_ID, t.MASS_STATUS_REQ_ID)
