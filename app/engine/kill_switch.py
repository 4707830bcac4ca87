"""The kill switch board: every switch that is on, the orders each caught working and its mass cancels.

A desk view (see projections.py): it follows the kill switch events and rides in the snapshot as plain
rows, so the switches that were on before a restart are on after it, exactly. It decides nothing; the
engine reads it to refuse orders in scope and to say how far each cancel-all has got.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.engine.events import (
    KillCancelQueued,
    KillCancelRetried,
    KillSwitchEngaged,
    KillSwitchReleased,
    MassCancelAnswered,
    MassCancelSent,
)
from app.engine.ids import ClOrdId, OrderId, UserId
from app.engine.kill_terms import CancelRoute, KillGrade, KillTrigger, Scope, ScopeKind
from app.engine.ledger import OrderLedger
from app.engine.order import OrderSpec


@dataclass(slots=True)
class CaughtOrder:
    """An order a switch caught working: what had filled then, how its cancel goes, when it last went, how often
    it went again."""

    cum_qty: Decimal
    route: CancelRoute
    sent_at: datetime
    retries: int = 0


@dataclass(slots=True)
class MassCancel:
    """One OrderMassCancelRequest a switch sent to a venue, and the venue's answer once it came."""

    destination: str
    cl_ord_id: ClOrdId
    symbol: str | None
    answer: bool | None = None
    """None until the venue's 35=r; then whether it took the mass cancel."""


@dataclass(slots=True)
class KillSwitch:
    """One switch that is on."""

    switch_id: str
    scope: Scope
    grade: KillGrade
    user: UserId
    at: datetime
    reason: str
    trigger: KillTrigger
    caught: dict[OrderId, CaughtOrder] = field(default_factory=dict)
    mass_cancels: dict[str, MassCancel] = field(default_factory=dict)
    """By destination."""

    def describe(self) -> str:
        """Which switch, in words: 'the kill switch on venue SIMA (halt: no new orders), engaged by ...'."""
        return (
            f"the kill switch on {self.scope.describe()} ({self.grade.label}), engaged by {self.user} at "
            f"{self.at:%H:%M:%S} UTC: {self.reason}"
        )


@dataclass(frozen=True, slots=True)
class KillSwitchStatus:
    """How far one switch has got: of the orders it caught working, how many the venues have confirmed done."""

    switch: KillSwitch
    working: int
    """Orders in scope that were working when the switch caught them."""
    cancels_sent: int
    """Of those, how many have had their cancel sent (deferred ones wait for an earlier answer)."""
    confirmed: int
    """No longer working, as the venue's reports say: canceled, or filled or expired before the cancel."""
    unconfirmed: int
    """Still working or pending cancel: the venue has not confirmed yet."""
    filled_after: int
    """Orders with fills after the switch caught them (the venue filled them before taking the cancel)."""
    retries: int = 0
    """How many times cancels went again because a venue had not confirmed them in time."""

    def summary(self) -> str:
        """One line for the supervisor: 'Cancel all: 312 of 340 confirmed, 28 unconfirmed, retried 3 times'."""
        if self.switch.grade is not KillGrade.CANCEL_WORKING:
            return f"{self.switch.grade.label.capitalize()} on {self.switch.scope.describe()}"
        text = f"Cancel all: {self.confirmed} of {self.working} confirmed, {self.unconfirmed} unconfirmed"
        if self.retries:
            text += f", retried {self.retries} time{'s' if self.retries != 1 else ''}"
        return text + (f", {self.filled_after} filled first" if self.filled_after else "")


def status_of(switch: KillSwitch, ledger: OrderLedger) -> KillSwitchStatus:
    """Count where each order ``switch`` caught stands now."""
    sent = confirmed = filled_after = retries = 0
    for order_id, caught in switch.caught.items():
        order = ledger.orders[order_id]
        sent += caught.route is not CancelRoute.DEFERRED
        confirmed += order.status.is_terminal  # done for the day is not: the venue may restate it tomorrow
        filled_after += order.cum_qty > caught.cum_qty
        retries += caught.retries
    working = len(switch.caught)
    return KillSwitchStatus(switch, working, sent, confirmed, working - confirmed, filled_after, retries)


class KillSwitchBoard:
    """The kill switches that are on, by id, in the order they went on."""

    name = "kill_switch"
    event_types: tuple[type, ...] = (
        KillSwitchEngaged,
        KillSwitchReleased,
        KillCancelQueued,
        MassCancelSent,
        MassCancelAnswered,
        KillCancelRetried,
    )

    def __init__(self) -> None:
        self.active: dict[str, KillSwitch] = {}
        self.issued = 0
        """How many switches have ever gone on: the next switch's number."""
        self.by_mass_id: dict[ClOrdId, tuple[str, str]] = {}
        """(switch id, destination) of each mass cancel of a switch still on, by its ClOrdID."""

    def next_id(self) -> str:
        """The id the next switch gets."""
        return f"KS{self.issued + 1}"

    def covering(self, spec: OrderSpec) -> list[KillSwitch]:
        """The switches on whose scope covers an order with these terms, oldest first."""
        return [switch for switch in self.active.values() if switch.scope.covers(spec)]

    def cancelling(self) -> bool:
        """Whether any switch on cancels working orders."""
        return any(switch.grade is KillGrade.CANCEL_WORKING for switch in self.active.values())

    def matching(self, scope: Scope) -> list[KillSwitch]:
        """The switches on with exactly this scope."""
        return [switch for switch in self.active.values() if switch.scope == scope]

    # The desk view ---------------------------------------------------------------------------------

    def apply(self, event: Any, ts: datetime) -> None:
        """Take in one kill switch event."""
        kind = type(event)
        if kind is KillSwitchEngaged:
            self._engaged(event, ts)
        elif kind is KillSwitchReleased:
            self._released(event)
        elif kind is KillCancelQueued:
            switch = self.active.get(event.switch_id)
            if switch is not None:
                before = switch.caught.get(event.order_id)
                retries = before.retries if before is not None else 0
                switch.caught[event.order_id] = CaughtOrder(event.cum_qty, event.route, ts, retries)
        elif kind is KillCancelRetried:
            switch = self.active.get(event.switch_id)
            caught = switch.caught.get(event.order_id) if switch is not None else None
            if caught is not None:
                caught.route, caught.sent_at, caught.retries = CancelRoute.SINGLE, ts, event.attempt
        elif kind is MassCancelSent:
            self._mass_sent(event.switch_id, MassCancel(event.destination, event.cl_ord_id, event.symbol))
        elif kind is MassCancelAnswered:
            switch = self.active.get(event.switch_id)
            if switch is not None and event.destination in switch.mass_cancels:
                switch.mass_cancels[event.destination].answer = event.accepted

    def _engaged(self, e: KillSwitchEngaged, ts: datetime) -> None:
        self.issued += 1
        scope = Scope(e.scope, e.target)
        self.active[e.switch_id] = KillSwitch(e.switch_id, scope, e.grade, e.user, ts, e.reason, e.trigger)

    def _released(self, e: KillSwitchReleased) -> None:
        switch = self.active.pop(e.switch_id, None)
        if switch is not None:
            for mass in switch.mass_cancels.values():
                self.by_mass_id.pop(mass.cl_ord_id, None)

    def _mass_sent(self, switch_id: str, mass: MassCancel) -> None:
        switch = self.active.get(switch_id)
        if switch is not None:
            switch.mass_cancels[mass.destination] = mass
            self.by_mass_id[mass.cl_ord_id] = (switch_id, mass.destination)

    def rows(self) -> list[tuple[Any, ...]]:
        """The board as plain rows: the count issued, then each switch, its caught orders (with when each cancel last
        went and how often it went again) and its mass cancels."""
        rows: list[tuple[Any, ...]] = [("issued", self.issued)]
        for s in self.active.values():
            at = s.at.isoformat()
            scope, grade, trigger = s.scope.kind.value, s.grade.value, s.trigger.value
            rows.append(("switch", s.switch_id, scope, s.scope.target, grade, s.user, at, s.reason, trigger))
            rows += [("caught", s.switch_id, oid, str(c.cum_qty), c.route.value) for oid, c in s.caught.items()]
            rows += [("sent", s.switch_id, oid, c.sent_at.isoformat(), c.retries) for oid, c in s.caught.items()]
            rows += [
                ("mass", s.switch_id, m.destination, m.cl_ord_id, m.symbol, m.answer) for m in s.mass_cancels.values()
            ]
        return rows

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore the board ``rows`` wrote."""
        self.active.clear()
        self.by_mass_id.clear()
        self.issued = 0
        for row in rows:
            kind = row[0]
            if kind == "issued":
                self.issued = row[1]
            elif kind == "switch":
                _, sid, scope, target, grade, user, at, reason, trigger = row
                self.active[sid] = KillSwitch(
                    sid,
                    Scope(ScopeKind(scope), target),
                    KillGrade(grade),
                    user,
                    datetime.fromisoformat(at),
                    reason,
                    KillTrigger(trigger),
                )
            elif kind == "caught":  # a snapshot from before "sent" rows: the cancel went when the switch went on
                switch = self.active[row[1]]
                switch.caught[row[2]] = CaughtOrder(Decimal(row[3]), CancelRoute(row[4]), switch.at)
            elif kind == "sent":
                caught = self.active[row[1]].caught[row[2]]
                caught.sent_at, caught.retries = datetime.fromisoformat(row[3]), row[4]
            elif kind == "mass":
                _, sid, destination, cl_ord_id, symbol, answer = row
                self._mass_sent(sid, MassCancel(destination, cl_ord_id, symbol, answer))
