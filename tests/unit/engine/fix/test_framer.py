"""The framer: each way a frame can be garbled, and that the good frames around it always come through."""

from __future__ import annotations

import pytest

from app.engine.fix.framer import DEFAULT_MAX_BODY_LENGTH, FixFramer, Frame, Garbled, GarbledReason


def frame(body: bytes, *, begin: bytes = b"FIX.4.4", length: int | None = None, checksum: int | None = None) -> bytes:
    """A frame around ``body`` (which starts ``35=`` and ends with SOH); length and checksum can be forced."""
    head = b"8=" + begin + b"\x019=" + str(len(body) if length is None else length).encode() + b"\x01"
    total = sum(head + body) % 256 if checksum is None else checksum
    return head + body + b"10=%03d\x01" % total


HEARTBEAT = frame(b"35=0\x0149=A\x0156=B\x0134=1\x0152=20260105-14:30:00.000\x01")
REPORT = frame(b"35=8\x0149=A\x0156=B\x0134=2\x0152=20260105-14:30:00.001\x0158=caf\xc3\xa9 8=FIX inside\x01")


def frames(items: list[Frame | Garbled]) -> list[bytes]:
    return [item.raw for item in items if isinstance(item, Frame)]


def garbled(items: list[Frame | Garbled]) -> list[GarbledReason]:
    return [item.reason for item in items if isinstance(item, Garbled)]


def feed_all(framer: FixFramer, *pieces: bytes) -> list[Frame | Garbled]:
    return [item for piece in pieces for item in framer.feed(piece)]


def test_good_frames_come_out_in_order() -> None:
    out = FixFramer().feed(HEARTBEAT + REPORT + HEARTBEAT)
    assert out == [Frame(HEARTBEAT), Frame(REPORT), Frame(HEARTBEAT)]


def test_a_frame_split_at_any_byte_comes_out_once() -> None:
    stream = HEARTBEAT + REPORT
    for cut in range(len(stream) + 1):
        framer = FixFramer()
        assert feed_all(framer, stream[:cut], stream[cut:]) == [Frame(HEARTBEAT), Frame(REPORT)], cut
        assert framer.buffered == 0


def test_a_frame_fed_one_byte_at_a_time() -> None:
    framer = FixFramer()
    out = feed_all(framer, *(bytes([b]) for b in REPORT + HEARTBEAT))
    assert out == [Frame(REPORT), Frame(HEARTBEAT)]


def test_frame_parses_into_a_message() -> None:
    (item,) = FixFramer().feed(REPORT)
    assert isinstance(item, Frame)
    assert item.message()[58] == "café 8=FIX inside"


def test_body_length_too_short_is_dropped_and_the_next_frame_survives() -> None:
    bad = frame(b"35=0\x0134=9\x01", length=5)
    out = FixFramer().feed(bad + REPORT)
    assert garbled(out) == [GarbledReason.BAD_TRAILER]
    assert frames(out) == [REPORT]


def test_body_length_too_long_does_not_swallow_the_next_frame() -> None:
    bad = frame(b"35=0\x0134=9\x01", length=40)
    out = FixFramer().feed(bad + REPORT + HEARTBEAT)
    assert frames(out) == [REPORT, HEARTBEAT]
    assert garbled(out)[0] in (GarbledReason.BAD_TRAILER, GarbledReason.CUT_SHORT)


def test_an_unfinished_frame_is_abandoned_once_a_complete_frame_starts_inside_it() -> None:
    bad = frame(b"35=0\x0134=9\x01", length=5000)  # would otherwise wait for 5000 bytes
    framer = FixFramer()
    out = feed_all(framer, bad, REPORT)
    assert garbled(out) == [GarbledReason.CUT_SHORT]
    assert frames(out) == [REPORT]
    assert framer.buffered == 0


def test_a_missing_checksum_does_not_swallow_the_next_frame() -> None:
    cut = HEARTBEAT[: HEARTBEAT.index(b"10=")]
    out = FixFramer().feed(cut + REPORT)
    assert frames(out) == [REPORT]
    assert garbled(out) == [GarbledReason.BAD_TRAILER]


def test_a_frame_cut_anywhere_then_a_good_frame() -> None:
    for cut in range(1, len(HEARTBEAT)):
        out = FixFramer().feed(HEARTBEAT[:cut] + REPORT)
        assert frames(out) == [REPORT], cut
        assert garbled(out), cut


@pytest.mark.parametrize("length", [b"abc", b"", b"-5", b"1x", b" 12"])
def test_body_length_that_is_not_a_number(length: bytes) -> None:
    framer = FixFramer()
    out = framer.feed(b"8=FIX.4.4\x019=" + length + b"\x0135=0\x01" + REPORT)
    assert garbled(out) == [GarbledReason.BAD_BODY_LENGTH]
    assert frames(out) == [REPORT]


def test_a_bad_body_length_is_reported_before_the_rest_arrives() -> None:
    framer = FixFramer()
    assert garbled(framer.feed(b"8=FIX.4.4\x019=1x")) == [GarbledReason.BAD_BODY_LENGTH]


def test_a_huge_body_length_is_refused_at_once_and_memory_stays_bounded() -> None:
    framer = FixFramer(max_body_length=4096)
    out = framer.feed(b"8=FIX.4.4\x019=999999999999\x01")
    assert garbled(out) == [GarbledReason.BODY_TOO_LONG]
    assert "over the limit of 4096" in str(out[0])
    out = framer.feed(b"8=FIX.4.4\x019=5000\x0135=0\x01" + b"x" * 6000 + REPORT)
    assert garbled(out)[0] == GarbledReason.BODY_TOO_LONG
    assert frames(out) == [REPORT]
    assert framer.buffered == 0


def test_the_default_limit_is_one_mebibyte() -> None:
    assert DEFAULT_MAX_BODY_LENGTH == 1 << 20
    with pytest.raises(ValueError, match="at least 1"):
        FixFramer(max_body_length=0)


def test_a_wrong_checksum_names_both_sums() -> None:
    bad = frame(b"35=0\x0134=3\x01", checksum=7)
    out = FixFramer().feed(bad + HEARTBEAT)
    assert garbled(out) == [GarbledReason.BAD_CHECKSUM]
    assert "says 007 but the bytes sum to" in str(out[0])
    assert frames(out) == [HEARTBEAT]


@pytest.mark.parametrize("size", [1, 200, 255, 256, 257, 511, 512, 513, 5000])
def test_the_checksum_of_long_high_byte_bodies_is_exact(size: int) -> None:
    text = bytes((0xFF, 0xFE, 0x80, 0x7F, 0x02)[n % 5] for n in range(size))  # large byte sums, no SOH
    good = frame(b"35=0\x0158=" + text + b"\x01")
    total = int(good[-4:-1])
    wrong = good[:-4] + b"%03d\x01" % ((total + 1) % 256)
    out = FixFramer().feed(wrong + good)
    assert garbled(out) == [GarbledReason.BAD_CHECKSUM]
    assert frames(out) == [good]


def test_a_body_length_longer_than_the_limit_allows_is_refused_even_with_leading_zeros() -> None:
    framer = FixFramer(max_body_length=4096)
    out = framer.feed(b"8=FIX.4.4\x019=0000017\x0135=0\x0134=3\x0110=000\x01" + HEARTBEAT)
    assert garbled(out) == [GarbledReason.BODY_TOO_LONG]
    assert frames(out) == [HEARTBEAT]


@pytest.mark.parametrize("trailer", [b"10=12\x01", b"10=1234\x01", b"10=abc\x01", b"11=123\x01", b"10=123X"])
def test_a_malformed_trailer(trailer: bytes) -> None:
    good = frame(b"35=0\x0134=3\x01")
    bad = good[: good.index(b"10=")] + trailer
    out = FixFramer().feed(bad + HEARTBEAT)
    assert garbled(out)[0] in (GarbledReason.BAD_TRAILER, GarbledReason.JUNK)
    assert frames(out) == [HEARTBEAT]


def test_msg_type_must_be_the_third_field() -> None:
    out = FixFramer().feed(frame(b"34=1\x0135=0\x01") + HEARTBEAT)
    assert garbled(out) == [GarbledReason.MSG_TYPE_NOT_THIRD]
    assert frames(out) == [HEARTBEAT]


def test_body_length_must_be_the_second_field() -> None:
    out = FixFramer().feed(b"8=FIX.4.4\x0135=0\x019=5\x01" + HEARTBEAT)
    assert garbled(out) == [GarbledReason.BAD_BODY_LENGTH]
    assert frames(out) == [HEARTBEAT]


def test_a_begin_string_without_an_end() -> None:
    out = FixFramer().feed(b"8=FIX.4.4.4.4.4.4.4.4" + HEARTBEAT)
    assert garbled(out) == [GarbledReason.BAD_BEGIN_STRING]
    assert frames(out) == [HEARTBEAT]


def test_a_begin_string_that_is_not_a_fix_version() -> None:
    out = FixFramer().feed(b"8=FIXY" + HEARTBEAT)
    assert garbled(out) == [GarbledReason.BAD_BEGIN_STRING]
    assert "not FIX.x.y" in str(out[0])
    assert frames(out) == [HEARTBEAT]


def test_fixt_begin_string_is_framed_too() -> None:
    fixt = frame(b"35=0\x0134=1\x01", begin=b"FIXT.1.1")
    assert FixFramer().feed(fixt) == [Frame(fixt)]


def test_junk_between_frames_is_reported_once_with_its_size() -> None:
    framer = FixFramer()
    out = feed_all(framer, b"hello", HEARTBEAT, b"\x00\xff", b"junk", b"8=FI", b"Y", REPORT)
    assert frames(out) == [HEARTBEAT, REPORT]
    junk = [item for item in out if isinstance(item, Garbled)]
    assert [(j.reason, j.size) for j in junk] == [(GarbledReason.JUNK, 5), (GarbledReason.JUNK, 11)]
    assert junk[0].excerpt == b"hello"
    assert str(junk[0]) == "dropped 5 bytes: bytes outside any frame: b'hello'"


def test_a_frame_start_split_after_junk_is_still_found() -> None:
    framer = FixFramer()
    out = feed_all(framer, b"xx8", b"=", b"FI", REPORT[4:])
    assert frames(out) == [REPORT]


def test_endless_junk_is_not_kept_and_is_reported_in_pieces() -> None:
    framer = FixFramer()
    out = feed_all(framer, *([b"\x00" * 65536] * 40))
    assert framer.buffered == 0
    assert {item.reason for item in out if isinstance(item, Garbled)} == {GarbledReason.JUNK}
    assert sum(item.size for item in out if isinstance(item, Garbled)) == 40 * 65536
    assert framer.feed(HEARTBEAT) == [Frame(HEARTBEAT)]


def test_reset_forgets_a_half_frame() -> None:
    framer = FixFramer()
    framer.feed(REPORT[:30])
    assert framer.buffered == 30
    framer.reset()
    assert framer.buffered == 0
    assert framer.feed(HEARTBEAT) == [Frame(HEARTBEAT)]


def test_8_fix_inside_a_value_does_not_cut_the_frame() -> None:
    framer = FixFramer()
    out = feed_all(framer, REPORT[:-20], REPORT[-20:])
    assert out == [Frame(REPORT)]


def test_flush_reports_pending_junk_and_an_unfinished_frame() -> None:
    framer = FixFramer()
    assert framer.feed(b"noise") == []
    assert framer.feed(REPORT[:40]) == [Garbled(GarbledReason.JUNK, "bytes outside any frame", 5, b"noise")]
    (unfinished,) = framer.flush()
    assert (unfinished.reason, unfinished.size) == (GarbledReason.UNFINISHED, 40)
    assert framer.buffered == 0
    assert framer.flush() == []


def test_flush_turns_a_possible_frame_start_into_junk() -> None:
    framer = FixFramer()
    assert framer.feed(b"ab8=FI") == []
    assert [(item.reason, item.size) for item in framer.flush()] == [(GarbledReason.JUNK, 6)]
