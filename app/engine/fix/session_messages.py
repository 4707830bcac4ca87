"""The session layer's own messages (Logon, Heartbeat, TestRequest, ResendRequest, Reject, SequenceReset,
Logout), built as ``FixMessage`` bodies; the session core stamps the header (49, 56, 34, 52) on each.

Also the two ways a stored message goes out again on a counterparty's ResendRequest: as itself with
PossDupFlag (43=Y) and OrigSendingTime (122), or covered by a SequenceReset-GapFill.
"""

from __future__ import annotations

from datetime import datetime

from app.engine.fix import tags
from app.engine.fix.message import FixMessage
from app.engine.fix.tags import MsgType, SessionRejectReason


def logon(heartbeat_interval: int, *, reset: bool) -> FixMessage:
    """Logon: no encryption (98=0), our HeartBtInt, and ResetSeqNumFlag (141=Y) only when resetting."""
    msg = FixMessage(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, heartbeat_interval)])
    if reset:
        msg.append(tags.RESET_SEQ_NUM_FLAG, True)
    return msg


def heartbeat(test_req_id: str | None = None) -> FixMessage:
    """Heartbeat, carrying the TestReqID (112) it answers, if any."""
    msg = FixMessage(MsgType.HEARTBEAT)
    if test_req_id is not None:
        msg.append(tags.TEST_REQ_ID, test_req_id)
    return msg


def request_heartbeat(test_req_id: str) -> FixMessage:
    """TestRequest (35=1): the counterparty must answer with a Heartbeat carrying ``test_req_id``."""
    return FixMessage(MsgType.TEST_REQUEST, [(tags.TEST_REQ_ID, test_req_id)])


def resend_request(begin: int) -> FixMessage:
    """ResendRequest from ``begin`` to infinity (16=0), as FIX 4.4 recommends."""
    return FixMessage(MsgType.RESEND_REQUEST, [(tags.BEGIN_SEQ_NO, begin), (tags.END_SEQ_NO, 0)])


def reject(
    ref_seq_num: int, reason: SessionRejectReason, text: str, *, ref_tag: int | None = None, ref_msg_type: str = ""
) -> FixMessage:
    """Session-level Reject of message ``ref_seq_num``: the reason code (373), the tag at fault, and words."""
    msg = FixMessage(MsgType.REJECT, [(tags.REF_SEQ_NUM, ref_seq_num)])
    if ref_tag is not None:
        msg.append(tags.REF_TAG_ID, ref_tag)
    if ref_msg_type:
        msg.append(tags.REF_MSG_TYPE, ref_msg_type)
    return msg.extend([(tags.SESSION_REJECT_REASON, int(reason)), (tags.TEXT, text)])


def logout(text: str = "") -> FixMessage:
    """Logout, with the reason in words when there is one."""
    msg = FixMessage(MsgType.LOGOUT)
    if text:
        msg.append(tags.TEXT, text)
    return msg


def sequence_reset(new_seq_no: int, *, gap_fill: bool) -> FixMessage:
    """SequenceReset: a GapFill (123=Y, sent with 43=Y in place of messages not resent) or a Reset."""
    msg = FixMessage(MsgType.SEQUENCE_RESET, [(tags.NEW_SEQ_NO, new_seq_no)])
    if gap_fill:
        msg.append(tags.GAP_FILL_FLAG, True)
    return msg


def possible_duplicate(stored: FixMessage, now: datetime) -> FixMessage:
    """``stored`` sent again under its own MsgSeqNum: PossDupFlag=Y, OrigSendingTime = its first SendingTime."""
    again = stored.copy()
    again.set(tags.POSS_DUP_FLAG, True)
    again.set(tags.ORIG_SENDING_TIME, stored[tags.SENDING_TIME])
    again.set(tags.SENDING_TIME, now)
    return again
