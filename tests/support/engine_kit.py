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
from app.engine.roles import FixedDirectory, Role, UserDirectory
from app.engine.store import EventStore, Transaction
from app.engine.venue_messages import MassCancelRequest, OutboundRequest, StatusRequest, VenueRequest

TRADER = UserId("trader1")
DESKMATE = UserId("trader3")
OTHER_TRADER = UserId("trader2")
PM = UserId("pm1")
SUPERVISOR = UserId("super1")
VIEWER = UserId("viewer1")
DESK = FixedDirectory(
    {
        TRADER: Role.TRADER,
        DESKMATE: Role.TRADER,
        OTHER_TRADER: Role.TRADER,
        PM: Role.PM,
        SUPERVISOR: Role.SUPERVISOR,
        VIEWER: Role.VIEWER,
    },
    {TRADER: "EQ1", DESKMATE: "EQ1", OTHER_TRADER: "EQ2", PM: "EQ1", SUPERVISOR: "EQ1", VIEWER: "EQ1"},
)
"""The users the tests act as: traders on desk EQ1 (trader1, trader3) and EQ2 (trader2), a PM, a supervisor and
a viewer."""


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
    """Keeps what the engine staged and, after each commit, what it released (order requests, mass cancels and
    status requests apart); the venues named in ``mass_cancel_venues`` take mass cancels."""

    def __init__(self) -> None:
        self.staged: list[VenueRequest] = []
        self.sent: list[VenueRequest] = []
        self.staged_mass: list[MassCancelRequest] = []
        self.mass_cancels: list[MassCancelRequest] = []
        self.staged_status: list[StatusRequest] = []
        self.status_requests: list[StatusRequest] = []
        self.mass_cancel_venues: set[str] = set()

    def stage(self, request: OutboundRequest, tx: Transaction) -> None:
        if isinstance(request, MassCancelRequest):
            self.staged_mass.append(request)
        elif isinstance(request, StatusRequest):
            self.staged_status.append(request)
        else:
            self.staged.append(request)

    def takes_mass_cancel(self, destination: str) -> bool:
        return destination in self.mass_cancel_venues

    def release(self) -> None:
        self.sent += self.staged
        self.mass_cancels += self.staged_mass
        self.status_requests += self.staged_status
        self.staged, self.staged_mass, self.staged_status = [], [], []

    def discard(self) -> None:
        self.staged, self.staged_mass, self.staged_status = [], [], []


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
    path: Path,
    *,
    clock: FakeClock | None = None,
    gate: Any = None,
    snapshot_every: int = 100_000,
    directory: UserDirectory | None = DESK,
    id_prefix: str | None = None,
) -> tuple[Engine, RecordingOutbound]:
    """An engine on a store at ``path`` (created if new; durable writes off, to keep tests quick).

    Users come from ``DESK`` unless another ``directory`` is given; None means the users recorded in the store.
    ClOrdIDs start with the store's own tag unless an ``id_prefix`` is given.
    """
    outbound = RecordingOutbound()
    engine = Engine(
        EventStore.open(path, synchronous_full=False),
        clock or FakeClock(),
        gate or PassGate(),
        outbound,
        directory=directory,
        id_prefix=id_prefix,
        snapshot_every=snapshot_every,
    )
    engine.reload()
    return engine, outbound
