"""Reading fault scripts: every example parses, and every kind of mistake is named with its file and line."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from app.venue.errors import FaultScriptError
from app.venue.faults import load_script, parse_script
from app.venue.faults import script as script_module
from app.venue.faults.rules import KINDS, Change, Effect, Fault, MessageTrigger, Rule, TimeTrigger

REPO = Path(__file__).resolve().parents[4]
EXAMPLES = sorted((REPO / "resources" / "faults").glob("*.txt"))


def test_there_is_an_example_for_every_fault() -> None:
    effects = {rule.fault.effect for path in EXAMPLES for rule in load_script(path).rules}
    assert effects == set(Effect)
    assert any(isinstance(rule.trigger, TimeTrigger) for path in EXAMPLES for rule in load_script(path).rules)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_every_example_parses_and_says_what_each_rule_does(path: Path) -> None:
    script = load_script(path)
    assert script.rules
    assert script.source == str(path)
    assert [line.split(":")[0] for line in script.describe()] == [f"line {rule.line}" for rule in script.rules]


def test_the_example_in_the_format_documentation_parses() -> None:
    doc = script_module.__doc__ or ""
    example = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    assert len(parse_script(example).rules) == 12


def test_a_rule_reads_as_it_is_written() -> None:
    rule = "2nd Fill for C-1 on ACME with 39=1 with 58=x after 1.5s with probability 0.5: DROP # why"
    script = parse_script(f"seed 9\n\n# a comment\n{rule}")
    fill = KINDS["fill"]
    trigger = MessageTrigger(fill, 2, "C-1", "ACME", ((39, "1"), (58, "x")), timedelta(milliseconds=1500))
    assert script.rules == (Rule(4, trigger, Fault(Effect.DROP), Decimal("0.5")),)
    assert script.seed == 9


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("garble", Fault(Effect.GARBLE)),
        ("delay 250ms", Fault(Effect.DELAY, delay=timedelta(milliseconds=250))),
        ("delay 2m", Fault(Effect.DELAY, delay=timedelta(minutes=2))),
        ("reorder", Fault(Effect.REORDER, count=1)),
        ("reorder past 3", Fault(Effect.REORDER, count=3)),
        ("duplicate", Fault(Effect.DUPLICATE)),
        ("duplicate with PossDup past 2", Fault(Effect.DUPLICATE, count=2)),
        ("duplicate with possresend", Fault(Effect.POSS_RESEND)),
        ("disconnect", Fault(Effect.DISCONNECT)),
        ("disconnect before", Fault(Effect.DISCONNECT_BEFORE)),
        ("restart with empty store", Fault(Effect.RESTART)),
        ("bust", Fault(Effect.BUST)),
        ("bust E-4", Fault(Effect.BUST, exec_id="E-4")),
        ("correct px +0.05", Fault(Effect.CORRECT, new_px=Change(Decimal("0.05"), shift=True))),
        (
            "Correct E-4 QTY 5 px 99.5",
            Fault(Effect.CORRECT, exec_id="E-4", new_qty=Change(Decimal(5)), new_px=Change(Decimal("99.5"))),
        ),
        ("correct qty -10", Fault(Effect.CORRECT, new_qty=Change(Decimal(-10), shift=True))),
        ("unsolicited cancel", Fault(Effect.UNSOLICITED_CANCEL)),
        ("unsolicited cancel C-3", Fault(Effect.UNSOLICITED_CANCEL, cl_ord_id="C-3")),
        ("unsolicited cancel on ACME", Fault(Effect.UNSOLICITED_CANCEL, symbol="ACME")),
        ("halt", Fault(Effect.HALT)),
        ("Halt ACME", Fault(Effect.HALT, symbol="ACME")),
        ("resume ACME", Fault(Effect.RESUME, symbol="ACME")),
    ],
)
def test_each_fault_on_a_sent_message(text: str, fault: Fault) -> None:
    assert parse_script(f"every fill: {text}").rules[0].fault == fault


def test_time_rules_and_received_messages() -> None:
    text = "at 2.5s with probability 0.1: restart with empty store\n3rd replace request: fill first"
    rules = parse_script(text).rules
    assert rules[0].trigger == TimeTrigger(timedelta(milliseconds=2500))
    assert rules[0].chance == Decimal("0.1")
    assert rules[1].trigger == MessageTrigger(KINDS["replace request"], 3)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("seed", "'seed' takes one whole number"),
        ("seed 1\nseed 2\nevery fill: drop", "the seed is given twice"),
        ("2nd fill drop", "a rule is 'WHEN: WHAT'"),
        ("2nd fill:", "a rule is 'WHEN: WHAT'"),
        (": drop", "the rule has nothing before its colon"),
        ("second fill: drop", "a rule starts with 'at DURATION', 'every KIND' or an ordinal"),
        ("0th fill: drop", "a rule starts with"),
        ("2nd fil: drop", "expected a message kind"),
        ("every: drop", "expected a message kind ('message', 'execution report'"),
        ("2nd fill by C-1: drop", "unexpected 'by' after the message kind"),
        ("2nd fill for: drop", "'for' at the end of the trigger needs a value"),
        ("2nd fill for C-1 for C-2: drop", "the filter 'for' is given twice"),
        ("2nd fill with 39: drop", "'with' takes TAG=VALUE"),
        ("2nd fill probability 0.5: drop", "unexpected 'probability' after the message kind"),
        ("2nd fill with probability 0.5 with probability 0.5: drop", "the filter 'with probability' is given twice"),
        ("2nd fill with probability 1.5: drop", "a probability is a number above 0 and at most 1"),
        ("2nd fill with probability 0: drop", "a probability is a number above 0"),
        ("2nd fill with probability half: drop", "a probability is a number"),
        ("2nd fill after 5: drop", "a duration is a number and a unit"),
        ("2nd fill after 1.5ms: drop", "durations are whole milliseconds; '1.5ms' is not"),
        ("at: disconnect", "'at' needs a time"),
        ("at 5s sharp: disconnect", "after 'at DURATION' only 'with probability P' may follow"),
        ("at 5s: drop", "'drop' acts on a message, but 'at' names a time"),
        ("at 5s: bust", "'bust' at a time needs the ExecID"),
        ("at 5s: correct px 1", "'correct' at a time needs the ExecID of the fill, as in 'correct E-12'"),
        ("2nd ack: correct px 1", "'correct' without an ExecID acts on the fill that fired the rule"),
        ("2nd fill: correct", "'correct' needs what to correct: 'qty Q', 'px P' or both"),
        ("2nd fill: correct E-4", "'correct' needs what to correct"),
        ("2nd fill: correct px", "'correct' takes '[EXECID] [qty Q] [px P]'"),
        ("2nd fill: correct E-4 size 5", "'correct' takes '[EXECID] [qty Q] [px P]'"),
        ("2nd fill: correct px 1 px 2", "'correct' gives 'px' twice"),
        ("2nd fill: correct px cheap", "the price to correct to is a number (100.05), or a signed one"),
        ("2nd fill: correct qty 0", "a corrected quantity is above zero; '0' is not"),
        ("at 5s: unsolicited cancel", "'unsolicited cancel' at a time needs an order"),
        ("at 5s: halt", "'halt' at a time needs the symbol, as in 'halt ACME'"),
        ("at 5s: resume", "'resume' at a time needs the symbol"),
        ("2nd fill: halt ACME BOLT", "unknown fault 'halt ACME BOLT'"),
        ("2nd new order: halt", "only 'fill first' or 'ignore' can act on it"),
        ("2nd fill: explode", "unknown fault 'explode'"),
        ("2nd fill: drop it", "unknown fault 'drop it'"),
        ("2nd fill: delay", "unknown fault 'delay'"),
        ("2nd fill: delay 0ms", "'delay' needs a time above zero"),
        ("2nd fill: reorder by 2", "'reorder' may be followed only by 'past N'"),
        ("2nd fill: reorder past 0", "'reorder past' needs a whole number of messages"),
        ("2nd fill: duplicate with flag", "'duplicate with' takes 'possdup' (43=Y) or 'possresend' (97=Y)"),
        ("2nd fill: unsolicited cancel on", "'unsolicited cancel' takes nothing, a ClOrdID or 'on SYMBOL'"),
        ("2nd ack: bust", "the trigger must be a 'fill', not 'ack'"),
        ("2nd new order: drop", "the venue receives a 'new order', so only 'fill first' or 'ignore' can act on it"),
        ("2nd fill: ignore", "'ignore' acts on a request the venue receives, not on a 'fill' it sends"),
        ("2nd fill: fill first", "'fill first' acts on a 'cancel request' or 'replace request', not a 'fill'"),
        ("# nothing but a comment", "the script has no rules"),
        ("venue SIMB 2nd fill: drop", "a rule for one venue is 'venue NAME: WHEN: WHAT'"),
        ("venue: 2nd fill: drop", "a rule for one venue is 'venue NAME: WHEN: WHAT'"),
        ("venue SIMB:", "a rule for one venue is 'venue NAME: WHEN: WHAT'"),
        ("venue SIMB: 2nd fil: drop", "expected a message kind"),
    ],
)
def test_each_mistake_is_named_with_its_line(text: str, problem: str) -> None:
    with pytest.raises(FaultScriptError) as caught:
        parse_script(f"# line 1\n{text}", "race.txt")
    found = caught.value.problems[0]
    assert problem in found.problem
    expected_line = 0 if "no rules" in problem else 3 if "seed is given twice" in problem else 2
    assert found.line == expected_line
    assert str(found).startswith(f"race.txt:{expected_line}: ")


def test_every_bad_line_is_reported_at_once() -> None:
    with pytest.raises(FaultScriptError) as caught:
        parse_script("2nd fill: drop\nnonsense\n1st ack: explode\nat 1s: disconnect", "two.txt")
    assert [p.line for p in caught.value.problems] == [2, 3]
    assert str(caught.value).splitlines()[1].startswith("two.txt:3: unknown fault 'explode'")


def test_a_missing_file_is_a_script_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.txt"
    with pytest.raises(FaultScriptError, match=r"absent\.txt:0: cannot read the script"):
        load_script(path)


def test_a_colon_inside_a_clordid_does_not_split_the_rule() -> None:
    (rule,) = parse_script("1st ack for A:1: unsolicited cancel").rules
    assert isinstance(rule.trigger, MessageTrigger)
    assert rule.trigger.cl_ord_id == "A:1"


def test_a_rule_can_be_aimed_at_named_venues_and_the_others_run_without_it() -> None:
    script = parse_script("every fill: garble\nvenue SIMB: 2nd fill: drop\nVENUE SIMB, SIMC: at 5s: disconnect\n")
    assert [rule.venues for rule in script.rules] == [(), ("SIMB",), ("SIMB", "SIMC")]
    assert [rule.line for rule in script.for_venue("SIMA").rules] == [1]
    assert [rule.line for rule in script.for_venue("SIMC").rules] == [1, 3]
    assert script.describe()[1].startswith("line 2: at SIMB only, the 2nd fill (35=8, 150=F): drop it")


def test_a_rule_aimed_at_a_venue_the_simulator_does_not_run_is_refused_with_its_line() -> None:
    with pytest.raises(FaultScriptError) as caught:
        parse_script("2nd fill: drop\nvenue SIMB, SIMX: 1st ack: drop\n", "aim.txt", venues=("SIMA", "SIMB", "SIMC"))
    [problem] = caught.value.problems
    assert str(problem) == "aim.txt:2: there is no simulated venue SIMX; the venues are SIMA, SIMB, SIMC"
