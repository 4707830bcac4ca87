"""Fakes at the engine's edges (gate, outbound) and a one-call way to open an engine on a temp store."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.engine.clock import FakeClock
from app.engine.engine import Engine
from app.engine.enums import OrdType, Side
from app.engine.ids import AccountId, UserId
from app.engine.order import Amendment, Order, OrderSpec
from app.engine.projections import Projections
from app.engine.risk import ALLOW, Verdict
from app.engine.roles import FixedDirectory, Role
from app.engine.store import EventStore, Transaction
from app.engine.venue_messages import VenueRequest

TRADER = UserId("trader1")
SUPERVISOR = UserId("super1")
VIEWER = UserId("viewer1")
DESK = FixedDirectory({TRADER: Role.TRADER, SUPERVISOR: Role.SUPERVISOR, VIEWER: Role.VIEWER})
"""The users the tests act as, one per role that matters to them."""


class PassGate:
    """A gate that allows everything, so a test can look at one thing at a time."""

    def check_new(self, spec: OrderSpec, book: Projections) -> Verdict:
        return ALLOW

    def check_amend(self, order: Order, amendment: Amendment, book: Projections) -> Verdict:
        return ALLOW


@dataclasses.dataclass
class DenyGate:
    """A gate that denies everything by one rule."""

    rule: str = "max_order_qty"
    reason: str = "Quantity 100 is over the account's limit of 50."

    def check_new(self, spec: OrderSpec, book: Projections) -> Verdict:
        return Verdict(False, self.rule, self.reason)

    def check_amend(self, order: Order, amendment: Amendment, book: Projections) -> Verdict:
        return Verdict(False, self.rule, self.reason)


class RecordingOutbound:
    """Keeps what the engine staged and, after each commit, what it released."""

    def __init__(self) -> None:
        self.staged: list[VenueRequest] = []
        self.sent: list[VenueRequest] = []

    def stage(self, request: VenueRequest, tx: Transaction) -> None:
        self.staged.append(request)

    def release(self) -> None:
        self.sent += self.staged
        self.staged = []

    def discard(self) -> None:
        self.staged = []


def spec(**overrides: Any) -> OrderSpec:
    """A valid limit buy of 100 AAPL at 10, with any field overridden."""
    base: dict[str, Any] = {
        "symbol": "AAPL",
        "side": Side.BUY,
        "qty": Decimal(100),
        "ord_type": OrdType.LIMIT,
        "account": AccountId("ACC1"),
        "destination": "SIM1",
        "trader": TRADER,
        "limit_px": Decimal(10),
    }
    base.update(overrides)
    return OrderSpec(**base)


def open_engine(
    path: Path, *, clock: FakeClock | None = None, gate: Any = None, snapshot_every: int = 100_000
) -> tuple[Engine, RecordingOutbound]:
    """An engine on a store at ``path`` (created if new; durable writes off, to keep tests quick)."""
    outbound = RecordingOutbound()
    engine = Engine(
        EventStore.open(path, synchronous_full=False),
        clock or FakeClock(),
        gate or PassGate(),
        outbound,
        directory=DESK,
        snapshot_every=snapshot_every,
    )
    engine.reload()
    return engine, outbound
