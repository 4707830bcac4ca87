"""Rejects of our own requests (35=3, 35=j), found through RefSeqNum or BusinessRejectRefID, as engine messages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.commands import CancelOrder, SubmitOrder
from app.engine.enums import ExecType, OrderStatus, OrdType, Side, TimeInForce
from app.engine.fix import tags
from app.engine.fix.message import FixMessage, parse_message
from app.engine.fix.order_messages import mass_status_message, request_message
from app.engine.fix.reject_messages import rejected_request
from app.engine.fix.tags import MsgType
from app.engine.fix.values import FixValue
from app.engine.ids import AccountId, ClOrdId, ExecId, OrderId, VenueOrderId
from app.engine.order import RequestKind
from app.engine.venue_messages import CancelReject, ExecutionReport, VenueRequest
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.fix_reports import on_the_wire

SENT = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def stored(msg: FixMessage, seq: int) -> FixMessage:
    """``msg`` as the outbound store keeps it: with our header, as sent."""
    msg.extend([(tags.SENDER_COMP_ID, "DESK"), (tags.TARGET_COMP_ID, "VENUE"), (tags.MSG_SEQ_NUM, seq)])
    return parse_message(msg.append(tags.SENDING_TIME, SENT).encode())


def our(kind: RequestKind, seq: int = 5) -> FixMessage:
    new = kind is RequestKind.NEW
    request = VenueRequest(
        kind=kind,
        order_id=OrderId("D-1"),
        cl_ord_id=ClOrdId("D-1" if new else "D-2"),
        orig_cl_ord_id=None if new else ClOrdId("D-1"),
        destination="SIM1",
        symbol="AAPL",
        side=Side.SELL,
        qty=Decimal("100"),
        ord_type=OrdType.LIMIT,
        tif=TimeInForce.DAY,
        account=AccountId("ACC1"),
        limit_px=Decimal("10"),
        venue_order_id=None if new else VenueOrderId("V-9"),
    )
    return stored(request_message(request, SENT), seq)


def session_reject(ref_type: str | None = "D", **values: FixValue) -> FixMessage:
    body: dict[int, FixValue] = {45: 5, 371: 44, 373: 5, 58: "price out of range"}
    if ref_type is not None:
        body[372] = ref_type
    body.update({int(name[1:]): value for name, value in values.items()})
    return on_the_wire(MsgType.REJECT, [(tag, value) for tag, value in body.items() if value != ""])


def business_reject(ref_type: str = "D", **values: FixValue) -> FixMessage:
    body: dict[int, FixValue] = {45: 5, 372: ref_type, 380: 2, 58: "no such symbol"}
    body.update({int(name[1:]): value for name, value in values.items()})
    return on_the_wire(MsgType.BUSINESS_MESSAGE_REJECT, [(tag, value) for tag, value in body.items() if value != ""])


def test_a_session_reject_of_our_new_order_is_a_rejected_execution_report() -> None:
    assert rejected_request(session_reject(), our(RequestKind.NEW), "SIM1") == ExecutionReport(
        exec_id=ExecId("REJECT:SIM1:5"),
        exec_type=ExecType.REJECTED,
        cl_ord_id=ClOrdId("D-1"),
        ord_status=OrderStatus.REJECTED,
        cum_qty=Decimal(0),
        leaves_qty=Decimal(0),
        avg_px=Decimal(0),
        symbol="AAPL",
        side=Side.SELL,
        order_qty=Decimal(100),
        text="refused by the venue's FIX session: value is incorrect (out of range) for this tag in Price (44): "
        "price out of range",
        session="SIM1",
    )


@pytest.mark.parametrize("kind", [RequestKind.CANCEL, RequestKind.REPLACE])
def test_a_session_reject_of_our_cancel_or_replace_is_a_cancel_reject(kind: RequestKind) -> None:
    ref_type = "F" if kind is RequestKind.CANCEL else "G"
    assert rejected_request(session_reject(ref_type, t371=38, t373=1), our(kind), "SIM1") == CancelReject(
        cl_ord_id=ClOrdId("D-2"),
        orig_cl_ord_id=ClOrdId("D-1"),
        response_to=kind,
        reason="refused by the venue's FIX session: required tag missing in OrderQty (38)",
        venue_order_id=VenueOrderId("V-9"),
        text="price out of range",
        session="SIM1",
    )


def test_a_business_reject_says_why_in_words_with_the_venues_text() -> None:
    mapped = rejected_request(business_reject(), our(RequestKind.NEW), "SIM1")
    assert isinstance(mapped, ExecutionReport)
    assert mapped.text == "refused by the venue's application: unknown security: no such symbol"
    assert (mapped.exec_id, mapped.exec_type) == ("REJECT:SIM1:5", ExecType.REJECTED)


def test_a_business_reject_finds_the_order_by_its_clordid_when_the_store_has_nothing() -> None:
    mapped = rejected_request(business_reject(t379="D-1", t45=""), None, "SIM1")
    assert isinstance(mapped, ExecutionReport)
    assert (mapped.cl_ord_id, mapped.exec_id, mapped.symbol, mapped.side) == ("D-1", "REJECT:SIM1:D-1", "", None)
    cancel = rejected_request(business_reject("F", t379="D-2"), None, "SIM1")
    assert isinstance(cancel, CancelReject)
    assert (cancel.cl_ord_id, cancel.orig_cl_ord_id, cancel.response_to) == ("D-2", None, RequestKind.CANCEL)


@pytest.mark.parametrize(
    ("reject", "referenced"),
    [
        (session_reject("H"), stored(FixMessage("H", [(11, "D-1"), (790, "S-1")]), 5)),
        (session_reject("AF"), stored(mass_status_message("MS-1"), 5)),
        (session_reject("0", t371=""), stored(FixMessage("0"), 5)),
        (session_reject(None), stored(FixMessage("0"), 5)),
        (session_reject(), None),
        (session_reject("D", t379="D-1"), None),  # BusinessRejectRefID belongs to 35=j only
        (business_reject("H", t379="D-1"), None),
        (business_reject("D"), None),
    ],
)
def test_a_reject_of_anything_but_an_order_request_maps_to_nothing(
    reject: FixMessage, referenced: FixMessage | None
) -> None:
    assert rejected_request(reject, referenced, "SIM1") is None


def test_a_stored_message_of_another_type_than_the_reject_names_is_not_the_one_refused() -> None:
    assert rejected_request(session_reject("G"), our(RequestKind.NEW), "SIM1") is None
    mapped = rejected_request(business_reject("G", t379="D-7"), our(RequestKind.NEW), "SIM1")
    assert isinstance(mapped, CancelReject)
    assert (mapped.cl_ord_id, mapped.response_to) == ("D-7", RequestKind.REPLACE)


def test_a_reject_without_ref_msg_type_trusts_the_stored_message() -> None:
    mapped = rejected_request(session_reject(None), our(RequestKind.CANCEL), "SIM1")
    assert isinstance(mapped, CancelReject)
    assert mapped.response_to is RequestKind.CANCEL


@pytest.mark.parametrize(
    ("reject", "reason"),
    [
        (session_reject("F", t373=42, t371=""), "refused by the venue's FIX session: other (code 42)"),
        (session_reject("F", t373="", t371="x"), "refused by the venue's FIX session: no reason given"),
        (session_reject("F", t373=99, t371=9999), "refused by the venue's FIX session: other in tag 9999"),
        (business_reject("F", t380=""), "refused by the venue's application: no reason given"),
        (business_reject("F", t380=18), "refused by the venue's application: invalid price increment"),
        (business_reject("F", t380=77), "refused by the venue's application: other (code 77)"),
    ],
)
def test_reject_reasons_read_as_words(reject: FixMessage, reason: str) -> None:
    mapped = rejected_request(reject, our(RequestKind.CANCEL), "SIM1")
    assert isinstance(mapped, CancelReject)
    assert mapped.reason == reason


def test_the_engine_rejects_the_order_once_however_often_the_reject_is_applied(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3")
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    sent = stored(request_message(outbound.sent[0], SENT), 5)
    mapped = rejected_request(session_reject(), sent, "SIM1")
    assert mapped is not None
    engine.apply_venue_messages([mapped])
    events = engine.store.last_seq
    again = rejected_request(session_reject(), sent, "SIM1")
    assert again == mapped
    engine.apply_venue_messages([mapped])
    order = engine.ledger.get(order_id)
    assert order is not None
    assert (order.status, engine.store.last_seq) == (OrderStatus.REJECTED, events)
    engine.close()


def test_the_engine_puts_the_order_back_when_its_cancel_is_rejected(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "s.sqlite3")
    order_id = engine.submit(SubmitOrder(spec(), TRADER)).order_id
    assert order_id is not None
    assert engine.cancel(CancelOrder(order_id, TRADER)).accepted
    sent = stored(request_message(outbound.sent[1], SENT), 6)
    mapped = rejected_request(session_reject("F", t45=6), sent, "SIM1")
    assert isinstance(mapped, CancelReject)
    engine.apply_venue_messages([mapped])
    order = engine.ledger.get(order_id)
    assert order is not None
    assert (order.status, order.cl_ord_id, order.pending) == (OrderStatus.PENDING_NEW, order_id, None)
    engine.close()
