"""Properties of the injector over random scripts and random traffic: no crash, no reordering unasked, replayable."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from app.engine.fix import FixParseError, parse_message
from app.venue.faults import Action, FaultInjector, Hold, Skip, Write, parse_script
from tests.unit.venue.faults.traffic import CANCELED, FILL, NEW, START, cancel_request, report, seq_of

SENT_KINDS = ["message", "execution report", "ack", "fill", "cancel ack", "order reject"]
FILTERS = ["for C-1", "on ACME", "with 39=1", "after 1s", "with probability 0.5"]
IN_ORDER = [
    "drop", "garble", "duplicate", "duplicate with possresend", "disconnect", "disconnect before",
    "restart with empty store", "unsolicited cancel", "unsolicited cancel C-2", "bust E-1",
]  # fmt: skip
REORDERING = ["reorder", "reorder past 2", "delay 100ms", "duplicate past 2", "duplicate with possresend past 1"]
AT_A_TIME = ["disconnect", "restart with empty store", "bust E-1", "unsolicited cancel on ACME"]


@st.composite
def message_rule(draw: st.DrawFn, faults: list[str]) -> str:
    which = draw(st.sampled_from(["every", "1st", "2nd", "3rd"]))
    kind = draw(st.sampled_from(SENT_KINDS))
    filters = draw(st.lists(st.sampled_from(FILTERS), unique=True, max_size=2))
    fault = draw(st.sampled_from(faults + (["bust"] if kind == "fill" else [])))
    return f"{which} {kind} {' '.join(filters)}: {fault}"


TIME_RULES = st.builds("at {}ms: {}".format, st.integers(0, 5000), st.sampled_from(AT_A_TIME))
RECEIVE_RULES = st.sampled_from(["1st cancel request: fill first", "every cancel request for C-2: fill first"])


def scripts(faults: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(message_rule(faults), TIME_RULES, RECEIVE_RULES), min_size=1, max_size=5).map("\n".join)


REPORTS = st.tuples(
    st.sampled_from([NEW, FILL, CANCELED, "8"]),
    st.sampled_from(["C-1", "C-2"]),
    st.sampled_from(["ACME", "XYZ"]),
    st.integers(0, 1500),
)
GARBAGE = st.binary(max_size=40)
CANCELS = st.builds(lambda orig: cancel_request("C-9", orig), st.sampled_from(["C-1", "C-2"]))


def replay(inj: FaultInjector, traffic: list[object]) -> list[Action]:
    """Feed reports (tuples), garbage (bytes) and cancel requests to the injector, with a poll after each."""
    out: list[Action] = []
    at, seq = START, 0
    for item in traffic:
        if isinstance(item, tuple):
            exec_type, cl, symbol, step_ms = item
            at += timedelta(milliseconds=step_ms)
            seq += 1
            out += inj.on_send(seq, report(seq, exec_type, cl, symbol, at).encode(), at)
        elif isinstance(item, bytes):
            seq += 1
            out += inj.on_send(seq, item, at)
        else:
            out += inj.on_receive(item, at)  # type: ignore[arg-type]  # a cancel request
        out += inj.poll(at)
    return out


def originals(actions: list[Action]) -> list[int | None]:
    """The MsgSeqNum of each message written, held or skipped as itself (not a PossDup copy)."""
    return [
        seq_of(a)
        for a in actions
        if isinstance(a, Skip) or (isinstance(a, Write | Hold) and parse_message(a.data).get(43) != "Y")
    ]


@given(script=scripts(IN_ORDER), seed=st.integers(0, 3), traffic=st.lists(REPORTS, max_size=25))
@example(  # found by Hypothesis: the PossResend copy came between the original and its PossDup copy
    script="every message: drop\nevery message: duplicate with possresend\nevery message: duplicate",
    seed=0,
    traffic=[(NEW, "C-1", "ACME", 0)],
)
def test_without_a_reordering_rule_every_message_keeps_its_place(script: str, seed: int, traffic: list[object]) -> None:
    actions = replay(FaultInjector(parse_script(script), START, seed), traffic)
    assert originals(actions) == list(range(1, len(traffic) + 1))
    assert not any(isinstance(a, Hold) for a in actions)
    for before, copy in itertools.pairwise(actions):
        if isinstance(copy, Write) and parse_message(copy.data).get(43) == "Y":
            assert seq_of(before) == seq_of(copy)  # a PossDup copy follows its original


@given(
    script=scripts(IN_ORDER + REORDERING),
    seed=st.integers(0, 3),
    traffic=st.lists(st.one_of(REPORTS, GARBAGE, CANCELS), max_size=25),
)
def test_any_script_on_any_traffic_never_raises_never_repeats_a_message_and_replays_exactly(
    script: str, seed: int, traffic: list[object]
) -> None:
    actions = replay(FaultInjector(parse_script(script), START, seed), traffic)
    parsed = [a for a in actions if not isinstance(a, Write | Hold) or _parses(a.data)]
    seqs = [s for s in originals(parsed) if s is not None]
    assert len(seqs) == len(set(seqs))
    assert replay(FaultInjector(parse_script(script), START, seed), traffic) == actions


def _parses(data: bytes) -> bool:
    try:
        parse_message(data)
    except FixParseError:
        return False
    return True
