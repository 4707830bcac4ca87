"""Two session cores talking to each other, the desk's initiator and the simulator's acceptor, over a scripted
wire that can lose messages or hold them back: gaps on both sides at once close without a person."""

from __future__ import annotations

import itertools

import pytest

from app.engine.clock import FakeClock
from app.engine.fix import tags
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.session import FixSession, Outgoing, SessionOutput
from app.engine.fix.session_fsm import SessionState
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import MsgType
from tests.support.fix_script import DESK, START, VENUE, execution, session_config


class Side:
    """One core, its store, what it has delivered to its application, and the bytes on their way to the other."""

    def __init__(self, clock: FakeClock, *, initiator: bool) -> None:
        sender, target = (DESK, VENUE) if initiator else (VENUE, DESK)
        self.session = FixSession(
            session_config("SIMA", sender, target), clock, MemorySessionStore(), initiator=initiator
        )
        self.in_flight: list[bytes] = []
        """Written, not yet delivered to the other side (oldest first)."""
        self.delivered: list[str] = []
        """The ClOrdIDs of the application messages received in sequence."""

    def carry(self, out: SessionOutput) -> None:
        store = self.session.store
        assert isinstance(store, MemorySessionStore)
        store.save(self.session.record, [(o.seq, o.raw) for o in out.sends if o.new])  # durable before written
        self.in_flight += [o.raw for o in out.sends]
        self.delivered += [r.message.get(tags.CL_ORD_ID) or "" for r in out.received]

    def send(self, msg_type: str, cl_ord_id: str) -> None:
        """The application sends a message, stored first and written at once."""
        outgoing: Outgoing = self.session.send(FixMessage(msg_type, execution(cl_ord_id, f"E-{cl_ord_id}")))
        self.carry(SessionOutput(sends=[outgoing]))

    def lose(self, msg_type: str) -> None:
        """The newest message of ``msg_type`` on its way is lost (it stays in the sender's store)."""
        index = max(i for i, raw in enumerate(self.in_flight) if parse_message(raw).msg_type == msg_type)
        del self.in_flight[index]

    def types_in_flight(self) -> list[str]:
        return [parse_message(raw).msg_type for raw in self.in_flight]


class Pair:
    """The desk (initiator) and the venue (acceptor), logged on to each other."""

    def __init__(self) -> None:
        self.clock = FakeClock(START)
        self.desk, self.venue = Side(self.clock, initiator=True), Side(self.clock, initiator=False)
        self.venue.carry(self.venue.session.connected())
        self.desk.carry(self.desk.session.connected())
        self.settle()
        assert self.desk.session.state is self.venue.session.state is SessionState.ACTIVE

    def deliver(self, sender: Side, count: int = 1) -> None:
        """Hand the oldest ``count`` messages ``sender`` wrote to the other side."""
        receiver = self.venue if sender is self.desk else self.desk
        batch, sender.in_flight = sender.in_flight[:count], sender.in_flight[count:]
        receiver.carry(receiver.session.data_received(b"".join(batch)))

    def settle(self, rounds: int = 20) -> None:
        """Deliver everything both ways until the wire is quiet."""
        for _ in range(rounds):
            if not (self.desk.in_flight or self.venue.in_flight):
                return
            self.deliver(self.desk, len(self.desk.in_flight))
            self.deliver(self.venue, len(self.venue.in_flight))
        raise AssertionError("the two sides are still talking after 20 rounds")


def _both_sides_find_a_gap_at_once() -> Pair:
    """Each side's order or report 2 is lost; each side's 3 arrives and each asks for the gap with a
    ResendRequest (4) that the other receives while it is itself still waiting for 2."""
    pair = Pair()
    pair.desk.send(MsgType.NEW_ORDER_SINGLE, "C-2")
    pair.venue.send(MsgType.EXECUTION_REPORT, "V-2")
    pair.desk.lose(MsgType.NEW_ORDER_SINGLE)
    pair.venue.lose(MsgType.EXECUTION_REPORT)
    pair.desk.send(MsgType.NEW_ORDER_SINGLE, "C-3")
    pair.venue.send(MsgType.EXECUTION_REPORT, "V-3")
    pair.deliver(pair.desk)
    pair.deliver(pair.venue)
    assert pair.desk.types_in_flight() == pair.venue.types_in_flight() == [MsgType.RESEND_REQUEST]
    return pair


def test_resend_requests_that_cross_are_both_answered_and_both_gaps_close() -> None:
    pair = _both_sides_find_a_gap_at_once()
    pair.deliver(pair.desk)  # the venue, still waiting for 2, hears the desk's ResendRequest 4
    pair.deliver(pair.venue)  # and the desk, still waiting for 2, hears the venue's
    # Each answered the other's at once (2 and 3 again with 43=Y, its own ResendRequest gap-filled), and asked
    # for nothing more: its own ResendRequest already covers the gap.
    assert pair.desk.types_in_flight() == [MsgType.NEW_ORDER_SINGLE] * 2 + [MsgType.SEQUENCE_RESET]
    assert pair.venue.types_in_flight() == [MsgType.EXECUTION_REPORT] * 2 + [MsgType.SEQUENCE_RESET]
    pair.settle()
    assert pair.desk.delivered == ["V-2", "V-3"]
    assert pair.venue.delivered == ["C-2", "C-3"]
    for side in (pair.desk, pair.venue):
        assert side.session.next_in == 5
        assert side.session.next_out == 5  # answering takes no new numbers
        assert side.session.stats.resend_requests_answered == 1  # the queued request is not answered twice
        assert side.session.state is SessionState.ACTIVE


@pytest.mark.parametrize("first", ["desk", "venue"])
def test_gaps_on_both_sides_close_whichever_side_hears_first_and_then_keep_trading(first: str) -> None:
    pair = _both_sides_find_a_gap_at_once()
    sides = (pair.desk, pair.venue) if first == "desk" else (pair.venue, pair.desk)
    for sender in itertools.islice(itertools.cycle(sides), 6):  # one message at a time, alternating
        if sender.in_flight:
            pair.deliver(sender)
    pair.settle()
    pair.desk.send(MsgType.NEW_ORDER_SINGLE, "C-5")
    pair.venue.send(MsgType.EXECUTION_REPORT, "V-5")
    pair.settle()
    assert pair.desk.delivered == ["V-2", "V-3", "V-5"]
    assert pair.venue.delivered == ["C-2", "C-3", "C-5"]
    assert pair.desk.session.stats.gaps == pair.venue.session.stats.gaps == 1
