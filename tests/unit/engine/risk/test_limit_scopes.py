"""Every check of the gate is configurable per account, per trader and per symbol: a limit set on one of them
decides that account's, trader's or symbol's orders and leaves every other order alone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from app.engine.enums import Side
from app.engine.ids import AccountId
from app.engine.risk.verdict import Severity
from tests.support.engine_kit import OTHER_TRADER, TRADER
from tests.support.risk_kit import WARN, Desk

BLOCK = Severity.BLOCK


class Case(NamedTuple):
    """One check: the limits that set it (the first is scoped, the rest desk-wide), and an order that breaches it."""

    rule: str
    value: str
    level: Severity
    breach: dict[str, Any]
    desk_wide: tuple[tuple[str, str], ...] = ()
    sent_before: bool = False
    """Whether the same order went out once already (rates and duplicates count what was sent)."""


CASES = (
    Case("max_order_qty", "100", BLOCK, {"qty": Decimal(200)}),
    Case("max_order_qty", "100", WARN, {"qty": Decimal(200)}),
    Case("max_order_notional", "1500", BLOCK, {"qty": Decimal(200)}),
    Case("max_order_notional", "1500", WARN, {"qty": Decimal(200)}),
    Case("max_long", "150", BLOCK, {"qty": Decimal(200)}),
    Case("max_long", "150", WARN, {"qty": Decimal(200)}),
    Case("max_short", "150", BLOCK, {"qty": Decimal(200), "side": Side.SELL_SHORT}),
    Case("max_short", "150", WARN, {"qty": Decimal(200), "side": Side.SELL_SHORT}),
    Case("credit", "1500", BLOCK, {"qty": Decimal(200)}),
    Case("credit", "1500", WARN, {"qty": Decimal(200)}),
    Case("price_band_pct", "5", BLOCK, {"limit_px": Decimal(11)}),
    Case("price_band_pct", "5", WARN, {"limit_px": Decimal(11)}),
    Case("max_quote_age_s", "1", BLOCK, {}, (("price_band_pct", "5"),)),  # the stale reference fails closed
    Case("restricted", "Compliance hold", BLOCK, {}),
    Case("restricted", "Watch list", WARN, {}),
    Case("tick_size", "0.05", BLOCK, {"limit_px": Decimal("10.03")}),
    Case("lot_size", "100", BLOCK, {"qty": Decimal(150)}),
    Case("market_hours", "00:00-01:00 UTC", BLOCK, {}),  # the desk's clock reads 14:30 UTC
    Case("order_rate", "1", BLOCK, {}, (("rate_window_s", "10"),), sent_before=True),
    Case("order_rate", "1", WARN, {}, (("rate_window_s", "10"),), sent_before=True),
    Case("message_rate", "1", BLOCK, {}, (("rate_window_s", "10"),), sent_before=True),
    Case("message_rate", "1", WARN, {}, (("rate_window_s", "10"),), sent_before=True),
    Case("duplicate_window_s", "10", WARN, {}, sent_before=True),
)

FIELDS = {  # scope field: (the order's own value, another order's)
    "account": (AccountId("ACC1"), AccountId("ACC2")),
    "trader": (TRADER, OTHER_TRADER),
    "symbol": ("AAPL", "MSFT"),
}

_RULE_OF = {"max_quote_age_s": "price_band_pct"}
"""A setting that qualifies another check is found by that check."""


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}-{c.level.value}")
def test_each_check_set_on_one_account_trader_or_symbol_decides_only_its_orders(
    desk: Desk, case: Case, field: str
) -> None:
    own, other = FIELDS[field]
    for name, value in case.desk_wide:
        desk.limit(name, value)
    for symbol in ("AAPL", "MSFT"):
        desk.quote(symbol=symbol)
    if case.sent_before:
        assert desk.submit(**case.breach).accepted  # before the limit: trader1's ACC1 AAPL order, sent once
    desk.limit(case.rule, case.value, case.level, **{field: own})
    if case.rule == "max_quote_age_s":
        desk.clock.advance(2)
    rule = _RULE_OF.get(case.rule, case.rule)
    assert desk.rules(**case.breach) == {rule: case.level}
    for_another = desk.rules(**case.breach, **{field: other})
    assert rule not in for_another, f"{case.rule} set for {field} {own} caught the order for {other}"
