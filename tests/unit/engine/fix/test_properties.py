"""Properties of the codec over generated messages, garbage and cuts (Hypothesis).

1. Round trip: any message we can build encodes, frames and parses back to the same fields, with the
   header moved to the front in FIX order; simplefix reads the same fields from our bytes.
2. Fuzz: valid frames mixed with garbage, fed in random pieces, never raise or hang; every byte is
   accounted for exactly once (frames, dropped bytes, ``flush``); every valid frame comes out exactly once,
   in order, unless a frame the framer accepted covers its start (an honest checksum collision).
3. One flipped byte never yields a different frame: a one-byte change moves the byte sum by a non-zero
   amount smaller than 256, so the mod-256 CheckSum always catches it, and a flip in 8, 9 or 10 breaks
   the framing. Two compensating changes can pass, and one test shows it: the CheckSum is no MAC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import simplefix
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine.fix import tags
from app.engine.fix.framer import FixFramer, Frame, Garbled
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.values import FixValue, format_value

RESERVED = {8, 9, 10, 35} | set(tags.DATA_TAGS) | set(tags.DATA_TAGS.values())
RANK = {tag: rank for rank, tag in enumerate(tags.HEADER_ORDER)}

texts = st.text(st.characters(exclude_characters="\x01", exclude_categories=["Cs"]), min_size=1, max_size=20)
values: st.SearchStrategy[FixValue] = st.one_of(
    texts,
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9),
    st.datetimes(timezones=st.just(UTC)),
)
tag_numbers = st.one_of(st.sampled_from(tags.HEADER_ORDER[3:]), st.integers(1, 99_999)).filter(
    lambda tag: tag not in RESERVED
)
fields = st.lists(st.tuples(tag_numbers, values), max_size=25)
msg_types = st.one_of(
    st.sampled_from(list(tags.MsgType)),
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=3),
)


@st.composite
def messages(draw: st.DrawFn) -> FixMessage:
    """A message built through the public API from generated tags and values."""
    msg = FixMessage(draw(msg_types), draw(fields), begin_string=draw(st.sampled_from(["FIX.4.4", "FIX.4.2"])))
    if draw(st.booleans()):
        msg.append_data(draw(st.sampled_from(sorted(tags.DATA_TAGS))), draw(st.binary(min_size=1, max_size=30)))
    return msg


def expected_wire_order(msg: FixMessage) -> list[tuple[int, str]]:
    """The fields the encoder must write, in order, leaving out 9 and 10: 8, 35, header by rank, body."""
    given_fields = [field for field in msg if field[0] not in (8, 35)]
    header = sorted((field for field in given_fields if field[0] in RANK), key=lambda field: RANK[field[0]])
    body = [field for field in given_fields if field[0] not in RANK]
    return [(8, msg.begin_string), (35, msg.msg_type), *header, *body]


@given(messages())
def test_round_trip_encode_frame_parse(msg: FixMessage) -> None:
    raw = msg.encode()
    (item,) = FixFramer().feed(raw)
    assert isinstance(item, Frame)
    parsed = item.message()
    assert [field for field in parsed if field[0] not in (9, 10)] == expected_wire_order(msg)
    for tag, _ in msg:
        assert parsed.get(tag) == msg.get(tag) == next(v for t, v in msg if t == tag), tag
    assert parsed.encode() == raw


# simplefix reads FIX 5.0 SP2's data fields by length too (e.g. 41320/41321); FIX 4.4 has none of them
SIMPLEFIX_DATA_TAGS = set(simplefix.data.RAW_LEN_TAGS) | set(simplefix.data.RAW_DATA_TAGS)


@given(
    st.lists(st.tuples(tag_numbers.filter(lambda tag: tag not in SIMPLEFIX_DATA_TAGS), values), max_size=25), msg_types
)
def test_simplefix_reads_the_same_fields(pairs: list[tuple[int, FixValue]], msg_type: str) -> None:
    raw = FixMessage(msg_type, pairs).encode()
    parser = simplefix.FixParser()
    parser.append_buffer(raw)
    theirs = parser.get_message()
    assert theirs is not None
    ours = parse_message(raw)
    assert [(int(tag), value.decode("utf-8", "surrogateescape")) for tag, value in theirs.pairs] == list(ours)
    assert [(tag, format_value(value)) for tag, value in pairs if tag not in RANK] == [
        field for field in ours if field[0] not in RANK and field[0] != 10
    ]


def _good_frames() -> st.SearchStrategy[bytes]:
    return messages().map(lambda msg: msg.encode())


@st.composite
def garbage(draw: st.DrawFn) -> bytes:
    """Bytes that are not a frame: noise, FIX-looking fragments, or a valid frame cut or altered."""
    kind = draw(st.sampled_from(["noise", "fragments", "cut", "flip", "length"]))
    if kind == "noise":
        return draw(st.binary(min_size=1, max_size=60))
    if kind == "fragments":
        pieces = [b"8=FIX.4.4\x01", b"8=FIX", b"9=", b"12", b"999999", b"\x01", b"35=0\x01", b"10=", b"123", b"x"]
        return b"".join(draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=8)))
    frame = draw(_good_frames())
    if kind == "cut":
        return frame[: draw(st.integers(1, len(frame) - 1))]
    if kind == "flip":
        at = draw(st.integers(0, len(frame) - 1))
        return frame[:at] + bytes([frame[at] ^ draw(st.integers(1, 255))]) + frame[at + 1 :]
    length_at = frame.index(b"\x019=") + 3
    wrong = str(draw(st.integers(0, 400))).encode()
    return frame[:length_at] + wrong + frame[frame.index(b"\x01", length_at) :]


def _cuts(stream: bytes, sizes: list[int]) -> list[bytes]:
    pieces, at = [], 0
    for size in sizes:
        pieces.append(stream[at : at + size])
        at += size
    return [*pieces, stream[at:]]


def _checksum_ok(raw: bytes) -> bool:
    """An independent check of a frame's CheckSum, for the honest-collision case."""
    body_end = raw.rindex(b"10=")
    return int(raw[body_end + 3 : body_end + 6]) == sum(raw[:body_end]) % 256


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.one_of(_good_frames().map(lambda raw: (True, raw)), garbage().map(lambda raw: (False, raw))), max_size=12
    ),
    st.lists(st.integers(1, 300), max_size=40),
)
@pytest.mark.slow
def test_fuzz_valid_frames_survive_garbage_and_any_cuts(segments: list[tuple[bool, bytes]], sizes: list[int]) -> None:
    stream = b"".join(raw for _, raw in segments)
    framer = FixFramer()
    out: list[Frame | Garbled] = [item for piece in _cuts(stream, sizes) for item in framer.feed(piece)]
    out += framer.flush()
    spans, at = [], 0  # every byte is accounted for exactly once, in order
    for item in out:
        size = len(item.raw) if isinstance(item, Frame) else item.size
        assert size > 0
        spans.append((at, at + size, item))
        at += size
    assert at == len(stream)
    accepted = {start: (end, item) for start, end, item in spans if isinstance(item, Frame)}
    offset = 0
    for is_valid, raw in segments:
        if is_valid and offset not in accepted:
            covering = [item for start, (end, item) in accepted.items() if start < offset < end]
            assert covering, f"the valid frame at byte {offset} was lost"
            assert isinstance(covering[0], Frame)
            assert _checksum_ok(covering[0].raw)
        elif is_valid:
            assert accepted[offset][1] == Frame(raw)
        offset += len(raw)


@given(_good_frames(), st.data())
def test_one_flipped_byte_never_passes_as_a_frame(frame: bytes, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(frame) - 1), label="position")
    flipped = frame[:at] + bytes([frame[at] ^ data.draw(st.integers(1, 255), label="xor")]) + frame[at + 1 :]
    framer = FixFramer()
    out = framer.feed(flipped + frame) + framer.flush()
    assert [item for item in out if isinstance(item, Frame)] == [Frame(frame)]


def test_two_compensating_changes_pass_the_checksum_honestly() -> None:
    """The CheckSum is a sum: +1 on one byte and -1 on another keeps it, and the frame is accepted."""
    original = FixMessage("D", [(11, "CL-1"), (38, Decimal(100)), (44, Decimal("15"))]).encode()
    altered = original.replace(b"38=100", b"38=200").replace(b"44=15", b"44=05")
    assert altered != original
    assert sum(altered) == sum(original)
    (item,) = FixFramer().feed(altered)
    assert isinstance(item, Frame)
    assert item.message().get_decimal(38) == Decimal(200)


@given(st.binary(max_size=2000), st.lists(st.integers(1, 64), max_size=50))
def test_arbitrary_bytes_never_raise_and_leave_little_behind(noise: bytes, sizes: list[int]) -> None:
    framer = FixFramer(max_body_length=512)
    for piece in _cuts(noise, sizes):
        framer.feed(piece)
        assert framer.buffered <= 512 + 64
    framer.flush()
    assert framer.buffered == 0


def test_timestamp_fields_round_trip_to_the_millisecond() -> None:
    moment = datetime(2026, 1, 5, 14, 30, 0, 123_456, tzinfo=UTC)
    parsed = parse_message(FixMessage("0").append(52, moment).encode())
    assert parsed.sending_time == moment.replace(microsecond=123_000)
