"""A fault script on one session's wire: what reaches the socket, in what order, and what the venue is asked to do."""

from __future__ import annotations

from datetime import timedelta

from app.engine.clock import FakeClock
from app.engine.enums import ExecType
from app.engine.fix import FixMessage, MsgType, parse_message
from app.engine.fix.session import Outgoing
from app.engine.fix.session_messages import heartbeat
from app.engine.ids import ExecId
from app.venue.fault_wire import FaultWire
from app.venue.faults import Action, Bust, FaultInjector, PossResend, WipeStore, parse_script
from tests.unit.venue.faults.traffic import FILL, NEW, START, report


class FakeLine:
    """A connection that keeps what is written and whether it was closed (writes after closing are lost)."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closed = False

    def put(self, data: bytes) -> None:
        if not self.closed:
            self.written.append(data)

    def close(self) -> None:
        self.closed = True

    def seqs(self) -> list[int]:
        return [parse_message(frame).seq_num for frame in self.written]


class Wire:
    """A FaultWire on a fake clock, remembering what it handed to the venue and how often it woke the driver."""

    def __init__(self, script: str) -> None:
        self.clock = FakeClock(START)
        self.acted: list[Action] = []
        self.wakes = 0
        injector = FaultInjector(parse_script(script), START)
        self.wire = FaultWire(injector, self.clock, self.acted.append, self._wake)

    def _wake(self) -> None:
        self.wakes += 1

    def send(self, line: FakeLine, *exec_types: str, first: int = 1) -> None:
        """Reports with MsgSeqNums from ``first``, in one write."""
        out = [_outgoing(report(first + n, kind, at=self.clock.now())) for n, kind in enumerate(exec_types)]
        self.wire.put(line, out)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.wire.fire()


def _outgoing(message: FixMessage) -> Outgoing:
    return Outgoing(message.seq_num, message.encode(), message.msg_type, True, "SIMA:1")


def test_without_a_matching_rule_every_message_goes_out_as_it_is() -> None:
    wire, line = Wire("3rd fill: drop"), FakeLine()
    wire.send(line, NEW, FILL)
    assert line.seqs() == [1, 2]
    assert wire.wakes == 1


def test_session_messages_pass_untouched_even_when_every_message_is_dropped() -> None:
    wire, line = Wire("every message: drop"), FakeLine()
    beat = heartbeat().extend([(49, "SIMA"), (56, "OEMS"), (34, 1), (52, START)])
    wire.wire.put(line, [_outgoing(beat), _outgoing(report(2))])
    assert [parse_message(frame).msg_type for frame in line.written] == [MsgType.HEARTBEAT]


def test_a_dropped_message_is_not_written_and_the_next_one_is() -> None:
    wire, line = Wire("1st fill: drop"), FakeLine()
    wire.send(line, NEW, FILL, FILL)
    assert line.seqs() == [1, 3]


def test_a_garbled_message_keeps_its_length_but_not_its_checksum() -> None:
    wire, line = Wire("1st fill: garble"), FakeLine()
    wire.send(line, NEW, FILL)
    good = report(2, FILL, at=START).encode()
    assert len(line.written[1]) == len(good)
    assert line.written[1] != good
    assert line.written[1][:-5] == good[:-5]


def test_held_messages_go_out_when_due_in_the_order_they_were_held_after_what_overtook_them() -> None:
    wire, line = Wire("every ack: delay 1s"), FakeLine()
    wire.send(line, NEW, NEW, FILL)
    assert line.seqs() == [3]
    assert wire.wire.due() == START + timedelta(seconds=1)
    wire.advance(0.5)
    assert line.seqs() == [3]
    wire.advance(0.5)
    assert line.seqs() == [3, 1, 2]
    assert wire.wire.due() is None


def test_a_disconnect_closes_the_line_skips_the_rest_of_the_write_but_still_asks_the_venue() -> None:
    wire, line = Wire("1st fill: disconnect\n1st fill: bust"), FakeLine()
    wire.send(line, NEW, FILL, FILL)
    assert line.closed
    assert line.seqs() == [1, 2]
    assert wire.acted == [Bust(ExecId("E-2"))]


def test_a_restart_closes_the_line_and_asks_the_venue_to_wipe_the_store() -> None:
    wire, line = Wire("2nd message: restart with empty store"), FakeLine()
    wire.send(line, NEW, FILL, FILL)
    assert (line.closed, line.seqs(), wire.acted) == (True, [1, 2], [WipeStore()])


def test_messages_held_for_a_closed_connection_are_not_written_on_the_next_one() -> None:
    wire, first = Wire("1st ack: delay 1s"), FakeLine()
    wire.send(first, NEW)
    first.close()
    second = FakeLine()
    wire.send(second, FILL, first=2)
    wire.advance(2)
    assert (first.written, second.seqs()) == ([], [2])


def test_a_time_rule_fires_when_the_venue_clock_reaches_it() -> None:
    wire, line = Wire("at 5s: disconnect"), FakeLine()
    wire.send(line, NEW)
    assert wire.wire.due() == START + timedelta(seconds=5)
    wire.advance(4)
    assert not line.closed
    wire.advance(1)
    assert line.closed
    assert wire.wire.due() is None


def test_a_possresend_copy_is_handed_to_the_venue_as_a_body_to_stamp_again() -> None:
    wire, line = Wire("1st fill: duplicate with possresend"), FakeLine()
    wire.send(line, NEW, FILL)
    [copy] = wire.acted
    assert isinstance(copy, PossResend)
    message = copy.message
    assert message.poss_resend
    assert (message.get(34), message.get(49), message.get(52), message.get(17)) == (None, None, None, "E-2")
    assert message.get(150) == ExecType.TRADE


def test_bytes_that_do_not_parse_are_still_written() -> None:
    wire, line = Wire("every message: drop"), FakeLine()
    junk = Outgoing(1, b"not fix", MsgType.EXECUTION_REPORT, True, "SIMA:1")
    wire.wire.put(line, [junk])
    assert line.written == [b"not fix"]
