"""FIX 4.4 tag numbers and MsgType values this project uses, by name.

Tags are plain ``int`` constants (fast as dictionary keys); ``tag_name(34)`` gives ``"MsgSeqNum (34)"`` for
messages written to people. MsgType values are a ``StrEnum``, so they compare equal to the wire text.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Final

# Standard header and trailer
BEGIN_STRING: Final = 8
BODY_LENGTH: Final = 9
MSG_TYPE: Final = 35
SENDER_COMP_ID: Final = 49
TARGET_COMP_ID: Final = 56
ON_BEHALF_OF_COMP_ID: Final = 115
DELIVER_TO_COMP_ID: Final = 128
SECURE_DATA_LEN: Final = 90
SECURE_DATA: Final = 91
MSG_SEQ_NUM: Final = 34
SENDER_SUB_ID: Final = 50
TARGET_SUB_ID: Final = 57
POSS_DUP_FLAG: Final = 43
POSS_RESEND: Final = 97
SENDING_TIME: Final = 52
ORIG_SENDING_TIME: Final = 122
XML_DATA_LEN: Final = 212
XML_DATA: Final = 213
MESSAGE_ENCODING: Final = 347
LAST_MSG_SEQ_NUM_PROCESSED: Final = 369
SIGNATURE_LENGTH: Final = 93
SIGNATURE: Final = 89
CHECK_SUM: Final = 10

# Session messages
ENCRYPT_METHOD: Final = 98
HEART_BT_INT: Final = 108
RESET_SEQ_NUM_FLAG: Final = 141
NEXT_EXPECTED_MSG_SEQ_NUM: Final = 789
USERNAME: Final = 553
PASSWORD: Final = 554
RAW_DATA_LENGTH: Final = 95
RAW_DATA: Final = 96
TEST_REQ_ID: Final = 112
BEGIN_SEQ_NO: Final = 7
END_SEQ_NO: Final = 16
NEW_SEQ_NO: Final = 36
GAP_FILL_FLAG: Final = 123
REF_SEQ_NUM: Final = 45
REF_TAG_ID: Final = 371
REF_MSG_TYPE: Final = 372
SESSION_REJECT_REASON: Final = 373
TEXT: Final = 58
ENCODED_TEXT_LEN: Final = 354
ENCODED_TEXT: Final = 355

# Orders and executions
ACCOUNT: Final = 1
CL_ORD_ID: Final = 11
ORIG_CL_ORD_ID: Final = 41
ORDER_ID: Final = 37
EXEC_ID: Final = 17
EXEC_REF_ID: Final = 19
EXEC_TYPE: Final = 150
ORD_STATUS: Final = 39
ORD_REJ_REASON: Final = 103
SYMBOL: Final = 55
SECURITY_ID: Final = 48
SECURITY_ID_SOURCE: Final = 22
SECURITY_EXCHANGE: Final = 207
EX_DESTINATION: Final = 100
CURRENCY: Final = 15
SIDE: Final = 54
TRANSACT_TIME: Final = 60
ORDER_QTY: Final = 38
ORD_TYPE: Final = 40
PRICE: Final = 44
STOP_PX: Final = 99
TIME_IN_FORCE: Final = 59
EXPIRE_TIME: Final = 126
EXPIRE_DATE: Final = 432
HANDL_INST: Final = 21
EXEC_INST: Final = 18
CUM_QTY: Final = 14
LEAVES_QTY: Final = 151
AVG_PX: Final = 6
LAST_QTY: Final = 32
LAST_PX: Final = 31
CXL_REJ_RESPONSE_TO: Final = 434
CXL_REJ_REASON: Final = 102
ORD_STATUS_REQ_ID: Final = 790
MASS_STATUS_REQ_ID: Final = 584
MASS_STATUS_REQ_TYPE: Final = 585
MASS_CANCEL_REQUEST_TYPE: Final = 530
MASS_CANCEL_RESPONSE: Final = 531
MASS_CANCEL_REJECT_REASON: Final = 532
TOTAL_AFFECTED_ORDERS: Final = 533
DK_REASON: Final = 127
BUSINESS_REJECT_REF_ID: Final = 379
BUSINESS_REJECT_REASON: Final = 380
TOT_NUM_REPORTS: Final = 911
LAST_RPT_REQUESTED: Final = 912
COMMISSION: Final = 12
COMM_TYPE: Final = 13
TRD_MATCH_ID: Final = 880
SECONDARY_EXEC_ID: Final = 527

# Market data
MD_REQ_ID: Final = 262
SUBSCRIPTION_REQUEST_TYPE: Final = 263
MARKET_DEPTH: Final = 264
MD_UPDATE_TYPE: Final = 265
NO_MD_ENTRY_TYPES: Final = 267
NO_MD_ENTRIES: Final = 268
MD_ENTRY_TYPE: Final = 269
MD_ENTRY_PX: Final = 270
MD_ENTRY_SIZE: Final = 271
MD_UPDATE_ACTION: Final = 279
MD_REQ_REJ_REASON: Final = 281
NO_RELATED_SYM: Final = 146
UNSOLICITED_INDICATOR: Final = 325
SECURITY_TRADING_STATUS: Final = 326

HEADER_ORDER: Final[tuple[int, ...]] = (
    BEGIN_STRING, BODY_LENGTH, MSG_TYPE, SENDER_COMP_ID, TARGET_COMP_ID, ON_BEHALF_OF_COMP_ID,
    DELIVER_TO_COMP_ID, SECURE_DATA_LEN, SECURE_DATA, MSG_SEQ_NUM, SENDER_SUB_ID, TARGET_SUB_ID,
    POSS_DUP_FLAG, POSS_RESEND, SENDING_TIME, ORIG_SENDING_TIME, XML_DATA_LEN, XML_DATA,
    MESSAGE_ENCODING, LAST_MSG_SEQ_NUM_PROCESSED,
)  # fmt: skip
"""Standard header tags in FIX 4.4 order; the encoder writes the ones a message has in this order."""

DATA_TAGS: Final[dict[int, int]] = {
    SECURE_DATA_LEN: SECURE_DATA, SIGNATURE_LENGTH: SIGNATURE, RAW_DATA_LENGTH: RAW_DATA,
    XML_DATA_LEN: XML_DATA, ENCODED_TEXT_LEN: ENCODED_TEXT,
    348: 349, 350: 351, 352: 353, 356: 357, 358: 359, 360: 361, 362: 363, 364: 365, 445: 446,
    618: 619, 621: 622,
}  # fmt: skip
"""Length tag -> data tag for FIX 4.4's length-prefixed data fields, whose value may hold any byte."""


class MsgType(StrEnum):
    """MsgType (35) values we send or receive."""

    HEARTBEAT = "0"
    """Heartbeat; answers a TestRequest when it carries TestReqID (112)."""
    TEST_REQUEST = "1"
    """TestRequest: asks the other side for a Heartbeat."""
    RESEND_REQUEST = "2"
    """ResendRequest: BeginSeqNo (7) to EndSeqNo (16), 0 meaning infinity."""
    REJECT = "3"
    """Session-level Reject of a message that broke the session rules."""
    SEQUENCE_RESET = "4"
    """SequenceReset: GapFill with GapFillFlag (123) = Y, else Reset."""
    LOGOUT = "5"
    """Logout."""
    LOGON = "A"
    """Logon."""
    NEW_ORDER_SINGLE = "D"
    """NewOrderSingle."""
    ORDER_CANCEL_REQUEST = "F"
    """OrderCancelRequest."""
    ORDER_CANCEL_REPLACE_REQUEST = "G"
    """OrderCancelReplaceRequest: restates every field of the order."""
    ORDER_STATUS_REQUEST = "H"
    """OrderStatusRequest."""
    ORDER_MASS_STATUS_REQUEST = "AF"
    """OrderMassStatusRequest."""
    ORDER_MASS_CANCEL_REQUEST = "q"
    """OrderMassCancelRequest."""
    DONT_KNOW_TRADE = "Q"
    """DontKnowTrade (DK): an execution for an order we do not know."""
    EXECUTION_REPORT = "8"
    """ExecutionReport."""
    ORDER_CANCEL_REJECT = "9"
    """OrderCancelReject."""
    ORDER_MASS_CANCEL_REPORT = "r"
    """OrderMassCancelReport."""
    BUSINESS_MESSAGE_REJECT = "j"
    """BusinessMessageReject."""
    MARKET_DATA_REQUEST = "V"
    """MarketDataRequest: snapshot, subscribe or unsubscribe (263)."""
    MARKET_DATA_SNAPSHOT = "W"
    """MarketDataSnapshotFullRefresh."""
    MARKET_DATA_INCREMENTAL = "X"
    """MarketDataIncrementalRefresh."""
    MARKET_DATA_REQUEST_REJECT = "Y"
    """MarketDataRequestReject, with MDReqRejReason (281)."""
    SECURITY_STATUS = "f"
    """SecurityStatus: a symbol's trading status (326), e.g. halted or resumed."""


ADMIN_MSG_TYPES: Final[frozenset[str]] = frozenset(
    {MsgType.HEARTBEAT, MsgType.TEST_REQUEST, MsgType.RESEND_REQUEST, MsgType.REJECT,
     MsgType.SEQUENCE_RESET, MsgType.LOGOUT, MsgType.LOGON}
)  # fmt: skip
"""Session-level message types: gap-filled, never resent, on a counterparty's ResendRequest."""


class SessionRejectReason(IntEnum):
    """SessionRejectReason (373) values the codec and session layer answer with."""

    INVALID_TAG_NUMBER = 0
    """The tag is not a number, or not one FIX defines."""
    REQUIRED_TAG_MISSING = 1
    """A required tag is missing."""
    TAG_WITHOUT_VALUE = 4
    """A tag has an empty value."""
    VALUE_INCORRECT = 5
    """A value is out of range for its tag."""
    INCORRECT_DATA_FORMAT = 6
    """A value is not in its tag's format (a letter in a number, a bad data length)."""
    COMPID_PROBLEM = 9
    """SenderCompID or TargetCompID is not the session's."""
    SENDING_TIME_ACCURACY = 10
    """SendingTime is too far from our clock, or OrigSendingTime is later than SendingTime."""
    INVALID_MSG_TYPE = 11
    """MsgType (35) is not one FIX 4.4 defines (nor a user-defined U... type)."""
    TAG_OUT_OF_ORDER = 14
    """A header tag came after the body, or 8, 9, 35 were not the first three fields."""
    INCORRECT_NUM_IN_GROUP_COUNT = 16
    """A repeating group's NumInGroup does not match the entries that follow it."""


class BusinessRejectReason(IntEnum):
    """BusinessRejectReason (380) values: why an application message was refused as a whole."""

    OTHER = 0
    """Anything not listed."""
    UNKNOWN_ID = 1
    """The message names an id the receiver does not know."""
    UNKNOWN_SECURITY = 2
    """The message names a security the receiver does not list."""
    UNSUPPORTED_MESSAGE_TYPE = 3
    """The receiver does not handle this MsgType."""
    APPLICATION_NOT_AVAILABLE = 4
    """The application behind the session is down."""
    CONDITIONALLY_REQUIRED_FIELD_MISSING = 5
    """A field required by another field's value is missing."""


_ACRONYMS: Final = frozenset({"ID", "MD"})


def _fix_name(constant: str) -> str:
    return "".join(part if part in _ACRONYMS else part.capitalize() for part in constant.split("_"))


_NAMES: Final[dict[int, str]] = {
    value: _fix_name(name)
    for name, value in list(globals().items())
    if name.isupper() and type(value) is int and not name.startswith("_")
}


def tag_name(tag: int) -> str:
    """Name a tag for a person: ``"MsgSeqNum (34)"``, or ``"tag 9999"`` for one we have no name for."""
    name = _NAMES.get(tag)
    return f"{name} ({tag})" if name else f"tag {tag}"
