"""Properties of the session core under a hostile line: lost, garbled, duplicated and swapped messages.

Whatever happens on the way, once the counterparty has answered our ResendRequests every application
message is delivered exactly once and in MsgSeqNum order, and the core never raises or jams.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.engine.fix.session_fsm import SessionState
from app.engine.fix.tags import MsgType
from tests.support.fix_script import START, Desk, execution, reframe

FATES = st.sampled_from(["arrive", "arrive", "arrive", "lost", "garbled", "twice", "swap"])


def garble(raw: bytes) -> bytes:
    at = raw.index(b"\x0117=") + 4
    return raw[:at] + bytes([raw[at] ^ 0x20]) + raw[at + 1 :]


@given(fates=st.lists(FATES, min_size=1, max_size=40), junk=st.binary(max_size=30))
def test_every_report_is_delivered_once_and_in_order_whatever_the_line_does(fates: list[str], junk: bytes) -> None:
    desk = Desk()
    desk.logon()
    first = desk.peer.next_seq
    originals = [desk.peer.message(MsgType.EXECUTION_REPORT, execution(f"C-{n}", f"E-{n}")) for n in range(len(fates))]
    wire: list[bytes] = []
    for raw, fate in zip(originals, fates, strict=True):
        if fate == "arrive":
            wire.append(raw)
        elif fate == "garbled":
            wire.append(garble(raw))
        elif fate == "twice":
            wire += [raw, reframe(raw.replace(b"\x0152=", b"\x0143=Y\x01122=20261123-14:30:00.000\x0152="))]
        elif fate == "swap" and wire:
            wire.insert(len(wire) - 1, raw)
    for chunk in wire:
        desk.hear_bytes(chunk)
    desk.hear_bytes(junk.replace(b"8=FIX", b""))
    assert desk.session.state is SessionState.ACTIVE
    for n in range(len(fates)):  # the counterparty answers our ResendRequest: everything again, as PossDup
        seq = first + n
        desk.hear(
            MsgType.EXECUTION_REPORT, execution(f"C-{n}", f"E-{n}"), seq=seq, poss_dup=True, orig_sending_time=START
        )
    assert desk.delivered() == [f"C-{n}" for n in range(len(fates))]
    assert desk.session.next_in == first + len(fates)
    assert desk.session.state is SessionState.ACTIVE
    requests = [m for m in desk.written if m.msg_type == MsgType.RESEND_REQUEST]
    disruptions = sum(fate in ("lost", "garbled", "swap") for fate in fates)
    assert len(requests) <= disruptions  # one ResendRequest per open gap, never one per queued message
