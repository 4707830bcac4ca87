"""The drop copy session on the wire: the real engine, its order session and a drop copy session, each a session
core fed bytes by a scripted venue (no socket). What the drop copy sends is checked against the order session's
fills, goes through the same path as the order session's reports (rejects, alerts recorded, nothing stored on a
quiet tick) and never moves an order."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app.engine.enums import OrderStatus
from app.engine.events import BreakKind, DropCopyExecution, SessionAlertRaised
from app.engine.fix import tags
from app.engine.fix.alerts import AlertKind
from app.engine.fix.tags import MsgType
from app.engine.ids import ExecId
from tests.support.fix_reports import report_fields
from tests.support.gateway_desk import Desk, Line


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path / "desk.db", drop_copy=True)


def _drop_copy(desk: Desk) -> Line:
    assert desk.copy is not None
    return desk.copy


def _copies(desk: Desk) -> list[str]:
    return [r.kind for r in desk.engine.store.read() if r.kind == DropCopyExecution.__name__]


def test_a_fill_both_sessions_report_settles_and_the_copy_moves_no_order(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    fill = venue.fill(100)
    desk.copied(fill)
    assert desk.order(order.order_id).status is OrderStatus.NEW  # the drop copy is not the truth for orders
    assert _copies(desk) == ["DropCopyExecution"]
    desk.report(fill)
    assert desk.engine.reconciliation.settled == 1
    assert desk.engine.reconciliation.pending == {}
    assert _drop_copy(desk).wire.written[1:] == []  # after its Logon, nothing answered
    kept = desk.engine.store.inbound_messages([order.cl_ord_id])
    assert sorted(key for key, *_ in kept) == sorted(  # the copy's raw message is kept, as the order session's are
        [desk.session.record.key] * 2 + [_drop_copy(desk).session.record.key]
    )


def test_an_unreadable_copy_gets_a_session_reject_and_records_nothing(desk: Desk) -> None:
    _order, venue = desk.submit(100)
    desk.report(venue.ack())
    body = [(t, v) for t, v in report_fields(venue.fill(100)) if t != tags.EXEC_ID]
    _drop_copy(desk).hear(MsgType.EXECUTION_REPORT, body)
    rejects = [m for m in _drop_copy(desk).wire.written if m.msg_type == MsgType.REJECT]
    assert [(r[tags.SESSION_REJECT_REASON], r[tags.REF_TAG_ID]) for r in rejects] == [("1", "17")]
    assert _copies(desk) == []


def test_what_a_drop_copy_does_not_act_on_is_an_alert_recorded_and_told(desk: Desk) -> None:
    told: list[tuple[datetime, SessionAlertRaised]] = []
    desk.drop_copies.subscribe_alerts(lambda at, alert: told.append((at, alert)))
    _drop_copy(desk).hear("B", [(148, "market opens")])  # News: nothing a drop copy acts on
    recorded = [a for a in desk.alerts() if a.session == "SIMA-DC"]
    assert [a.kind for a in recorded] == [AlertKind.LOGGED_ON, AlertKind.IGNORED]
    assert [alert for _at, alert in told] == recorded[1:]
    assert desk.drop_copies.last_alert["SIMA-DC"][1] == recorded[1]


def test_a_quiet_timer_tick_on_the_drop_copy_commits_nothing(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int] = []
    real = desk.engine.store.transaction

    def counted() -> Any:
        opened.append(1)
        return real()

    monkeypatch.setattr(desk.engine.store, "transaction", counted)
    line = _drop_copy(desk)
    line.carry(line.session.on_timer())
    assert opened == []


def test_a_trade_correction_on_the_wire_is_reconciled_by_exec_ref_id(desk: Desk) -> None:
    order, venue = desk.submit(100)
    desk.report(venue.ack())
    fill = venue.fill(40)
    desk.report(fill)
    desk.copied(fill)
    correction = venue.correct(fill, 30, 10)
    desk.report(correction)
    desk.copied(dataclasses.replace(correction, ref_exec_id=ExecId("SOME-OTHER-FILL")))
    assert desk.order(order.order_id).cum_qty == 30  # the order session's correction applies
    (brk,) = desk.engine.reconciliation.breaks
    assert (brk.exec_id, brk.broken) == (correction.exec_id, BreakKind.MISMATCH)
    assert brk.on_copy is not None
    assert brk.on_copy.corrects == "SOME-OTHER-FILL"
