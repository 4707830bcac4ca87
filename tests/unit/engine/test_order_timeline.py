"""An order's audit timeline: its events, the risk decision, and the raw FIX in and out, in time order."""

from __future__ import annotations

from pathlib import Path

from app.engine.commands import CancelOrder
from app.engine.order_timeline import Source, fix_text, order_timeline
from tests.support.engine_kit import TRADER
from tests.support.gateway_desk import Desk


def test_the_timeline_interleaves_events_with_the_messages_sent_and_received(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    order, venue = desk.submit(100)
    desk.clock.advance(1)
    desk.report(venue.ack())
    desk.clock.advance(1)
    desk.engine.cancel(CancelOrder(order.order_id, TRADER))
    desk.clock.advance(1)
    cancel = desk.order(order.order_id).chain[-1].cl_ord_id
    desk.report(venue.canceled(cancel))

    timeline = order_timeline(desk.engine.store, order.order_id)

    lines = [(e.source, e.who, e.what.split(" ")[0]) for e in timeline]
    assert lines == [
        (Source.EVENT, "trader1", "Risk"),
        (Source.SENT, "SIMA", "Sent"),
        (Source.RECEIVED, "SIMA", "Received"),
        (Source.EVENT, "system", "Execution"),
        (Source.EVENT, "trader1", "Cancel"),
        (Source.SENT, "SIMA", "Sent"),
        (Source.RECEIVED, "SIMA", "Received"),
        (Source.EVENT, "system", "Execution"),
    ]
    assert "Risk gate passed" in timeline[0].what
    assert timeline[1].what == "Sent New Order Single"
    assert f"ClOrdID (11)={order.order_id}" in timeline[1].fix  # the first ClOrdID names the order
    assert f"ClOrdID (11)={cancel}" in timeline[6].fix
    assert [e.ts for e in timeline] == sorted(e.ts for e in timeline)


def test_a_message_sent_with_an_event_follows_it_though_its_sending_time_drops_the_microseconds(
    tmp_path: Path,
) -> None:
    desk = Desk(tmp_path / "desk.db")
    desk.clock.advance(0.0009)  # 14:30:00.000900: SendingTime says 14:30:00.000
    order, _venue = desk.submit(100)
    first, second = order_timeline(desk.engine.store, order.order_id)
    assert (first.source, second.source) == (Source.EVENT, Source.SENT)
    assert second.ts < first.ts  # each shows its own time


def test_an_order_the_log_does_not_know_has_an_empty_timeline(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk.db")
    assert order_timeline(desk.engine.store, "NOPE") == []


def test_fix_text_names_the_common_tags_and_separates_fields() -> None:
    raw = b"8=FIX.4.4\x019=5\x0135=D\x019999=x\x0110=000\x01"
    assert fix_text(raw) == "BeginString (8)=FIX.4.4 | BodyLength (9)=5 | MsgType (35)=D | 9999=x | CheckSum (10)=000"
