"""Outbound mapping: each request becomes the message a venue needs, tag for tag, value for value."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.enums import ExecType, OrderStatus, OrdType, Side, TimeInForce
from app.engine.fix.errors import FixEncodeError
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.order_messages import (
    dont_know_message,
    mass_cancel_message,
    mass_status_message,
    request_message,
    status_request_message,
)
from app.engine.ids import AccountId, ClOrdId, ExecId, OrderId, VenueOrderId
from app.engine.order import Amendment, Order, RequestKind
from app.engine.venue_messages import ExecutionReport, StatusRequest, VenueRequest
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder

SENT = datetime(2026, 1, 5, 14, 30, 0, 123_456, tzinfo=UTC)
STAMP = "20260105-14:30:00.123"


def body(msg: FixMessage) -> list[tuple[int, str]]:
    """The message's fields after a trip over the wire, without 8, 9, 35 and 10."""
    parsed = parse_message(msg.encode())
    return [(tag, value) for tag, value in parsed if tag not in (8, 9, 35, 10)]


def request(kind: RequestKind = RequestKind.NEW, **overrides: object) -> VenueRequest:
    base: dict[str, object] = {
        "kind": kind,
        "order_id": OrderId("D-1"),
        "cl_ord_id": ClOrdId("D-1" if kind is RequestKind.NEW else "D-2"),
        "orig_cl_ord_id": None if kind is RequestKind.NEW else ClOrdId("D-1"),
        "destination": "SIM1",
        "symbol": "AAPL",
        "side": Side.BUY,
        "qty": Decimal("100"),
        "ord_type": OrdType.LIMIT,
        "tif": TimeInForce.DAY,
        "account": AccountId("ACC1"),
        "limit_px": Decimal("187.25"),
    }
    base.update(overrides)
    return VenueRequest(**base)  # type: ignore[arg-type]


def test_a_new_limit_order_carries_every_field_a_venue_needs_in_order() -> None:
    msg = request_message(request(text="client ref 7"), SENT)
    assert msg.msg_type == "D"
    assert body(msg) == [
        (11, "D-1"), (1, "ACC1"), (55, "AAPL"), (54, "1"), (60, STAMP), (38, "100"), (40, "2"), (44, "187.25"),
        (59, "0"), (58, "client ref 7"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("ord_type", "limit_px", "stop_px", "price_fields"),
    [
        (OrdType.MARKET, None, None, []),
        (OrdType.LIMIT, Decimal("10.50"), None, [(44, "10.50")]),
        (OrdType.STOP, None, Decimal("9.5"), [(99, "9.5")]),
        (OrdType.STOP_LIMIT, Decimal("9.4"), Decimal("9.5"), [(44, "9.4"), (99, "9.5")]),
    ],
)
def test_price_and_stop_price_appear_exactly_when_the_order_type_needs_them(
    ord_type: OrdType, limit_px: Decimal | None, stop_px: Decimal | None, price_fields: list[tuple[int, str]]
) -> None:
    fields = body(request_message(request(ord_type=ord_type, limit_px=limit_px, stop_px=stop_px), SENT))
    assert [f for f in fields if f[0] in (44, 99)] == price_fields
    assert (40, ord_type.value) in fields


def test_a_good_till_date_order_carries_its_expiry_time_in_utc() -> None:
    expiry = datetime(2026, 1, 9, 21, 0, tzinfo=UTC)
    fields = body(request_message(request(tif=TimeInForce.GTD, expire_at=expiry), SENT))
    assert fields[-2:] == [(59, "6"), (126, "20260109-21:00:00.000")]


def test_decimals_go_out_exactly_as_written_never_in_exponent_form() -> None:
    msg = request_message(request(qty=Decimal("1E+3"), limit_px=Decimal("0.000001")), SENT)
    assert (msg.get(38), msg.get(44)) == ("1000", "0.000001")


def test_a_cancel_names_the_order_by_its_last_clordid_and_the_venues_orderid() -> None:
    msg = request_message(request(RequestKind.CANCEL, venue_order_id=VenueOrderId("V-9")), SENT)
    assert msg.msg_type == "F"
    assert body(msg) == [
        (41, "D-1"), (11, "D-2"), (37, "V-9"), (55, "AAPL"), (54, "1"), (60, STAMP), (38, "100"), (1, "ACC1"),
    ]  # fmt: skip


def test_a_replace_restates_every_term_of_the_order() -> None:
    replace = request(
        RequestKind.REPLACE,
        venue_order_id=VenueOrderId("V-9"),
        qty=Decimal("120"),
        ord_type=OrdType.STOP_LIMIT,
        limit_px=Decimal("9.4"),
        stop_px=Decimal("9.5"),
        tif=TimeInForce.GTD,
        expire_at=datetime(2026, 1, 9, 21, 0, tzinfo=UTC),
        text="not restated",
    )
    msg = request_message(replace, SENT)
    assert msg.msg_type == "G"
    assert body(msg) == [
        (41, "D-1"), (11, "D-2"), (37, "V-9"), (1, "ACC1"), (55, "AAPL"), (54, "1"), (60, STAMP), (38, "120"),
        (40, "4"), (44, "9.4"), (99, "9.5"), (59, "6"), (126, "20260109-21:00:00.000"),
    ]  # fmt: skip


def test_a_cancel_sent_again_carries_possresend_in_the_header() -> None:
    msg = request_message(request(RequestKind.CANCEL, poss_resend=True), SENT)
    assert msg[97] == "Y"
    wire = msg.encode()
    assert wire.index(b"\x0197=Y\x01") < wire.index(b"\x0141=")  # 97 is a header tag: before the body
    assert 97 not in request_message(request(RequestKind.CANCEL), SENT)


def test_without_a_venue_orderid_a_cancel_leaves_37_out() -> None:
    assert 37 not in request_message(request(RequestKind.CANCEL), SENT)


@pytest.mark.parametrize(
    ("req", "missing"),
    [
        (request(RequestKind.CANCEL, orig_cl_ord_id=None), "OrigClOrdID (41)"),
        (request(RequestKind.REPLACE, orig_cl_ord_id=None), "OrigClOrdID (41)"),
        (request(limit_px=None), "a limit price (44)"),
        (request(ord_type=OrdType.STOP, limit_px=None), "a stop price (99)"),
        (request(tif=TimeInForce.GTD), "an expiry time (126)"),
    ],
)
def test_a_request_missing_a_field_its_message_needs_is_refused_by_name(req: VenueRequest, missing: str) -> None:
    expected = f"cannot send the {req.kind.value} request {req.cl_ord_id} for order D-1: it has no {missing}"
    with pytest.raises(FixEncodeError, match=re.escape(expected)):
        request_message(req, SENT)


def test_the_engines_own_requests_map_for_new_cancel_and_replace(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3")
    canceled = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    amended = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert canceled is not None
    assert amended is not None
    engine.cancel(CancelOrder(canceled, TRADER))
    venue = VenueOrder(amended, 100)
    engine.apply_venue_messages([venue.ack()])
    engine.replace(ReplaceOrder(amended, Amendment(Decimal(150), Decimal("10.25")), TRADER))
    messages = [request_message(r, SENT) for r in outbound.sent]
    assert [m.msg_type for m in messages] == ["D", "D", "F", "G"]
    f, g = messages[2:]
    assert (f[41], f[11], f[38]) == (canceled, outbound.sent[2].cl_ord_id, "100")
    assert (g[41], g[37], g[38], g[44]) == (amended, venue.venue_order_id, "150", "10.25")
    engine.close()


def order(venue_order_id: VenueOrderId | None) -> Order:
    return Order(
        order_id=OrderId("D-1"),
        spec=spec(side=Side.SELL_SHORT),
        status=OrderStatus.NEW,
        cl_ord_id=ClOrdId("D-3"),
        created_at=SENT,
        updated_at=SENT,
        qty=Decimal(100),
        limit_px=Decimal(10),
        stop_px=None,
        venue_order_id=venue_order_id,
    )


def test_a_status_request_names_the_order_by_its_current_clordid_and_carries_a_fresh_request_id() -> None:
    msg = status_request_message(StatusRequest.for_order(order(VenueOrderId("V-9")), "ST-1"))
    assert msg.msg_type == "H"
    assert body(msg) == [(11, "D-3"), (37, "V-9"), (55, "AAPL"), (54, "5"), (790, "ST-1")]
    assert 37 not in status_request_message(StatusRequest.for_order(order(None), "ST-2"))


def test_mass_status_asks_for_all_orders() -> None:
    msg = mass_status_message("MS-1")
    assert (msg.msg_type, body(msg)) == ("AF", [(584, "MS-1"), (585, "7")])


def test_mass_cancel_cancels_everything_or_one_symbol() -> None:
    everything = mass_cancel_message(ClOrdId("K-1"), SENT)
    assert (everything.msg_type, body(everything)) == ("q", [(11, "K-1"), (530, "7"), (60, STAMP)])
    one = mass_cancel_message(ClOrdId("K-2"), SENT, symbol="MSFT")
    assert body(one) == [(11, "K-2"), (530, "1"), (55, "MSFT"), (60, STAMP)]


def stranger(exec_type: ExecType, **overrides: object) -> ExecutionReport:
    base: dict[str, object] = {
        "exec_id": ExecId("X-77"),
        "exec_type": exec_type,
        "cl_ord_id": ClOrdId("NOT-OURS"),
        "ord_status": OrderStatus.PARTIALLY_FILLED,
        "cum_qty": Decimal(5),
        "leaves_qty": Decimal(95),
        "avg_px": Decimal("10.1"),
        "last_qty": Decimal(5),
        "last_px": Decimal("10.1"),
        "venue_order_id": VenueOrderId("V-77"),
        "symbol": "MSFT",
        "side": Side.SELL,
        "order_qty": Decimal(100),
    }
    base.update(overrides)
    return ExecutionReport(**base)  # type: ignore[arg-type]


def test_dont_know_names_the_venues_ids_the_trade_and_why() -> None:
    msg = dont_know_message(stranger(ExecType.TRADE))
    assert msg.msg_type == "Q"
    assert body(msg) == [
        (37, "V-77"), (17, "X-77"), (127, "D"), (55, "MSFT"), (54, "2"), (38, "100"), (32, "5"), (31, "10.1"),
        (58, "no order of ours has ClOrdID NOT-OURS"),
    ]  # fmt: skip


def test_dont_know_for_a_non_fill_leaves_out_what_the_report_did_not_say() -> None:
    report = stranger(ExecType.NEW, venue_order_id=None, symbol="", side=None, order_qty=None)
    assert body(dont_know_message(report, "unknown order")) == [
        (37, "NONE"), (17, "X-77"), (127, "D"), (58, "unknown order"),
    ]  # fmt: skip
