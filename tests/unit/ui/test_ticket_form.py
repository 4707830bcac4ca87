"""Reading the ticket's text: one problem per field, parse errors before the spec's own checks."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from app.engine.enums import OrdType, Side, TimeInForce
from app.engine.ids import UserId
from app.ui.ticket_form import TicketEntry, read_entry

ENTRY = TicketEntry("aapl ", Side.BUY, "1,000", OrdType.LIMIT, "10.5", "", TimeInForce.DAY, None, "ACC1", "SIM1")


def test_a_complete_entry_reads_as_exact_decimals_with_no_problems() -> None:
    spec, problems = read_entry(ENTRY, UserId("t"))
    assert problems == []
    assert (spec.symbol, spec.qty, spec.limit_px, spec.stop_px) == ("AAPL", Decimal(1000), Decimal("10.5"), None)


def test_text_that_is_not_a_number_is_named_once_for_its_field() -> None:
    _, problems = read_entry(dataclasses.replace(ENTRY, qty="ten"), UserId("t"))
    assert [(p.field, p.message) for p in problems] == [
        ("qty", "Quantity must be a number, like 100 or 12.5; 'ten' is not.")
    ]


def test_prices_a_type_does_not_use_are_ignored() -> None:
    spec, problems = read_entry(dataclasses.replace(ENTRY, ord_type=OrdType.MARKET, stop_px="x"), UserId("t"))
    assert problems == []
    assert (spec.limit_px, spec.stop_px) == (None, None)
