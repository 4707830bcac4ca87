"""Inbound mapping: 35=8, 35=9 and 35=r read into engine messages; unusable ones refused with the right Reject."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.commands import SubmitOrder
from app.engine.enums import ORD_STATUS_FROM_FIX, ExecType, OrderStatus, Side
from app.engine.fix import tags
from app.engine.fix.errors import FixFieldError, FixParseError, FixRejectError
from app.engine.fix.message import FixMessage
from app.engine.fix.report_messages import NO_REASON_GIVEN, cancel_reject, execution_report, mass_cancel_report
from app.engine.fix.tags import MsgType, SessionRejectReason
from app.engine.fix.values import FixValue
from app.engine.ids import ClOrdId, ExecId, VenueOrderId
from app.engine.order import RequestKind
from app.engine.venue_messages import CancelReject, ExecutionReport, MassCancelResponse
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.fix_reports import on_the_wire, report_fields, report_message
from tests.support.reports import VenueOrder

R = SessionRejectReason


def filled_40() -> VenueOrder:
    venue = VenueOrder("D-1", 100)
    venue.fill(40, Decimal("10.25"))
    return venue


def test_a_fill_reads_back_exactly_as_the_venue_stated_it() -> None:
    venue = VenueOrder("D-1", 100)
    fill = dataclasses.replace(
        venue.fill(Decimal("12.5"), Decimal("187.125")),
        symbol="MSFT",
        side=Side.SELL_SHORT,
        transact_time=datetime(2026, 1, 5, 14, 30, 1, 5000, tzinfo=UTC),
        text="partial fill",
    )
    assert execution_report(report_message(fill), "SIM1") == dataclasses.replace(fill, session="SIM1")


@pytest.mark.parametrize("exec_type", [t for t in ExecType if not t.is_trade])
def test_every_fix44_exec_type_maps_to_itself(exec_type: ExecType) -> None:
    venue = filled_40()
    ref = ExecId("X-OLD") if exec_type in (ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT) else None
    report = venue.report(exec_type, OrderStatus.PARTIALLY_FILLED, last_qty=Decimal(1), last_px=Decimal(1), ref=ref)
    mapped = execution_report(report_message(report), "SIM1")
    assert (mapped.exec_type, mapped.ref_exec_id) == (exec_type, ref)


@pytest.mark.parametrize("code", ["1", "2", "F"])
def test_legacy_partial_fill_and_fill_read_as_trade(code: str) -> None:
    body = [(tag, code if tag == tags.EXEC_TYPE else value) for tag, value in report_fields(filled_40().fill(60))]
    mapped = execution_report(on_the_wire(MsgType.EXECUTION_REPORT, body), "SIM1")
    assert mapped.exec_type is ExecType.TRADE
    assert (mapped.last_qty, mapped.cum_qty, mapped.leaves_qty) == (60, 100, 0)


@pytest.mark.parametrize(("code", "status"), sorted(ORD_STATUS_FROM_FIX.items()))
def test_every_ord_status_maps(code: str, status: OrderStatus) -> None:
    assert execution_report(report_message(filled_40().report(ExecType.ORDER_STATUS, status)), "S").ord_status is status


def test_a_fill_on_a_replaced_order_keeps_both_clordids_and_the_venues_order_id() -> None:
    venue = VenueOrder("D-1", 100)
    venue.replaced("D-2", 150)
    mapped = execution_report(report_message(venue.fill(10)), "SIM1")
    assert (mapped.cl_ord_id, mapped.venue_order_id, mapped.order_qty) == ("D-2", "V-D-1", 150)


def test_orderid_none_means_the_venue_gave_no_order_id() -> None:
    report = VenueOrder("D-1", 100).report(ExecType.REJECTED, OrderStatus.REJECTED)
    mapped = execution_report(report_message(dataclasses.replace(report, venue_order_id=None)), "SIM1")
    assert mapped.venue_order_id is None


def with_fields(
    report_body: list[tuple[int, FixValue]], changes: dict[int, FixValue] | None = None, *, drop: int | None = None
) -> FixMessage:
    """The 35=8 for ``report_body`` without tag ``drop`` and with the values in ``changes`` put in."""
    changed = dict(changes or {})
    body = [(tag, changed.pop(tag, value)) for tag, value in report_body if tag != drop]
    return on_the_wire(MsgType.EXECUTION_REPORT, body + list(changed.items()), seq=12)


def refused(msg: FixMessage, reason: SessionRejectReason, tag: int) -> FixFieldError:
    with pytest.raises(FixFieldError) as caught:
        execution_report(msg, "SIM1")
    error = caught.value
    assert (error.reject_reason, error.tag, error.seq_num, error.msg_type) == (reason, tag, 12, "8")
    return error


@pytest.mark.parametrize("tag", [17, 150, 11, 39, 14, 151, 6, 54, 37])
def test_a_report_without_a_required_field_is_refused_as_required_tag_missing(tag: int) -> None:
    error = refused(with_fields(report_fields(filled_40().ack()), drop=tag), R.REQUIRED_TAG_MISSING, tag)
    assert str(error).startswith(f"ExecutionReport (35=8) MsgSeqNum 12 has no {tags.tag_name(tag)}")


@pytest.mark.parametrize(
    ("report", "tag"),
    [
        (filled_40().fill(1), tags.LAST_QTY),
        (filled_40().fill(1), tags.LAST_PX),
        (filled_40().report(ExecType.TRADE_CANCEL, OrderStatus.NEW, ref=ExecId("X1")), tags.EXEC_REF_ID),
        (filled_40().report(ExecType.TRADE_CORRECT, OrderStatus.NEW, ref=ExecId("X1")), tags.EXEC_REF_ID),
        (filled_40().report(ExecType.TRADE_CORRECT, OrderStatus.NEW, ref=ExecId("X1")), tags.LAST_QTY),
    ],
)
def test_fills_need_last_qty_and_px_and_busts_and_corrections_need_the_exec_they_refer_to(
    report: ExecutionReport, tag: int
) -> None:
    refused(with_fields(report_fields(report), drop=tag), R.REQUIRED_TAG_MISSING, tag)


def test_a_malformed_quantity_is_incorrect_data_format_and_says_what_it_saw() -> None:
    error = refused(with_fields(report_fields(filled_40().ack()), {14: "4O"}), R.INCORRECT_DATA_FORMAT, 14)
    assert "has a bad CumQty (14): '4O' is not a decimal number" in str(error)


@pytest.mark.parametrize(("tag", "value"), [(6, "1e3"), (32, "1,000"), (60, "2026-01-05 14:30")])
def test_other_malformed_numbers_and_times_are_incorrect_data_format(tag: int, value: str) -> None:
    refused(with_fields(report_fields(filled_40().fill(1)), {tag: value}), R.INCORRECT_DATA_FORMAT, tag)


@pytest.mark.parametrize(("tag", "value"), [(150, "Z"), (150, "7"), (39, "Z"), (54, "9"), (151, "-5"), (38, "-1")])
def test_a_well_formed_value_we_cannot_accept_is_value_incorrect(tag: int, value: str) -> None:
    error = refused(with_fields(report_fields(filled_40().fill(1)), {tag: value}), R.VALUE_INCORRECT, tag)
    assert value in str(error)


def test_the_session_can_catch_parse_and_field_errors_alike() -> None:
    assert issubclass(FixFieldError, FixRejectError)
    assert issubclass(FixParseError, FixRejectError)


def test_reports_read_off_the_wire_drive_the_engine(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "s.sqlite3")
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    messages = [report_message(venue.ack()), report_message(venue.fill(40)), report_message(venue.fill(60))]
    engine.apply_venue_messages([execution_report(m, "SIM1") for m in messages])
    order = engine.ledger.get(order_id)
    assert order is not None
    assert (order.status, order.cum_qty, order.leaves_qty, order.break_qty) == (OrderStatus.FILLED, 100, 0, 0)
    engine.close()


# OrderCancelReject (35=9) --------------------------------------------------------------------------------


def cxl_reject(**values: FixValue) -> FixMessage:
    body: dict[int, FixValue] = {37: "V-1", 11: "D-2", 41: "D-1", 39: "1", 434: "1", 102: "0", 58: "crossed"}
    body.update({int(name[1:]): value for name, value in values.items()})
    return on_the_wire(MsgType.ORDER_CANCEL_REJECT, [(tag, value) for tag, value in body.items() if value != ""], 12)


def test_a_cancel_reject_reads_into_the_engines_cancel_reject() -> None:
    mapped = cancel_reject(cxl_reject(), "SIM1")
    assert mapped == CancelReject(
        cl_ord_id=ClOrdId("D-2"),
        orig_cl_ord_id=ClOrdId("D-1"),
        response_to=RequestKind.CANCEL,
        reason="too late to cancel",
        ord_status=OrderStatus.PARTIALLY_FILLED,
        venue_order_id=VenueOrderId("V-1"),
        text="crossed",
        session="SIM1",
    )


def test_a_replace_reject_answers_the_replace() -> None:
    assert cancel_reject(cxl_reject(t434="2"), "SIM1").response_to is RequestKind.REPLACE


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("0", "too late to cancel"),
        ("1", "unknown order"),
        ("2", "broker or exchange option"),
        ("3", "already pending cancel or replace"),
        ("6", "duplicate ClOrdID"),
        ("99", "other (code 99)"),
        ("42", "other (code 42)"),
        ("", NO_REASON_GIVEN),
    ],
)
def test_cancel_reject_reasons_read_as_words(code: str, words: str) -> None:
    assert cancel_reject(cxl_reject(t102=code), "SIM1").reason == words


def test_an_unknown_order_reject_has_no_venue_order_id_and_may_lack_orig_clordid() -> None:
    mapped = cancel_reject(cxl_reject(t37="NONE", t41="", t102="1", t39="8"), "SIM1")
    assert (mapped.venue_order_id, mapped.orig_cl_ord_id, mapped.ord_status) == (None, None, OrderStatus.REJECTED)


@pytest.mark.parametrize(
    ("values", "reason", "tag"),
    [
        ({"t11": ""}, R.REQUIRED_TAG_MISSING, 11),
        ({"t434": ""}, R.REQUIRED_TAG_MISSING, 434),
        ({"t434": "3"}, R.VALUE_INCORRECT, 434),
        ({"t39": ""}, R.REQUIRED_TAG_MISSING, 39),
        ({"t37": ""}, R.REQUIRED_TAG_MISSING, 37),
    ],
)
def test_an_unusable_cancel_reject_is_refused(
    values: dict[str, FixValue], reason: SessionRejectReason, tag: int
) -> None:
    with pytest.raises(FixFieldError) as caught:
        cancel_reject(cxl_reject(**values), "SIM1")
    assert (caught.value.reject_reason, caught.value.tag, caught.value.msg_type) == (reason, tag, "9")
    assert str(caught.value).startswith("OrderCancelReject (35=9) MsgSeqNum 12 has ")


# OrderMassCancelReport (35=r) ----------------------------------------------------------------------------


def mass_report(*fields: tuple[int, FixValue]) -> FixMessage:
    return on_the_wire(MsgType.ORDER_MASS_CANCEL_REPORT, [(37, "MC-1"), (530, "7"), *fields])


def test_an_accepted_mass_cancel_says_how_many_orders_it_affects() -> None:
    report = mass_cancel_report(mass_report((11, "K-1"), (531, "7"), (533, 12)), "SIM1")
    assert (report.cl_ord_id, report.response, report.affected_orders) == ("K-1", MassCancelResponse.ALL_ORDERS, 12)
    assert report.accepted
    assert (report.reject_reason, report.session) == (None, "SIM1")


def test_a_refused_mass_cancel_says_why_in_words() -> None:
    report = mass_cancel_report(mass_report((11, "K-1"), (531, "0"), (532, "0"), (58, "kill switch off")), "SIM1")
    assert not report.accepted
    assert (report.reject_reason, report.text) == ("mass cancel not supported", "kill switch off")


@pytest.mark.parametrize(
    ("fields", "reason", "tag"),
    [
        ([], R.REQUIRED_TAG_MISSING, 531),
        ([(531, "9")], R.VALUE_INCORRECT, 531),
        ([(531, "7"), (533, "many")], R.INCORRECT_DATA_FORMAT, 533),
    ],
)
def test_an_unusable_mass_cancel_report_is_refused(
    fields: list[tuple[int, FixValue]], reason: SessionRejectReason, tag: int
) -> None:
    with pytest.raises(FixFieldError) as caught:
        mass_cancel_report(mass_report(*fields), "SIM1")
    assert (caught.value.reject_reason, caught.value.tag) == (reason, tag)
