"""Bytes the fault injector puts on the wire in place of a message: a garbled frame, a PossDup copy."""

from __future__ import annotations

from datetime import datetime

from app.engine.fix import FixMessage
from app.engine.fix import tags as t

_TRAILER = b"\x0110="
_STAMPED = frozenset(
    {t.BEGIN_STRING, t.BODY_LENGTH, t.MSG_TYPE, t.CHECK_SUM, t.MSG_SEQ_NUM, t.SENDER_COMP_ID, t.TARGET_COMP_ID,
     t.SENDING_TIME, t.POSS_DUP_FLAG, t.ORIG_SENDING_TIME}
)  # fmt: skip
"""What the frame computes and the session stamps on every message it sends."""


def garble_checksum(frame: bytes) -> bytes:
    """``frame`` with a CheckSum (10) that does not match its bytes, and the same length.

    The receiver's framer finds BodyLength and the trailer where they should be, sums the bytes, and
    drops the frame as ``bad_checksum`` without consuming a sequence number.
    """
    cut = frame.rfind(_TRAILER)
    if cut < 0:
        raise ValueError("the frame has no CheckSum (10) field to garble")
    head = frame[: cut + len(_TRAILER)]
    wrong = (sum(frame[: cut + 1]) + 1) & 0xFF
    return head + b"%03d\x01" % wrong


def poss_dup_frame(message: FixMessage, now: datetime) -> bytes:
    """``message`` sent again as a resend would: same MsgSeqNum, 43=Y, 122 = its SendingTime, 52 = ``now``."""
    copy = message.copy().set(t.POSS_DUP_FLAG, True)
    sent = message.get(t.SENDING_TIME)
    if sent is not None:
        copy.set(t.ORIG_SENDING_TIME, sent)
    return copy.set(t.SENDING_TIME, now).encode()


def poss_resend_message(message: FixMessage) -> FixMessage:
    """``message``'s body marked PossResend (97=Y), for the session to stamp again: without the frame's
    computed tags and without the MsgSeqNum, CompIDs and times the session sets on every message it sends."""
    body = [(tag, value) for tag, value in message.fields if tag not in _STAMPED]
    return FixMessage(message.msg_type, body, begin_string=message.begin_string).set(t.POSS_RESEND, True)
