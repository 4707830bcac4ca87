"""FixMessage: building, encoding byte-for-byte, parsing strictly, and what the session reads from it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import simplefix

from app.engine.errors import OemsError
from app.engine.fix import tags
from app.engine.fix.errors import (
    FieldMissingError,
    FixCodecError,
    FixEncodeError,
    FixParseError,
    FixTypeError,
    FixValueError,
)
from app.engine.fix.framer import FixFramer, Frame
from app.engine.fix.message import FixMessage, encode_message, parse_message
from app.engine.fix.tags import MsgType, SessionRejectReason, tag_name

SENT = datetime(2026, 1, 5, 14, 30, 0, 123_000, tzinfo=UTC)


def frame(body: bytes) -> bytes:
    """A frame with correct BodyLength and CheckSum around ``body`` (``35=...`` up to its last SOH)."""
    head = b"8=FIX.4.4\x019=" + str(len(body)).encode() + b"\x01"
    return head + body + b"10=%03d\x01" % (sum(head + body) % 256)


def order() -> FixMessage:
    msg = FixMessage(MsgType.NEW_ORDER_SINGLE, [(11, "CL-1"), (55, "AAPL"), (54, "1"), (38, Decimal(100))])
    msg.append(44, Decimal("187.25")).append(40, "2").append(58, "prix révisé ✓")
    # header tags given after the body, out of FIX order: they must still be written first, in order
    return msg.append(52, SENT).append(34, 7).append(56, "VENUE").append(49, "DESK")


def test_header_comes_first_in_fix_order_then_body_then_checksum() -> None:
    raw = order().encode()
    tags_on_wire = [int(field.split(b"=", 1)[0]) for field in raw.split(b"\x01")[:-1]]
    assert tags_on_wire == [8, 9, 35, 49, 56, 34, 52, 11, 55, 54, 38, 44, 40, 58, 10]
    assert raw.startswith(b"8=FIX.4.4\x019=")
    assert raw == encode_message(order())


def test_encoding_matches_simplefix_byte_for_byte() -> None:
    theirs = simplefix.FixMessage()
    theirs.append_pair(8, "FIX.4.4", header=True)
    theirs.append_pair(35, "D", header=True)
    for tag, value in [(49, "DESK"), (56, "VENUE"), (34, 7), (52, "20260105-14:30:00.123")]:
        theirs.append_pair(tag, value, header=True)
    for tag, value in [(11, "CL-1"), (55, "AAPL"), (54, "1"), (38, "100"), (44, "187.25"), (40, "2")]:
        theirs.append_pair(tag, value)
    theirs.append_pair(58, "prix révisé ✓")
    assert order().encode() == theirs.encode()


def test_simplefix_parses_what_we_encode_including_utf8_text() -> None:
    parser = simplefix.FixParser()
    parser.append_buffer(order().encode())
    theirs = parser.get_message()
    assert theirs.get(58).decode() == "prix révisé ✓"
    assert theirs.get(44) == b"187.25"
    assert theirs.get(34) == b"7"


def test_round_trip_through_the_framer() -> None:
    (item,) = FixFramer().feed(order().encode())
    assert isinstance(item, Frame)
    msg = item.message()
    assert msg.msg_type == "D"
    assert msg[58] == "prix révisé ✓"
    assert msg.get_decimal(44) == Decimal("187.25")
    assert msg.encode() == order().encode()  # re-encoding a parsed message recomputes 9 and 10


def test_what_the_session_reads() -> None:
    msg = parse_message(order().set(43, True).append(122, SENT).encode())
    assert (msg.begin_string, msg.msg_type, msg.seq_num) == ("FIX.4.4", "D", 7)
    assert (msg.sender_comp_id, msg.target_comp_id) == ("DESK", "VENUE")
    assert msg.sending_time == SENT
    assert msg.orig_sending_time == SENT
    assert msg.poss_dup is True
    assert msg.poss_resend is False


def test_absent_optional_header_fields() -> None:
    msg = parse_message(order().encode())
    assert msg.poss_dup is False
    assert msg.orig_sending_time is None
    assert msg.get(tags.POSS_DUP_FLAG) is None


def test_a_missing_field_raises_a_key_error_that_names_it() -> None:
    msg = parse_message(frame(b"35=0\x0149=A\x01"))
    with pytest.raises(KeyError) as caught:
        _ = msg[tags.MSG_SEQ_NUM]
    assert isinstance(caught.value, FieldMissingError)
    assert str(caught.value) == "MsgSeqNum (34) is missing from this 0 message"
    with pytest.raises(FieldMissingError):
        _ = msg.seq_num


def test_a_garbled_value_names_its_tag() -> None:
    msg = parse_message(frame(b"35=8\x0134=12a\x0144=1,5\x01"))
    with pytest.raises(FixValueError, match=r"MsgSeqNum \(34\)") as caught:
        _ = msg.seq_num
    assert caught.value.tag == 34
    with pytest.raises(FixValueError, match=r"Price \(44\)"):
        msg.get_decimal(44)


def test_repeating_groups_and_duplicates_keep_their_order() -> None:
    body = b"35=8\x01453=2\x01448=A\x01447=D\x01448=B\x01447=D\x0158=x\x0158=y\x01"
    msg = parse_message(frame(body))
    assert msg.get(448) == "A"
    assert msg.get_all(448) == ["A", "B"]
    assert msg.get_all(58) == ["x", "y"]
    assert [tag for tag, _ in msg][3:8] == [453, 448, 447, 448, 447]
    assert len(msg) == len(msg.fields) == 11


def test_set_replaces_the_first_occurrence_for_a_resend() -> None:
    msg = order()
    resent = msg.copy().set(43, True).set(122, SENT).set(52, datetime(2026, 1, 5, 15, 0, tzinfo=UTC))
    assert resent[52] == "20260105-15:00:00.000"
    assert resent[122] == "20260105-14:30:00.123"
    assert resent[43] == "Y"
    assert msg.get(43) is None  # the copy is independent
    assert parse_message(resent.encode()).seq_num == 7


@pytest.mark.parametrize("tag", [8, 9, 10, 35, 0, -1, 95, 96, 212, 213])
def test_reserved_and_impossible_tags_cannot_be_appended(tag: int) -> None:
    with pytest.raises(FixEncodeError):
        FixMessage("0").append(tag, "x")


@pytest.mark.parametrize("begin", ["FIX44", "FIX.4.4.1", "fix.4.4"])
def test_a_begin_string_the_framer_would_refuse_cannot_be_made(begin: str) -> None:
    with pytest.raises(FixEncodeError, match="BeginString"):
        FixMessage("0", begin_string=begin)


def test_a_bool_is_not_a_tag() -> None:
    with pytest.raises(FixEncodeError, match="positive int"):
        FixMessage("0").append(True, "x")


@pytest.mark.parametrize("value", [None, 0.5, "", "a\x01b"])
def test_bad_values_are_refused_when_appended(value: object) -> None:
    with pytest.raises((FixTypeError, FixValueError)):
        FixMessage("0").append(58, value)  # type: ignore[arg-type]  # the point of the test


def test_large_tag_numbers_work() -> None:
    msg = FixMessage("8", [(5001, "custom"), (20000, 3)])
    parsed = parse_message(msg.encode())
    assert (parsed.get(5001), parsed.get_int(20000), 5001 in parsed, 5002 in parsed) == ("custom", 3, True, False)


def test_data_fields_may_hold_the_separator() -> None:
    blob = b"a\x0110=000\x01\xff\xfe"
    msg = FixMessage("A").append(98, 0).append_data(tags.RAW_DATA_LENGTH, blob).append(108, 30)
    (item,) = FixFramer().feed(msg.encode())
    assert isinstance(item, Frame)
    parsed = item.message()
    assert parsed.get_data(tags.RAW_DATA) == blob
    assert parsed.get_int(tags.RAW_DATA_LENGTH) == len(blob)
    assert parsed.get_int(108) == 30
    assert parsed.encode() == msg.encode()


def test_append_data_needs_a_length_tag_and_data() -> None:
    with pytest.raises(FixEncodeError, match="not the length tag"):
        FixMessage("A").append_data(96, b"x")
    with pytest.raises(FixValueError, match="empty"):
        FixMessage("A").append_data(95, b"")


@pytest.mark.parametrize(
    ("body", "tag", "reason", "text"),
    [
        (b"35=8\x0134=5\x01abc=1\x01", None, SessionRejectReason.INVALID_TAG_NUMBER, "b'abc' at byte"),
        (b"35=8\x0134=5\x01044=1\x01", None, SessionRejectReason.INVALID_TAG_NUMBER, "b'044' at byte"),
        (b"35=8\x0134=5\x01=1\x01", None, SessionRejectReason.INVALID_TAG_NUMBER, "b'' at byte"),
        (b"35=8\x0134=5\x0144\x01", None, SessionRejectReason.INVALID_TAG_NUMBER, "has no '='"),
        (b"35=8\x0134=5\x0158=\x01", 58, SessionRejectReason.TAG_WITHOUT_VALUE, r"Text \(58\) at byte 25"),
        (b"35=8\x0134=5\x0195=5\x0196=ab\x01", 96, SessionRejectReason.INCORRECT_DATA_FORMAT, "length says"),
        (b"35=8\x0134=5\x0195=x\x0196=ab\x01", 95, SessionRejectReason.INCORRECT_DATA_FORMAT, "not a length"),
        (b"35=8\x0134=5\x0195=2\x0158=ab\x01", 58, SessionRejectReason.INCORRECT_DATA_FORMAT, "must follow"),
        (b"35=8\x0134=5\x0111=C-1\x0152=x\x01", 52, SessionRejectReason.TAG_OUT_OF_ORDER, "after the body"),
        (b"35=8\x0134=5\x0195=2\x0196=ab\x0197=Y\x01", 97, SessionRejectReason.TAG_OUT_OF_ORDER, "after the body"),
        (b"35=8\x0134=5\x0111=C-1\x0135=8\x01", 35, SessionRejectReason.TAG_OUT_OF_ORDER, "MsgType .35. at byte"),
    ],
)
def test_malformed_fields_raise_a_parse_error_for_a_session_reject(
    body: bytes, tag: int | None, reason: SessionRejectReason, text: str
) -> None:
    raw = frame(body)
    assert FixFramer().feed(raw) == [Frame(raw)]  # the frame itself is sound
    with pytest.raises(FixParseError, match=text) as caught:
        parse_message(raw)
    assert (caught.value.tag, caught.value.reject_reason) == (tag, reason)
    assert (caught.value.seq_num, caught.value.msg_type) == (5, "8")
    assert 0 < caught.value.offset < len(raw)


@pytest.mark.parametrize(
    "raw",
    [b"", b"8=FIX.4.4\x0135=0\x01", b"35=0\x018=FIX.4.4\x019=5\x0110=000\x01", frame(b"35=0\x01")[:-1]],
)
def test_parse_refuses_what_is_not_a_frame(raw: bytes) -> None:
    with pytest.raises(FixParseError):
        parse_message(raw)


def test_codec_errors_share_one_root() -> None:
    for error in (FieldMissingError, FixEncodeError, FixParseError, FixTypeError, FixValueError):
        assert issubclass(error, FixCodecError)
    assert issubclass(FixCodecError, OemsError)


def test_equality_and_repr() -> None:
    assert order() == order()
    assert order() != order().append(1, "ACC")
    assert order() != "not a message"
    assert repr(FixMessage("0", [(112, "T")])) == "FixMessage(8=FIX.4.4|35=0|112=T)"


def test_tag_names_read_like_the_spec() -> None:
    assert tag_name(11) == "ClOrdID (11)"
    assert tag_name(49) == "SenderCompID (49)"
    assert tag_name(122) == "OrigSendingTime (122)"
    assert tag_name(77777) == "tag 77777"
    assert MsgType.EXECUTION_REPORT == "8"
    assert "A" in tags.ADMIN_MSG_TYPES
    assert "D" not in tags.ADMIN_MSG_TYPES
