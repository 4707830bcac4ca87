"""Each fault on a synthetic stream of venue reports: what the session driver and the venue are asked to do."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.engine.fix import FixFramer, Frame, Garbled, GarbledReason, parse_message
from app.engine.fix import tags as t
from app.engine.ids import ClOrdId, ExecId
from app.venue.faults import (
    Bust,
    Correct,
    Disconnect,
    FillBeforeCancel,
    Halt,
    Hold,
    IgnoreRequest,
    PossResend,
    Resume,
    Skip,
    UnsolicitedCancel,
    WipeStore,
    Write,
)
from tests.unit.venue.faults.traffic import (
    CANCELED,
    FILL,
    NEW,
    START,
    cancel_request,
    injector,
    report,
    run,
    seqs,
    stream,
)

S = timedelta(seconds=1)


def test_a_message_no_rule_fires_on_is_written_as_it_came() -> None:
    sent = stream(NEW, FILL, FILL)
    assert run(injector("5th fill: drop"), sent) == [Write(s.frame) for s in sent]


def test_drop_skips_the_message_so_the_receiver_sees_a_gap() -> None:
    sent = stream(NEW, FILL, FILL, FILL)
    actions = run(injector("2nd fill: drop"), sent)
    assert actions == [Write(sent[0].frame), Write(sent[1].frame), Skip(3), Write(sent[3].frame)]


def test_garble_keeps_the_length_but_the_receivers_framer_drops_it_for_its_checksum() -> None:
    sent = stream(NEW, FILL, FILL)
    actions = run(injector("2nd execution report: garble"), sent)
    assert [type(a) for a in actions] == [Write, Write, Write]
    garbled = actions[1]
    assert isinstance(garbled, Write)
    assert len(garbled.data) == len(sent[1].frame)
    assert garbled.data != sent[1].frame
    received = FixFramer().feed(b"".join(a.data for a in actions if isinstance(a, Write)))
    assert [type(item) for item in received] == [Frame, Garbled, Frame]
    bad = received[1]
    assert isinstance(bad, Garbled)
    assert bad.reason is GarbledReason.BAD_CHECKSUM


def test_duplicate_resends_right_after_with_possdup_the_same_seq_and_the_original_sending_time() -> None:
    sent = stream(NEW, FILL, NEW, step=S)
    actions = run(injector("1st fill: duplicate"), sent)
    assert seqs(actions) == [1, 2, 2, 3]
    copy, original = actions[2], parse_message(sent[1].frame)
    assert isinstance(copy, Write)
    again = parse_message(copy.data)
    assert again.poss_dup
    assert again.orig_sending_time == original.sending_time
    assert again.sending_time == sent[1].at  # the injector's `now`
    assert again.get(t.EXEC_ID) == original.get(t.EXEC_ID)


def test_duplicate_with_possresend_asks_the_session_to_send_it_again_after_two_more_messages() -> None:
    sent = stream(NEW, FILL, NEW, NEW, NEW)
    actions = run(injector("1st fill: duplicate with possresend past 2"), sent)
    assert [type(a) for a in actions] == [Write, Write, Write, Write, PossResend, Write]
    resend = actions[4]
    assert isinstance(resend, PossResend)
    assert resend.message.poss_resend
    assert resend.message.get(t.EXEC_ID) == "E-2"


def test_possdup_copies_come_right_after_the_original_and_possresend_copies_after_them() -> None:
    script = "1st fill: duplicate with possresend\n1st fill: duplicate\n1st fill: duplicate with possresend"
    actions = run(injector(script), stream(NEW, FILL))
    assert [type(a) for a in actions] == [Write, Write, Write, PossResend, PossResend]
    assert seqs(actions) == [1, 2, 2]


def test_the_session_resending_a_duplicate_does_not_trigger_or_count_as_a_rule_match() -> None:
    inj = injector("every fill: drop")
    copy = report(2, FILL).set(t.POSS_RESEND, True).set(t.MSG_SEQ_NUM, 7).encode()
    assert inj.on_send(7, copy, START) == [Write(copy)]
    assert inj.on_send(8, report(8, FILL).encode(), START) == [Skip(8)]


@pytest.mark.parametrize(("rule", "order"), [("reorder", [1, 3, 2, 4, 5]), ("reorder past 2", [1, 3, 4, 2, 5])])
def test_reorder_sends_a_report_after_the_next_ones(rule: str, order: list[int]) -> None:
    actions = run(injector(f"1st fill: {rule}"), stream(NEW, FILL, FILL, FILL, FILL))
    assert seqs(actions) == order


def test_reports_held_back_until_the_same_message_go_out_oldest_first() -> None:
    actions = run(injector("1st fill: reorder past 2\n2nd fill: reorder"), stream(NEW, FILL, FILL, NEW))
    assert seqs(actions) == [1, 4, 2, 3]


def test_delay_holds_the_report_for_the_given_time() -> None:
    sent = stream(NEW, NEW)
    actions = run(injector("1st ack for C-1: delay 1.5s"), sent)
    assert actions == [Hold(sent[0].frame, START + timedelta(seconds=1.5)), Write(sent[1].frame)]


def test_disconnect_writes_the_message_then_closes() -> None:
    sent = stream(NEW, FILL, FILL, FILL, FILL)
    actions = run(injector("4th message: disconnect"), sent)
    assert actions[3:5] == [Write(sent[3].frame), Disconnect()]


def test_disconnect_before_closes_without_writing_the_message() -> None:
    sent = stream(NEW, FILL)
    assert run(injector("1st fill: disconnect before"), sent)[1:] == [Disconnect(), Skip(2)]


def test_a_disconnect_at_a_time_fires_once_when_polled_or_before_the_next_message() -> None:
    inj = injector("at 30s: disconnect\nat 10s: unsolicited cancel on ACME")
    assert inj.next_due() == START + 10 * S
    assert inj.poll(START + 9 * S) == []
    assert inj.poll(START + 10 * S) == [UnsolicitedCancel(None, "ACME")]
    assert inj.next_due() == START + 30 * S
    frame = report(1).encode()
    assert inj.on_send(1, frame, START + 31 * S) == [Disconnect(), Write(frame)]
    assert inj.poll(START + 99 * S) == []
    assert inj.next_due() is None


def test_restart_writes_the_message_then_closes_and_wipes_the_store() -> None:
    sent = stream(NEW, NEW)
    assert run(injector("2nd message: restart with empty store"), sent)[1:] == [
        Write(sent[1].frame),
        Disconnect(),
        WipeStore(),
    ]


def test_bust_asks_the_venue_to_bust_the_fill_that_fired_the_rule() -> None:
    sent = stream(NEW, FILL, FILL)
    assert run(injector("2nd fill: bust"), sent)[2:] == [Write(sent[2].frame), Bust(ExecId("E-3"))]


def test_bust_at_a_time_names_its_exec_id() -> None:
    assert injector("at 1s: bust E-9").poll(START + S) == [Bust(ExecId("E-9"))]


def test_correct_asks_the_venue_to_correct_the_fill_that_fired_the_rule_or_the_one_named() -> None:
    sent = stream(NEW, FILL, FILL)
    [write, correct] = run(injector("2nd fill: correct qty -1 px 99.5"), sent)[2:]
    assert isinstance(correct, Correct)
    assert (write, correct.exec_id) == (Write(sent[2].frame), "E-3")
    assert correct.to(Decimal(10), Decimal(100)) == (Decimal(9), Decimal("99.5"))
    [at_time] = injector("at 1s: correct E-9 px +0.05").poll(START + S)
    assert isinstance(at_time, Correct)
    assert (at_time.exec_id, at_time.to(Decimal(10), Decimal(100))) == ("E-9", (Decimal(10), Decimal("100.05")))


def test_unsolicited_cancel_after_an_ack_cancels_that_order() -> None:
    inj = injector("1st ack for C-2: unsolicited cancel")
    other, mine = report(1, NEW, cl="C-1").encode(), report(2, NEW, cl="C-2").encode()
    assert inj.on_send(1, other, START) == [Write(other)]
    assert inj.on_send(2, mine, START) == [Write(mine), UnsolicitedCancel(ClOrdId("C-2"), None)]


def test_halt_and_resume_at_a_time_name_their_symbol_and_after_a_message_take_its_symbol() -> None:
    inj = injector("at 5s: halt ACME\nat 20s: resume ACME\n1st ack on BOLT: halt")
    assert inj.poll(START + 5 * S) == [Halt("ACME")]
    assert inj.poll(START + 20 * S) == [Resume("ACME")]
    acme, bolt = report(1, NEW).encode(), report(2, NEW, symbol="BOLT").encode()
    assert inj.on_send(1, acme, START + 21 * S) == [Write(acme)]
    assert inj.on_send(2, bolt, START + 21 * S) == [Write(bolt), Halt("BOLT")]


def test_fill_first_answers_the_first_cancel_request_for_the_order_only() -> None:
    inj = injector("1st cancel request for C-1: fill first")
    assert inj.on_receive(cancel_request("C-9", orig="C-7"), START) == []
    assert inj.on_receive(cancel_request("C-2", orig="C-1"), START) == [FillBeforeCancel(ClOrdId("C-1"))]
    assert inj.on_receive(cancel_request("C-3", orig="C-1"), START) == []
    frame = report(1, CANCELED).encode()
    assert inj.on_send(1, frame, START) == [Write(frame)]  # outbound traffic is not counted against it


def test_ignore_loses_the_request_and_wins_over_fill_first() -> None:
    inj = injector("1st cancel request: ignore\n1st cancel request: fill first\n2nd new order: ignore")
    assert inj.on_receive(cancel_request("C-2", orig="C-1"), START) == [IgnoreRequest()]
    assert inj.on_receive(cancel_request("C-3", orig="C-1"), START) == []


def test_filters_select_by_clordid_symbol_tag_and_time() -> None:
    inj = injector("every fill for C-2 on XYZ with 39=1 after 5s: drop")
    cases = [
        (report(1, FILL, cl="C-2", symbol="XYZ", at=START + 4 * S), False),  # too early
        (report(2, FILL, cl="C-1", symbol="XYZ", at=START + 5 * S), False),  # another order
        (report(3, FILL, cl="C-2", symbol="ACME", at=START + 5 * S), False),  # another symbol
        (report(4, NEW, cl="C-2", symbol="XYZ", at=START + 5 * S), False),  # not a fill
        (report(5, FILL, cl="C-2", symbol="XYZ", at=START + 5 * S), True),
    ]
    for message, dropped in cases:
        actions = inj.on_send(message.seq_num, message.encode(), message.sending_time)
        assert (actions == [Skip(message.seq_num)]) is dropped, message


def test_a_rule_counts_only_the_messages_that_pass_its_filters() -> None:
    inj = injector("2nd fill on XYZ: drop")
    messages = [report(1, FILL, symbol="XYZ"), report(2, FILL), report(3, FILL, symbol="XYZ")]
    out = [inj.on_send(m.seq_num, m.encode(), START) for m in messages]
    assert out[2] == [Skip(3)]
    assert all(isinstance(a[0], Write) for a in out[:2])


def test_a_probability_draws_from_the_seed_so_a_seed_replays_the_same_faults() -> None:
    sent = stream(*[FILL] * 200)
    script = "every fill with probability 0.3: drop"
    skipped = [a.seq for a in run(injector(script, seed=1), sent) if isinstance(a, Skip)]
    assert [a.seq for a in run(injector(script, seed=1), sent) if isinstance(a, Skip)] == skipped
    assert [a.seq for a in run(injector(script, seed=2), sent) if isinstance(a, Skip)] != skipped
    assert 30 < len(skipped) < 90


def test_the_scripts_seed_is_used_unless_the_caller_gives_one() -> None:
    sent = stream(*[FILL] * 50)
    script = "every fill with probability 0.5: drop"
    assert run(injector(f"seed 4\n{script}"), sent) == run(injector(script, seed=4), sent)
    assert run(injector(f"seed 4\n{script}", seed=5), sent) == run(injector(script, seed=5), sent)


def test_rules_firing_on_one_message_compose_in_script_order() -> None:
    sent = stream(NEW, FILL, NEW)
    actions = run(injector("1st fill: garble\n1st fill: duplicate\n1st fill: delay 2s\n1st fill: bust"), sent)
    assert [type(a) for a in actions] == [Write, Hold, Hold, Bust, Write]
    spoiled, copy = actions[1], actions[2]
    assert isinstance(spoiled, Hold)
    assert isinstance(copy, Hold)
    assert spoiled.until == copy.until == START + 2 * S
    framed = FixFramer().feed(spoiled.data + copy.data)
    assert [type(item) for item in framed] == [Garbled, Frame]  # only the original is garbled


def test_drop_wins_over_reorder_and_a_duplicate_still_goes_out() -> None:
    actions = run(injector("1st fill: reorder\n1st fill: drop\n1st fill: duplicate"), stream(NEW, FILL, NEW))
    assert seqs(actions) == [1, 2, 2, 3]
    assert isinstance(actions[1], Skip)


def test_closing_the_connection_forgets_reports_held_back_for_reordering() -> None:
    inj = injector("1st fill: reorder past 3")
    sent = stream(NEW, FILL, NEW, NEW, NEW)
    first = run(inj, sent[:2])
    inj.disconnected()
    assert seqs(first + run(inj, sent[2:])) == [1, 3, 4, 5]


def test_a_disconnect_rule_also_forgets_reports_held_back() -> None:
    actions = run(injector("1st fill: reorder\n3rd message: disconnect"), stream(NEW, FILL, NEW, NEW))
    assert seqs(actions) == [1, 3, 4]
    assert actions[2] == Disconnect()


def test_bytes_that_are_not_a_fix_message_are_written_untouched() -> None:
    inj = injector("every message: drop")
    assert inj.on_send(1, b"not fix", START) == [Write(b"not fix")]


def test_a_message_object_is_encoded_and_matched_like_its_frame() -> None:
    message = report(1, FILL)
    assert injector("1st fill: garble").on_send(1, message, START) == injector("1st fill: garble").on_send(
        1, message.encode(), START
    )


def test_every_time_rule_fires_in_time_order_whatever_the_script_order() -> None:
    inj = injector("at 2s: bust E-2\nat 1s: bust E-1")
    assert inj.poll(START + 5 * S) == [Bust(ExecId("E-1")), Bust(ExecId("E-2"))]
