"""Bytes the fault injector puts on the wire in place of a message: a garbled frame, a PossDup copy."""

from __future__ import annotations

from datetime import datetime

from app.engine.fix import FixMessage
from app.engine.fix.tags import ORIG_SENDING_TIME, POSS_DUP_FLAG, POSS_RESEND, SENDING_TIME

_TRAILER = b"\x0110="


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
    copy = message.copy().set(POSS_DUP_FLAG, True)
    sent = message.get(SENDING_TIME)
    if sent is not None:
        copy.set(ORIG_SENDING_TIME, sent)
    return copy.set(SENDING_TIME, now).encode()


def poss_resend_message(message: FixMessage) -> FixMessage:
    """``message`` marked PossResend (97=Y), for the session to send under its next MsgSeqNum and SendingTime."""
    return message.copy().set(POSS_RESEND, True)
