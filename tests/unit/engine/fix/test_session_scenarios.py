"""FIX.md's session scenarios, scripted against the session core: each reads as what a counterparty does
and what we must do in answer. (Application-level scenarios live with the gateway's tests.)"""

from __future__ import annotations

import dataclasses
import re
from datetime import time

import pytest

from app.engine.fix import tags
from app.engine.fix.alerts import AlertKind, AlertLevel
from app.engine.fix.message import FixMessage
from app.engine.fix.schedule import SessionSchedule
from app.engine.fix.session_fsm import SessionState
from app.engine.fix.session_store import MemorySessionStore
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from tests.support.fix_script import START, Desk, execution, minutes, reframe


def seqs(messages: list[FixMessage]) -> list[int]:
    return [m.seq_num for m in messages]


# Logon ---------------------------------------------------------------------------------------------------


def test_the_initiator_sends_only_a_logon_until_the_reply() -> None:
    desk = Desk()
    (logon,) = desk.connect()
    assert logon.msg_type == MsgType.LOGON
    assert (logon.get(tags.ENCRYPT_METHOD), logon.get(tags.HEART_BT_INT)) == ("0", "30")
    assert tags.RESET_SEQ_NUM_FLAG not in logon
    assert (logon.sender_comp_id, logon.target_comp_id, logon.seq_num) == ("DESK", "VENUE", 1)
    assert desk.session.state is SessionState.LOGON_SENT
    assert desk.wait(9) == []  # no heartbeat, nothing, before the reply
    desk.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 30)])
    assert desk.session.state is SessionState.ACTIVE
    assert desk.session.next_in == 2


def test_no_logon_reply_within_ten_seconds_disconnects() -> None:
    desk = Desk()
    desk.connect()
    desk.wait(10)
    assert desk.session.state is SessionState.DISCONNECTED
    assert "no Logon" in desk.disconnects[0]


def test_baseline_logon_order_fill_logout_and_restart_resume_the_numbers() -> None:
    store = MemorySessionStore()
    desk = Desk(store=store)
    desk.logon()
    order = desk.send(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-1")])
    assert order.seq_num == 2
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-1", "E-1"))
    assert desk.delivered() == ["C-1"]
    (logout,) = desk.types(desk._carry_out(desk.session.logout("end of day")))
    assert logout == MsgType.LOGOUT
    assert desk.session.state is SessionState.LOGOUT_SENT
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-1", "E-2"))  # still processed while logging out
    desk.hear(MsgType.LOGOUT)
    assert desk.session.state is SessionState.DISCONNECTED
    assert desk.delivered() == ["C-1", "C-1"]

    again = Desk(store=store, clock=desk.clock)
    again.peer.next_seq = desk.peer.next_seq
    (logon,) = again.connect()
    assert logon.seq_num == 4  # Logon 1, order 2, Logout 3 were stored
    again.hear(MsgType.LOGON, [(tags.HEART_BT_INT, 30)])
    assert again.session.state is SessionState.ACTIVE
    assert again.session.next_in == 6


def test_the_acceptor_answers_a_logon_and_adopts_its_heartbeat_interval() -> None:
    venue = Desk(initiator=False)
    assert venue.connect() == []
    assert venue.session.state is SessionState.AWAITING_LOGON
    (reply,) = venue.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 5)])
    assert (reply.msg_type, reply.get(tags.HEART_BT_INT), reply.seq_num) == (MsgType.LOGON, "5", 1)
    assert venue.session.state is SessionState.ACTIVE
    assert venue.session.heartbeat_interval == 5


def test_a_first_message_that_is_not_a_logon_disconnects() -> None:
    venue = Desk(initiator=False)
    venue.connect()
    venue.hear(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-1")])
    assert venue.session.state is SessionState.DISCONNECTED
    assert venue.received == []


def test_a_garbled_logon_disconnects() -> None:
    venue = Desk(initiator=False)
    venue.connect()
    raw = bytearray(venue.peer.message(MsgType.LOGON, [(tags.HEART_BT_INT, 30)]))
    raw[-3] = ord("0") if raw[-3] != ord("0") else ord("1")  # break the checksum
    venue.hear_bytes(bytes(raw))
    assert venue.session.state is SessionState.DISCONNECTED


def test_a_logon_refused_with_a_logout_says_why() -> None:
    desk = Desk()
    desk.connect()
    desk.hear(MsgType.LOGOUT, [(tags.TEXT, "unknown SenderCompID")])
    assert desk.session.state is SessionState.DISCONNECTED
    assert any("unknown SenderCompID" in a.text for a in desk.alerts)


def test_reset_on_logon_starts_a_new_epoch_at_one_on_both_sides() -> None:
    store = MemorySessionStore()
    desk = Desk(store=store)
    desk.logon()
    desk.send(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-1")])
    desk.drop_line()
    desk.session.request_reset()
    (logon,) = desk.connect()
    assert (logon.seq_num, logon.get(tags.RESET_SEQ_NUM_FLAG)) == (1, "Y")
    desk.peer.next_seq = 1
    desk.hear(MsgType.LOGON, [(tags.HEART_BT_INT, 30), (tags.RESET_SEQ_NUM_FLAG, True)])
    assert desk.session.record.epoch == 2
    assert desk.session.next_in == 2
    assert store.outbound_messages("SIMA:1", 1, None)[1][0] == 2  # the old epoch's messages are kept


def test_a_logon_reply_numbered_too_high_asks_for_the_gap_and_a_gap_fill_brings_the_expected_number_on() -> None:
    desk = Desk()
    desk.connect()
    desk.peer.next_seq = 5  # the venue sent 1 to 4 while we were away
    (resend,) = desk.hear(MsgType.LOGON, [(tags.ENCRYPT_METHOD, 0), (tags.HEART_BT_INT, 30)])
    assert (resend.msg_type, resend.get(tags.BEGIN_SEQ_NO), resend.get(tags.END_SEQ_NO)) == ("2", "1", "0")
    assert desk.session.state is SessionState.ACTIVE
    assert desk.session.next_in == 1
    gap_fill = [(tags.GAP_FILL_FLAG, True), (tags.NEW_SEQ_NO, 6)]
    desk.hear(MsgType.SEQUENCE_RESET, gap_fill, seq=1, poss_dup=True, orig_sending_time=desk.clock.now() - minutes(1))
    assert desk.session.next_in == 6
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-6", "E-6"))
    assert desk.delivered() == ["C-6"]
    assert desk.session.next_in == 7


def test_an_unasked_reset_in_the_logon_reply_is_taken_and_raised_as_an_error() -> None:
    desk = Desk()
    desk.logon()
    desk.send(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-1")])
    desk.hear(MsgType.HEARTBEAT)
    desk.drop_line()
    (logon,) = desk.connect()
    assert (logon.seq_num, tags.RESET_SEQ_NUM_FLAG in logon) == (3, False)  # we did not ask for a reset
    desk.peer.next_seq = 1
    desk.hear(MsgType.LOGON, [(tags.HEART_BT_INT, 30), (tags.RESET_SEQ_NUM_FLAG, True)])
    assert desk.session.state is SessionState.ACTIVE
    assert (desk.session.record.epoch, desk.session.next_in, desk.session.next_out) == (2, 2, 1)
    (alert,) = [a for a in desk.alerts if a.kind is AlertKind.RESET_BY_COUNTERPARTY]
    assert alert.level is AlertLevel.ERROR
    assert "VENUE reset sequence numbers to 1 (141=Y) without our asking" in alert.text


def test_the_first_logon_of_a_new_trading_day_resets_both_sides_to_one() -> None:
    store = MemorySessionStore()
    desk = Desk(store=store)
    desk.session.config = dataclasses.replace(
        desk.session.config, schedule=SessionSchedule(time(8), time(20)), daily_reset=True
    )
    desk.logon()
    desk.send(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-1")])
    desk.drop_line()
    (same_day,) = desk.connect()
    assert (same_day.seq_num, same_day.get(tags.RESET_SEQ_NUM_FLAG)) == (3, None)
    desk.drop_line()
    desk.clock.advance(24 * 3600)
    (next_day,) = desk.connect()
    assert (next_day.seq_num, next_day.get(tags.RESET_SEQ_NUM_FLAG)) == (1, "Y")
    assert desk.session.record.epoch == 2


# Liveness ------------------------------------------------------------------------------------------------


def test_heartbeat_after_an_interval_of_silence_out() -> None:
    desk = Desk(heartbeat_interval=30)
    desk.logon()
    assert desk.types(desk.wait(29)) == []
    assert desk.types(desk.wait(1)) == [MsgType.HEARTBEAT]


def test_test_request_after_1_2_intervals_of_silence_in_then_disconnect_at_2_4() -> None:
    desk = Desk(heartbeat_interval=10)
    desk.logon()
    written = desk.wait(12)
    assert MsgType.TEST_REQUEST in desk.types(written)
    test_req_id = next(m for m in written if m.msg_type == MsgType.TEST_REQUEST)[tags.TEST_REQ_ID]
    desk.hear(MsgType.HEARTBEAT, [(tags.TEST_REQ_ID, test_req_id)])
    assert desk.types(desk.wait(23)).count(MsgType.TEST_REQUEST) == 1
    assert desk.session.state is SessionState.ACTIVE
    desk.wait(1)
    assert desk.session.state is SessionState.DISCONNECTED
    assert "nothing received" in desk.disconnects[0]


def test_a_test_request_is_answered_with_its_id() -> None:
    desk = Desk()
    desk.logon()
    (answer,) = desk.hear(MsgType.TEST_REQUEST, [(tags.TEST_REQ_ID, "ping-7")])
    assert (answer.msg_type, answer.get(tags.TEST_REQ_ID)) == (MsgType.HEARTBEAT, "ping-7")


# Gaps and resends ----------------------------------------------------------------------------------------


def test_an_inbound_gap_is_queued_behind_one_resend_request_then_processed_in_order() -> None:
    desk = Desk()
    desk.logon()  # peer's Logon was 1
    desk.peer.next_seq = 4  # 2 and 3 are lost on the way
    (request,) = desk.hear(MsgType.EXECUTION_REPORT, execution("C-4", "E-4"))
    assert (request.msg_type, request.get(tags.BEGIN_SEQ_NO), request.get(tags.END_SEQ_NO)) == ("2", "2", "0")
    assert desk.hear(MsgType.EXECUTION_REPORT, execution("C-5", "E-5")) == []  # no second ResendRequest
    assert desk.delivered() == []
    orig = desk.clock.now() - minutes(1)
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"), seq=2, poss_dup=True, orig_sending_time=orig)
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-3", "E-3"), seq=3, poss_dup=True, orig_sending_time=orig)
    assert desk.delivered() == ["C-2", "C-3", "C-4", "C-5"]
    assert desk.session.next_in == 6


def test_a_gap_fill_in_answer_skips_admin_messages_and_drains_the_queue() -> None:
    desk = Desk()
    desk.logon()
    desk.peer.next_seq = 5
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-5", "E-5"))
    desk.hear(
        MsgType.SEQUENCE_RESET,
        [(tags.GAP_FILL_FLAG, True), (tags.NEW_SEQ_NO, 5)],
        seq=2,
        poss_dup=True,
        orig_sending_time=desk.clock.now(),
    )
    assert desk.delivered() == ["C-5"]
    assert desk.session.next_in == 6


def test_garbled_inbound_is_dropped_without_a_number_then_recovered_by_resend() -> None:
    desk = Desk()
    desk.logon()
    raw = bytearray(desk.peer.message(MsgType.EXECUTION_REPORT, execution("C-2", "E-2")))
    raw[raw.index(b"17=E-2") + 5] = ord("X")  # a flipped byte: the checksum no longer matches
    assert desk.hear_bytes(bytes(raw)) == []
    assert desk.session.next_in == 2
    assert desk.session.stats.garbled == 1
    (request,) = desk.hear(MsgType.EXECUTION_REPORT, execution("C-3", "E-3"))
    assert (request.msg_type, request.get(tags.BEGIN_SEQ_NO)) == (MsgType.RESEND_REQUEST, "2")
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"), seq=2, poss_dup=True, orig_sending_time=START)
    assert desk.delivered() == ["C-2", "C-3"]


def test_a_counterparty_resend_request_resends_orders_with_possdup_and_gap_fills_admin() -> None:
    desk = Desk()
    desk.logon()  # our 1: Logon
    desk.send(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-1")])  # 2
    desk.wait(30)  # 3: Heartbeat
    desk.send(MsgType.ORDER_CANCEL_REQUEST, [(tags.CL_ORD_ID, "C-2")])  # 4
    answer = desk.hear(MsgType.RESEND_REQUEST, [(tags.BEGIN_SEQ_NO, 1), (tags.END_SEQ_NO, 0)])
    assert [(m.msg_type, m.seq_num) for m in answer] == [("4", 1), ("D", 2), ("4", 3), ("F", 4)]
    fill_1, order, fill_3, _cancel = answer
    assert (fill_1.get(tags.GAP_FILL_FLAG), fill_1.get(tags.NEW_SEQ_NO), fill_1.poss_dup) == ("Y", "2", True)
    assert fill_3.get(tags.NEW_SEQ_NO) == "4"
    assert order.poss_dup
    assert order.orig_sending_time is not None
    assert order.orig_sending_time < order.sending_time
    assert order.get(tags.CL_ORD_ID) == "C-1"
    assert desk.session.next_out == 5  # answering a resend takes no new numbers


def test_orders_too_old_to_act_on_are_gap_filled_not_resent() -> None:
    desk = Desk(max_resend_age=60)
    desk.logon()
    desk.send(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-old")])  # 2
    desk.clock.advance(120)
    desk.send(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-new")])  # 3
    answer = desk.hear(MsgType.RESEND_REQUEST, [(tags.BEGIN_SEQ_NO, 2), (tags.END_SEQ_NO, 0)])
    assert [(m.msg_type, m.seq_num, m.get(tags.NEW_SEQ_NO)) for m in answer] == [("4", 2, "3"), ("D", 3, None)]


def test_messages_missing_from_our_store_are_gap_filled() -> None:
    desk = Desk()
    desk.logon()
    desk.session.next_out = 10  # numbers 2..9 were used by a store we no longer have
    answer = desk.hear(MsgType.RESEND_REQUEST, [(tags.BEGIN_SEQ_NO, 2), (tags.END_SEQ_NO, 9)])
    assert [(m.msg_type, m.seq_num, m.get(tags.NEW_SEQ_NO)) for m in answer] == [("4", 2, "10")]


def test_disconnect_right_after_an_order_is_recovered_by_the_venues_resend_request() -> None:
    store = MemorySessionStore()
    desk = Desk(store=store)
    desk.logon()
    desk.drop_line()
    order = desk.send(MsgType.NEW_ORDER_SINGLE, [(tags.CL_ORD_ID, "C-1")])  # stored as 2, not written
    assert order.seq_num == 2
    assert all(m.get(tags.CL_ORD_ID) != "C-1" for m in desk.written)
    (logon,) = desk.connect()
    assert logon.seq_num == 3
    desk.hear(MsgType.LOGON, [(tags.HEART_BT_INT, 30)])
    answer = desk.hear(MsgType.RESEND_REQUEST, [(tags.BEGIN_SEQ_NO, 2), (tags.END_SEQ_NO, 0)])
    assert [(m.msg_type, m.seq_num) for m in answer] == [("D", 2), ("4", 3)]
    assert answer[0].get(tags.CL_ORD_ID) == "C-1"
    assert answer[0].poss_dup


# Duplicates and sequence problems -----------------------------------------------------------------------


def test_a_possdup_already_seen_is_ignored_and_a_new_number_is_not() -> None:
    desk = Desk()
    desk.logon()
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"))
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"), seq=2, poss_dup=True, orig_sending_time=START)
    assert desk.delivered() == ["C-2"]
    assert desk.session.state is SessionState.ACTIVE


def test_a_possdup_without_orig_sending_time_is_rejected() -> None:
    desk = Desk()
    desk.logon()
    (reject,) = desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"), poss_dup=True)
    assert (reject.msg_type, reject.get(tags.SESSION_REJECT_REASON), reject.get(tags.REF_TAG_ID)) == ("3", "1", "122")
    assert reject.get(tags.REF_SEQ_NUM) == "2"
    assert desk.session.next_in == 3
    assert desk.delivered() == []


def test_orig_sending_time_after_sending_time_is_rejected_and_logged_out() -> None:
    desk = Desk()
    desk.logon()
    later = desk.clock.now() + minutes(1)
    answer = desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"), poss_dup=True, orig_sending_time=later)
    assert [(m.msg_type, m.get(tags.SESSION_REJECT_REASON)) for m in answer] == [("3", "10"), ("5", None)]
    assert desk.session.state is SessionState.DISCONNECTED


def test_msgseqnum_too_low_logs_out_and_stops_for_a_person() -> None:
    desk = Desk()
    desk.logon()
    desk.hear(MsgType.HEARTBEAT)
    (logout,) = desk.hear(MsgType.EXECUTION_REPORT, execution("C-9", "E-9"), seq=2)
    assert logout[tags.TEXT] == "MsgSeqNum too low, expecting 3 but received 2"
    assert desk.session.state is SessionState.STOPPED
    assert any(a.level == "error" and "stopped" in a.text for a in desk.alerts)
    desk._carry_out(desk.session.resume())
    assert desk.session.state is SessionState.DISCONNECTED


def test_a_venue_that_wiped_its_store_is_caught_as_too_low_at_logon() -> None:
    desk = Desk()
    desk.logon()
    for n in range(5):
        desk.hear(MsgType.EXECUTION_REPORT, execution(f"C-{n}", f"E-{n}"))
    desk.drop_line()
    desk.connect()
    desk.peer.next_seq = 1  # the venue starts again from 1
    (logout,) = desk.hear(MsgType.LOGON, [(tags.HEART_BT_INT, 30)])
    assert logout[tags.TEXT] == "MsgSeqNum too low, expecting 7 but received 1"
    assert desk.session.state is SessionState.STOPPED


def test_sequence_reset_reset_moves_the_expected_number_but_never_down() -> None:
    desk = Desk()
    desk.logon()
    desk.hear(MsgType.SEQUENCE_RESET, [(tags.NEW_SEQ_NO, 20)], seq=99)
    assert desk.session.next_in == 20
    (reject,) = desk.hear(MsgType.SEQUENCE_RESET, [(tags.NEW_SEQ_NO, 5)], seq=20)
    assert (reject.msg_type, reject.get(tags.SESSION_REJECT_REASON)) == ("3", "5")
    assert desk.session.next_in == 20


def test_a_gap_fill_that_does_not_move_the_number_forward_is_rejected_as_a_wrong_value() -> None:
    desk = Desk()
    desk.logon()
    (reject,) = desk.hear(MsgType.SEQUENCE_RESET, [(tags.GAP_FILL_FLAG, True), (tags.NEW_SEQ_NO, 2)])  # 36=2 <= 34=2
    assert (reject.msg_type, reject.get(tags.SESSION_REJECT_REASON)) == ("3", "5")
    assert desk.session.next_in == 3  # the SequenceReset itself is taken in sequence
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-3", "E-3"))
    assert desk.delivered() == ["C-3"]


def test_a_wrong_compid_is_rejected_and_logged_out() -> None:
    desk = Desk()
    desk.logon()
    answer = desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"), sender="INTRUDER")
    assert [(m.msg_type, m.get(tags.SESSION_REJECT_REASON)) for m in answer] == [("3", "9"), ("5", None)]
    assert desk.session.state is SessionState.DISCONNECTED
    assert desk.delivered() == []


def test_a_sending_time_two_minutes_off_is_rejected_and_logged_out() -> None:
    desk = Desk()
    desk.logon()
    stale = desk.clock.now() - minutes(2.5)
    answer = desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"), sending_time=stale)
    assert [(m.msg_type, m.get(tags.SESSION_REJECT_REASON)) for m in answer] == [("3", "10"), ("5", None)]


def test_a_wrong_begin_string_logs_out() -> None:
    desk = Desk()
    desk.logon()
    (logout,) = desk.hear_bytes(reframe(desk.peer.message(MsgType.HEARTBEAT), begin=b"FIX.4.2"))
    assert logout.msg_type == MsgType.LOGOUT
    assert "FIX.4.4" in logout[tags.TEXT]
    assert desk.session.state is SessionState.DISCONNECTED


def test_an_unsolicited_logout_is_answered_and_disconnects() -> None:
    desk = Desk()
    desk.logon()
    assert desk.session.data_received(desk.peer.message(MsgType.HEARTBEAT)).line_lost is False
    out = desk.session.data_received(desk.peer.message(MsgType.LOGOUT, [(tags.TEXT, "venue closing")]))
    assert out.line_lost
    (reply,) = desk._carry_out(out)
    assert reply.msg_type == MsgType.LOGOUT
    assert desk.session.state is SessionState.DISCONNECTED


def test_our_logout_times_out_after_two_seconds_without_a_reply() -> None:
    desk = Desk()
    desk.logon()
    desk._carry_out(desk.session.logout())
    desk.wait(2)
    assert desk.session.state is SessionState.DISCONNECTED


def test_execution_reports_arriving_while_our_logout_is_pending_are_still_delivered() -> None:
    desk = Desk()
    desk.logon()
    desk._carry_out(desk.session.logout())
    assert desk.session.state is SessionState.LOGOUT_SENT
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"))
    assert desk.delivered() == ["C-2"]
    desk.hear(MsgType.LOGOUT)
    assert desk.session.state is SessionState.DISCONNECTED


def test_an_unreadable_application_message_in_sequence_is_rejected_and_counted() -> None:
    desk = Desk()
    desk.logon()
    raw = desk.peer.message(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"))
    (reject,) = desk.hear_bytes(reframe(raw.replace(b"17=E-2", b"1a7=E-2")))
    assert (reject.msg_type, reject.get(tags.REF_SEQ_NUM), reject.get(tags.SESSION_REJECT_REASON)) == ("3", "2", "0")
    assert desk.session.next_in == 3
    assert desk.delivered() == []


def test_a_header_tag_after_the_body_is_rejected_as_out_of_order_and_counted() -> None:
    desk = Desk()
    desk.logon()
    raw = desk.peer.message(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"))
    found = re.search(rb"\x0152=[^\x01]*", raw)
    assert found is not None
    sending_time = found.group()
    late = raw.replace(sending_time, b"").replace(b"\x0110=", sending_time + b"\x0110=")  # as simplefix appends it
    (reject,) = desk.hear_bytes(reframe(late))
    assert (reject.msg_type, reject.get(tags.REF_SEQ_NUM)) == ("3", "2")
    assert (reject.get(tags.SESSION_REJECT_REASON), reject.get(tags.REF_TAG_ID)) == ("14", "52")
    assert desk.session.next_in == 3
    assert desk.delivered() == []


@pytest.mark.parametrize(
    ("kind", "fields", "reason", "tag"),
    [
        (MsgType.TEST_REQUEST, [], "1", "112"),
        (MsgType.RESEND_REQUEST, [(tags.BEGIN_SEQ_NO, "x"), (tags.END_SEQ_NO, 0)], "6", "7"),
        (MsgType.RESEND_REQUEST, [(tags.BEGIN_SEQ_NO, 1)], "1", "16"),
        (MsgType.SEQUENCE_RESET, [(tags.GAP_FILL_FLAG, True)], "1", "36"),
        (MsgType.SEQUENCE_RESET, [(tags.NEW_SEQ_NO, "ten")], "6", "36"),
    ],
)
def test_a_session_message_missing_what_it_needs_is_rejected_and_the_session_goes_on(
    kind: MsgType, fields: list[tuple[int, str | int | bool]], reason: str, tag: str
) -> None:
    desk = Desk()
    desk.logon()
    (reject,) = desk.hear(kind, fields)
    assert (reject.msg_type, reject.get(tags.REF_SEQ_NUM)) == ("3", "2")
    assert (reject.get(tags.SESSION_REJECT_REASON), reject.get(tags.REF_TAG_ID)) == (reason, tag)
    assert desk.session.state is SessionState.ACTIVE
    assert desk.session.next_in == 3
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-2", "E-2"))
    assert desk.delivered() == ["C-2"]


_HEADER: list[tuple[int, FixValue]] = [
    (tags.SENDER_COMP_ID, "VENUE"),
    (tags.TARGET_COMP_ID, "DESK"),
    (tags.MSG_SEQ_NUM, 2),
]


@pytest.mark.parametrize(
    ("header", "reason", "tag"),
    [
        ([(tags.SENDER_COMP_ID, "VENUE"), (tags.MSG_SEQ_NUM, 2)], "1", "56"),  # TargetCompID missing
        ([(tags.TARGET_COMP_ID, "DESK"), (tags.MSG_SEQ_NUM, 2)], "1", "49"),  # SenderCompID missing
        ([*_HEADER, (tags.POSS_DUP_FLAG, "X")], "6", "43"),  # PossDupFlag neither Y nor N
    ],
)
def test_a_header_field_missing_or_malformed_is_rejected_naming_it_and_the_session_goes_on(
    header: list[tuple[int, FixValue]], reason: str, tag: str
) -> None:
    desk = Desk()
    desk.logon()
    fields = [*execution("C-2", "E-2"), *header, (tags.SENDING_TIME, desk.clock.now())]
    (reject,) = desk.hear_bytes(FixMessage(MsgType.EXECUTION_REPORT, fields).encode())
    assert (reject.msg_type, reject.get(tags.REF_SEQ_NUM)) == ("3", "2")
    assert (reject.get(tags.SESSION_REJECT_REASON), reject.get(tags.REF_TAG_ID)) == (reason, tag)
    assert desk.session.state is SessionState.ACTIVE
    desk.peer.next_seq = 3
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-3", "E-3"))
    assert desk.delivered() == ["C-3"]


def test_a_msg_seq_num_that_is_no_number_drops_the_message_and_the_session_goes_on() -> None:
    desk = Desk()
    desk.logon()
    fields = [*execution("C-2", "E-2"), (tags.SENDER_COMP_ID, "VENUE"), (tags.TARGET_COMP_ID, "DESK")]
    raw = FixMessage(
        MsgType.EXECUTION_REPORT, [*fields, (tags.MSG_SEQ_NUM, "2x"), (tags.SENDING_TIME, desk.clock.now())]
    )
    assert desk.hear_bytes(raw.encode()) == []
    assert [a.kind for a in desk.alerts][-1] is AlertKind.DROPPED
    desk.hear(MsgType.EXECUTION_REPORT, execution("C-3", "E-3"))
    assert desk.delivered() == ["C-3"]
