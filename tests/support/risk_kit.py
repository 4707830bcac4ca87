"""A desk with the real pre-trade gate: limits set by a supervisor's commands, quotes in a price book, a fake clock."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from app.engine.clock import FakeClock
from app.engine.commands import CommandResult, ReplaceOrder, SetLimit, SubmitOrder
from app.engine.engine import Engine
from app.engine.ids import ClOrdId, OrderId, UserId
from app.engine.order import Amendment
from app.engine.prices import PriceBook, Quote
from app.engine.risk.limit_keys import LimitKey, Scope
from app.engine.risk.pretrade import PreTradeGate
from app.engine.risk.verdict import Severity, Verdict
from app.engine.serialization import from_json
from tests.support.engine_kit import SUPERVISOR, TRADER, RecordingOutbound, open_engine, spec
from tests.support.reports import VenueOrder

WARN = Severity.WARN
KIT_ACCOUNTS = ("ACC1", "ACC2", "OTHER")
"""The accounts the test desk knows without a limit naming them."""
E = TypeVar("E")


def key(name: str, level: Severity = Severity.BLOCK, **scope: str) -> LimitKey:
    """A limit's key: ``key("max_order_qty", account="ACC1")``."""
    return LimitKey(name, level, Scope(**scope))


@dataclasses.dataclass
class Desk:
    """An engine on a temp store with the full gate over ``prices`` and ``clock``."""

    engine: Engine
    outbound: RecordingOutbound
    clock: FakeClock
    prices: PriceBook
    gate: PreTradeGate
    venue_orders: dict[OrderId, VenueOrder] = dataclasses.field(default_factory=dict)

    def limit(self, name: str, value: str | int, level: Severity = Severity.BLOCK, **scope: str) -> None:
        """Set a limit as the supervisor; it must be accepted."""
        result = self.engine.set_limit(SetLimit(key(name, level, **scope), str(value), SUPERVISOR))
        assert result.accepted, result.message

    def quote(self, bid: str | None = "9.99", ask: str | None = "10.01", symbol: str = "AAPL", **kw: Any) -> None:
        """A quote arriving now (or at ``ts``)."""
        last = kw.get("last", "10")
        ts: datetime = kw.get("ts", self.clock.now())
        self.prices.update([Quote(symbol, _d(bid), _d(ask), _d(last), ts)])

    def check(self, **overrides: Any) -> Verdict:
        """The gate's verdict on ``spec(**overrides)`` without sending it."""
        return self.gate.check_new(spec(**overrides), self.engine.book)

    def rules(self, **overrides: Any) -> dict[str, Severity]:
        """Each finding's rule and severity for ``spec(**overrides)``."""
        return {f.rule: f.severity for f in self.check(**overrides).findings}

    def submit(self, user: UserId = TRADER, override: str = "", **overrides: Any) -> CommandResult:
        """Send ``spec(**overrides)`` as ``user``."""
        return self.engine.submit(SubmitOrder(spec(**overrides), user, override_reason=override))

    def working(self, **overrides: Any) -> OrderId:
        """Send an order and have the venue acknowledge it."""
        result = self.submit(**overrides)
        assert result.accepted, result.message
        assert result.order_id is not None
        venue = self.venue_orders[result.order_id] = VenueOrder(result.order_id, spec(**overrides).qty)
        self.engine.apply_venue_messages([venue.ack()])
        return result.order_id

    def fill(self, order_id: OrderId, qty: int, px: int = 10) -> None:
        """The venue fills part of a working order."""
        self.engine.apply_venue_messages([self.venue_orders[order_id].fill(qty, px)])

    def amend(
        self, order_id: OrderId, qty: int, limit_px: str | None = "10", override: str = "", user: UserId = TRADER
    ) -> CommandResult:
        """Ask to amend a working order (as the trader unless ``user`` says)."""
        amendment = Amendment(Decimal(qty), _d(limit_px))
        return self.engine.replace(ReplaceOrder(order_id, amendment, user, override_reason=override))

    def kinds(self) -> list[str]:
        """The kind of every event in the log, in order."""
        return [stored.kind for stored in self.engine.store.read()]

    def events(self, cls: type[E]) -> list[E]:
        """Every logged event of type ``cls``, decoded."""
        return [from_json(cls, s.data) for s in self.engine.store.read() if s.kind == cls.__name__]

    def last_cl_ord_id(self, order_id: OrderId) -> ClOrdId:
        """The ClOrdID of the order's latest request."""
        return self.engine.ledger.orders[order_id].chain[-1].cl_ord_id


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def open_desk(path: Path) -> Desk:
    """A desk on a fresh store at ``path``; no limits yet but the defaults, no quotes."""
    clock, prices = FakeClock(), PriceBook()
    gate = PreTradeGate(["SIM1"], prices, clock, KIT_ACCOUNTS)
    engine, outbound = open_engine(path, clock=clock, gate=gate)
    return Desk(engine, outbound, clock, prices, gate)
