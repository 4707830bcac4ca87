"""How orders read on screen: pending states never look like finished ones; numbers are exact."""

from __future__ import annotations

from decimal import Decimal

from app.engine.enums import OrderStatus
from app.ui.order_text import STATUS_LOOKS, px_text, qty_text


def test_every_status_has_a_look() -> None:
    assert set(STATUS_LOOKS) == set(OrderStatus)


def test_pending_states_are_italic_and_share_no_colour_or_words_with_finished_ones() -> None:
    pending = {s for s in OrderStatus if s.is_pending}
    finished = set(OrderStatus) - pending
    assert all(STATUS_LOOKS[s].italic for s in pending)
    assert not any(STATUS_LOOKS[s].italic for s in finished)
    assert {STATUS_LOOKS[s].colour for s in pending}.isdisjoint({STATUS_LOOKS[s].colour for s in finished})
    assert "pending" in STATUS_LOOKS[OrderStatus.PENDING_CANCEL].text.lower()
    assert "Cancel" in STATUS_LOOKS[OrderStatus.PENDING_CANCEL].text


def test_quantities_and_prices_are_shown_exactly() -> None:
    assert qty_text(Decimal("1250")) == "1,250"
    assert qty_text(Decimal("0.50")) == "0.5"
    assert px_text(Decimal("412.125")) == "412.125"
    assert px_text(Decimal("10")) == "10.00"
    assert px_text(Decimal("189.4")) == "189.40"
    assert px_text(None) == ""
