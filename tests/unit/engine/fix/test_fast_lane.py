"""The fast lane reads and takes exactly what the full way would: the same message, the same rejects, the same
sequence effects, on plain, unusual and malformed frames alike."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.engine.fix import tags
from app.engine.fix.fast_lane import LAYOUTS_KEPT, PlainLane
from app.engine.fix.framer import DEFAULT_MAX_BODY_LENGTH, FixFramer, Frame, Garbled
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.session import SessionOutput
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from tests.support.fix_script import START, Desk, Peer, reframe

REPORT: list[tuple[int, FixValue]] = [
    (tags.ORDER_ID, "V1"), (tags.CL_ORD_ID, "C-1"), (tags.EXEC_ID, "E-1"), (tags.EXEC_TYPE, "F"),
    (tags.ORD_STATUS, "1"), (tags.SYMBOL, "ACME"), (tags.SIDE, "1"), (tags.LAST_QTY, "1"), (tags.LAST_PX, "10"),
    (tags.LEAVES_QTY, "9"), (tags.CUM_QTY, "1"), (tags.AVG_PX, "10"),
]  # fmt: skip
BODIES = st.sampled_from([REPORT, REPORT[:-1], [*REPORT, (tags.TEXT, "a=b")], [(tags.TEST_REQ_ID, "T1")]])
KINDS = st.sampled_from([MsgType.EXECUTION_REPORT] * 6 + [MsgType.HEARTBEAT, MsgType.TEST_REQUEST,
                                                          MsgType.ORDER_CANCEL_REJECT, MsgType.REJECT])  # fmt: skip
CHANGES = st.sampled_from(
    ["none"] * 8
    + ["gap", "too_low", "zero_led_seq", "wrong_sender", "skewed_time", "bad_time", "new_time", "poss_dup",
       "poss_dup_no_122", "late_header", "twice", "empty_value", "no_equals", "byte", "resend_request",
       "sequence_reset", "logout"]
)  # fmt: skip


def _edited(peer: Peer, kind: str, body: list[tuple[int, FixValue]], change: str, byte: int) -> bytes:
    """One message from the peer, changed as ``change`` says (then reframed, so the framer lets it through)."""
    seq = {"gap": peer.next_seq + 1, "too_low": max(peer.next_seq - 2, 1)}.get(change)
    sending_time = {"skewed_time": START + timedelta(hours=1), "new_time": peer.clock.now() + timedelta(milliseconds=3)}
    if change == "resend_request":
        return peer.message(MsgType.RESEND_REQUEST, [(tags.BEGIN_SEQ_NO, 1), (tags.END_SEQ_NO, 0)])
    if change == "sequence_reset":
        return peer.message(MsgType.SEQUENCE_RESET, [(tags.GAP_FILL_FLAG, True), (tags.NEW_SEQ_NO, peer.next_seq + 2)])
    if change == "logout":
        return peer.message(MsgType.LOGOUT)
    raw = peer.message(
        kind,
        body,
        seq=seq,
        sender="NOBODY" if change == "wrong_sender" else None,
        sending_time=sending_time.get(change),
        poss_dup=change in ("poss_dup", "poss_dup_no_122"),
        orig_sending_time=START if change == "poss_dup" else None,
    )
    edits = {
        "zero_led_seq": (b"\x0134=", b"\x0134=0"),
        "bad_time": (b"\x0152=2026", b"\x0152=2O26"),
        "late_header": (b"\x0110=", b"\x01115=OTHER\x0110="),
        "twice": (b"\x0110=", b"\x0155=ACME\x0110="),
        "empty_value": (b"\x0155=ACME", b"\x0155="),
        "no_equals": (b"\x0155=ACME", b"\x0155ACME"),
    }
    if change in edits:
        raw = raw.replace(*edits[change], 1)
    elif change == "byte":
        at = raw.index(b"\x0152=") + byte % (len(raw) - raw.index(b"\x0152=") - 8)
        raw = raw[:at] + bytes([byte]) + raw[at + 1 :]
    return reframe(raw)


def _seen(out: SessionOutput) -> tuple[object, ...]:
    return (
        [o.raw for o in out.sends],
        [(r.seq, r.message.fields, r.message.first_values(), r.raw) for r in out.received],
        [str(a) for a in out.alerts],
        out.disconnect,
        out.logged_on,
        out.line_lost,
    )


@given(
    moves=st.lists(st.tuples(KINDS, BODIES, CHANGES, st.integers(0, 255), st.booleans()), min_size=1, max_size=30),
)
def test_fast_and_full_lanes_give_the_same_results(
    moves: list[tuple[str, list[tuple[int, FixValue]], str, int, bool]],
) -> None:
    fast, full = Desk(fast_lane=True), Desk(fast_lane=False)
    for desk in (fast, full):
        desk.logon()
    peer = Peer(fast.clock)
    peer.next_seq = fast.peer.next_seq
    pending = b""
    for kind, body, change, byte, joined in moves:
        pending += _edited(peer, kind, body, change, byte)
        if joined:  # arrives with the next message, in the same read
            continue
        outs = [desk.session.data_received(pending) for desk in (fast, full)]
        assert _seen(outs[0]) == _seen(outs[1])
        for desk, out in zip((fast, full), outs, strict=True):
            desk.store.save(desk.session.record, [(o.seq, o.raw) for o in out.sends if o.new])
            if out.disconnect is not None:
                desk.session.connection_lost()
        assert (fast.session.state, fast.session.next_in, fast.session.next_out, fast.session.stats) == (
            full.session.state,
            full.session.next_in,
            full.session.next_out,
            full.session.stats,
        )
        pending = b""
        for desk in (fast, full):
            desk.clock.advance(0.001)


def _read(lane: PlainLane, raw: bytes) -> FixMessage | None:
    """The message the lane reads from ``raw``, a lone frame, as a session's framer lets it (``None``: left to the
    full way)."""
    items = FixFramer(lane=lane).feed(raw)
    return items[0].fields if len(items) == 1 and isinstance(items[0], Frame) else None


DIGITS = st.from_regex(rb"[0-9]{1,3}", fullmatch=True)
PLAIN = FixMessage(MsgType.EXECUTION_REPORT, REPORT).extend(
    [(tags.SENDER_COMP_ID, "VENUE"), (tags.TARGET_COMP_ID, "DESK"), (tags.MSG_SEQ_NUM, 7), (tags.SENDING_TIME, START)]
)


@given(edits=st.lists(st.tuples(st.integers(0, 400), st.binary(max_size=3)), max_size=4))
def test_the_lane_reads_a_frame_as_the_parser_does_or_leaves_it(edits: list[tuple[int, bytes]]) -> None:
    lane = PlainLane()
    lane.learn(parse_message(PLAIN.encode()))
    raw = PLAIN.encode()
    for at, data in edits:  # anywhere after 35= and before the trailer, overwritten or inserted
        start, end = raw.index(b"\x0135=") + 4, raw.rindex(b"\x0110=") - len(data)
        body_at = start + at % (end - start)
        raw = reframe(raw[:body_at] + data + raw[body_at + at % 2 * len(data) :])
    read = _read(lane, raw)
    if read is not None:
        parsed = parse_message(raw)
        asked = (*(int(key) for key, _ in parsed.fields), tags.TEXT, tags.POSS_DUP_FLAG)  # by position, and absent
        assert [read.get(tag) for tag in asked] == [parsed.get(tag) for tag in asked]
        keys = tuple(str(tag) for tag in asked)
        assert (read.msg_type, read.values_of(keys)) == (parsed.msg_type, parsed.values_of(keys))
        assert (read.fields, read.first_values()) == (parsed.fields, parsed.first_values())


def test_a_plain_report_of_a_known_layout_is_read_by_the_lane() -> None:
    lane, raw = PlainLane(), PLAIN.encode()
    assert _read(lane, raw) is None  # nothing learned yet
    lane.learn(parse_message(raw))
    assert _read(lane, raw) == parse_message(raw)
    other = reframe(raw.replace(b"\x0155=ACME", b"\x0155=OTHER"))  # same tags, other values
    assert _read(lane, other) == parse_message(other)


def test_only_plain_layouts_are_learned_and_only_the_newest_are_kept() -> None:
    lane = PlainLane()
    poss_dup = parse_message(PLAIN.copy().append(tags.POSS_DUP_FLAG, True).encode())
    repeated = parse_message(PLAIN.copy().append(tags.SYMBOL, "OTHER").encode())
    for msg in (poss_dup, repeated):
        lane.learn(msg)
        assert _read(lane, msg.encode()) is None
    layouts = [PLAIN.copy().append(tags.TEXT, "x" * n).append(5000 + n, "y") for n in range(1, LAYOUTS_KEPT + 2)]
    for msg in layouts:
        lane.learn(parse_message(msg.encode()))
    assert _read(lane, layouts[0].encode()) is None  # the oldest was forgotten
    assert all(_read(lane, msg.encode()) is not None for msg in layouts[1:])


@given(
    edits=st.lists(st.tuples(st.integers(0, 2000), st.binary(max_size=3) | DIGITS, st.booleans()), max_size=4),
    cuts=st.lists(st.integers(1, 600), max_size=6),
    max_body=st.sampled_from([DEFAULT_MAX_BODY_LENGTH, 200, 99]),
)
def test_a_framer_with_a_lane_cuts_and_drops_exactly_what_one_without_does(
    edits: list[tuple[int, bytes, bool]], cuts: list[int], max_body: int
) -> None:
    lane = PlainLane()
    lane.learn(parse_message(PLAIN.encode()))
    frames = [PLAIN.copy().set(tags.MSG_SEQ_NUM, seq).encode() for seq in range(7, 12)]
    stream = b"junk" + b"".join(frames)
    spots = [stream.index(b"\x019=") + 3, stream.index(b"\x0110=") + 4]  # a BodyLength and a CheckSum, often
    for at, data, refit in edits:  # bytes overwritten anywhere: BodyLength, CheckSum, a tag, a separator
        at = spots[at % 2] if at < 100 else at % len(stream)
        stream = stream[:at] + data + stream[at + len(data) :]
        if refit and b"8=FIX" in stream[at:]:  # or a later frame given a BodyLength and CheckSum that fit again
            start = stream.index(b"8=FIX", at)
            end = stream.find(b"\x0110=", start)
            if end > 0 and b"\x0135=" in stream[start:end]:
                stream = stream[:start] + reframe(stream[start : end + 8]) + stream[end + 8 :]
    with_lane, without = FixFramer(max_body, lane), FixFramer(max_body)
    seen: list[list[Frame | Garbled]] = [[], []]
    at = 0
    for cut in [*cuts, len(stream)]:
        piece, at = stream[at : at + cut], at + cut
        for framer, out in zip((with_lane, without), seen, strict=True):
            out += framer.feed(piece)
    for framer, out in zip((with_lane, without), seen, strict=True):
        out += framer.flush()
    assert [item.raw if isinstance(item, Frame) else item for item in seen[0]] == [
        item.raw if isinstance(item, Frame) else item for item in seen[1]
    ]
    read = [item for item in seen[0] if isinstance(item, Frame) and item.fields is not None]
    assert all(item.fields == parse_message(item.raw) for item in read)
    assert read or edits or max_body < len(frames[0])  # untouched plain frames are read by the lane


def test_the_lane_leaves_a_frame_whose_body_length_is_wrong_though_its_checksum_adds_up() -> None:
    lane, raw = PlainLane(), PLAIN.encode()
    lane.learn(parse_message(raw))
    length = raw.split(b"\x01")[1][2:]
    rotated = length[1:] + length[:1]  # the same digits, so the same byte sum
    assert rotated != length
    wrong = raw.replace(b"\x019=" + length, b"\x019=" + rotated, 1)
    assert _read(lane, wrong) is None
    assert [type(item) for item in FixFramer(lane=lane).feed(wrong + raw)] == [Garbled, Frame]
