"""Drop-copy reconciliation: each fill, bust and correction the order session delivers, checked against the drop copy.

A venue's drop copy session reports each execution independently of the order session. The desk pairs
the two accounts of a fill, of a bust (150=H, which cancels an earlier fill) or of a trade correction (150=G,
which restates an earlier fill) by (venue, ExecID). A pair whose sides agree is settled and forgotten; one side
alone for longer than the grace period, or two sides that differ (a fill's quantity or price, the fill a bust
cancels, the fill a correction restates (ExecRefID) or what it restates it to) is a break the user sees
(``ExecutionBreak``) until the missing report arrives and agrees (``ExecutionBreakCleared``). The order session
stays the truth for the order: a drop copy changes no order and no position.

``Reconciliation`` is the projection (a desk view, saved in snapshots); ``copy_events`` and ``due_events``
are the decisions, made once when the engine records them, so a replay needs no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from app.engine.enums import ExecType
from app.engine.events import (
    TRADE_EXEC_TYPES,
    BreakKind,
    DropCopyExecution,
    DropCopyWatched,
    Event,
    ExecutionApplied,
    ExecutionBreak,
    ExecutionBreakCleared,
)
from app.engine.ids import ClOrdId, ExecId, OrderId
from app.engine.ledger import OrderLedger
from app.engine.order import Order
from app.engine.venue_messages import ExecutionReport

DEFAULT_GRACE: Final = timedelta(seconds=5)
"""How long one session's report of a fill may wait for the other's before it is a break."""

Key = tuple[str, ExecId]
"""(venue, ExecID): the venue's own name for one execution."""


ZERO: Final = Decimal(0)


@dataclasses.dataclass(frozen=True, slots=True)
class Account:
    """One session's account of an execution: a fill's quantity and price, the fill a bust cancels, or the fill a
    correction restates and its new quantity and price."""

    qty: Decimal
    px: Decimal
    busts: ExecId | None = None
    """For a bust: the fill it cancels (ExecRefID 19). A bust's quantity and price are not compared (zero)."""
    corrects: ExecId | None = None
    """For a trade correction: the fill it restates (ExecRefID 19) to ``qty`` @ ``px``."""

    @property
    def noun(self) -> str:
        """What the execution is, in words."""
        return "bust" if self.busts is not None else "correction" if self.corrects is not None else "fill"

    def __str__(self) -> str:
        if self.busts is not None:
            return f"cancels fill {self.busts}"
        if self.corrects is not None:
            return f"corrects fill {self.corrects} to {self.qty} @ {self.px}"
        return f"{self.qty} @ {self.px}"


def account_of(exec_type: ExecType, qty: Decimal, px: Decimal, ref: ExecId | None) -> Account | None:
    """A report's account of an execution the desk reconciles: a fill, a bust or a correction (None: none of them)."""
    if exec_type in TRADE_EXEC_TYPES:
        return Account(qty, px)
    if exec_type is ExecType.TRADE_CANCEL and ref:
        return Account(ZERO, ZERO, ref)
    if exec_type is ExecType.TRADE_CORRECT and ref:
        return Account(qty, px, corrects=ref)
    return None


@dataclasses.dataclass(slots=True)
class Pair:
    """A fill seen by one session and not yet settled with the other, or seen by both and in dispute."""

    venue: str
    exec_id: ExecId
    since: datetime
    """When the first of the two reports arrived."""
    order_id: OrderId | None
    cl_ord_id: ClOrdId | None
    on_orders: Account | None = None
    on_copy: Account | None = None
    broken: BreakKind | None = None
    """The open break, if one was recorded."""

    @property
    def noun(self) -> str:
        """A fill or a bust, as the first report of it says."""
        account = self.on_orders or self.on_copy
        return "fill" if account is None else account.noun


class Reconciliation:
    """The fills waiting for their other half and the open breaks, per venue whose drop copy the desk watches."""

    name = "drop_copy"
    event_types: tuple[type, ...] = (DropCopyWatched, DropCopyExecution, ExecutionBreak, ExecutionBreakCleared)

    def __init__(self) -> None:
        self.watched: dict[str, str] = {}
        """Venue -> the drop copy session that checks it."""
        self.pending: dict[Key, Pair] = {}
        self.disputed: set[Key] = set()
        """Pairs that need a decision without waiting for the grace period: both sides in, or a break open."""
        self.settled = 0
        """Fills both sessions reported alike, or that came to agree after a break."""
        self.as_delivered: dict[Key, Account] = {}
        """What the order session first said of each correction it delivered and of each fill a correction restated
        (the fill as it was before): a drop copy's copy of either, sent again after the pair settled, is checked
        against this, not against the fill as it now stands. Corrections are rare, so this stays small."""

    @property
    def breaks(self) -> list[Pair]:
        """The open breaks, oldest first."""
        return sorted((p for p in self.pending.values() if p.broken is not None), key=lambda p: p.since)

    def apply(self, event: Any, ts: datetime) -> None:
        """Take in a watch, a drop-copy fill or a break decision."""
        if type(event) is DropCopyExecution:
            self._copied(event, ts)
        elif type(event) is ExecutionBreak:
            pair = self.pending[(event.venue, event.exec_id)]
            pair.broken = event.kind
            self.disputed.add((event.venue, event.exec_id))
        elif type(event) is ExecutionBreakCleared:
            key = (event.venue, event.exec_id)
            del self.pending[key]
            self.disputed.discard(key)
            self.settled += 1
        elif type(event) is DropCopyWatched:
            self._watch(event)

    def order_fill(self, order: Order, event: ExecutionApplied, ts: datetime) -> None:
        """The order session delivered an execution (the projections call this for every one they apply, before the
        ledger applies it to ``order``); only fills, busts and corrections are reconciled."""
        venue = order.spec.destination
        if venue not in self.watched:
            return
        account = account_of(event.exec_type, event.last_qty, event.last_px, event.ref_exec_id)
        if account is None:
            return
        key = (venue, event.exec_id)
        if account.corrects is not None:
            self.as_delivered.setdefault(key, account)
            restated = order.fills.get(account.corrects)
            if restated is not None:  # still as first delivered: the ledger has not applied this correction yet
                self.as_delivered.setdefault((venue, account.corrects), Account(restated.qty, restated.px))
        pair = self.pending.get(key)
        if pair is None:
            pair = self.pending[key] = Pair(venue, event.exec_id, ts, event.order_id, event.reported_cl_ord_id)
        pair.on_orders = account
        self._settle(key, pair)

    def _copied(self, event: DropCopyExecution, ts: datetime) -> None:
        key = (event.venue, event.exec_id)
        pair = self.pending.get(key)
        if pair is None:
            pair = self.pending[key] = Pair(event.venue, event.exec_id, ts, event.order_id, event.cl_ord_id)
        pair.on_copy = Account(event.last_qty, event.last_px, event.ref_exec_id, event.corrects)
        self._settle(key, pair)

    def _settle(self, key: Key, pair: Pair) -> None:
        if pair.on_orders is None or pair.on_copy is None:
            return
        if pair.on_orders == pair.on_copy and pair.broken is None:
            del self.pending[key]
            self.settled += 1
        else:
            self.disputed.add(key)

    def _watch(self, event: DropCopyWatched) -> None:
        if event.watching:
            self.watched[event.venue] = event.session
            return
        self.watched.pop(event.venue, None)
        for key, pair in list(self.pending.items()):
            if pair.venue == event.venue and pair.on_copy is None and pair.broken is None:
                del self.pending[key]

    def rows(self) -> list[tuple[Any, ...]]:
        """Watches, then pairs, then the settled count, as plain values."""
        rows: list[tuple[Any, ...]] = [("watch", venue, session) for venue, session in self.watched.items()]
        rows += [("pair", *_pair_row(pair)) for pair in self.pending.values()]
        rows += [("delivered", venue, exec_id, _account_row(a)) for (venue, exec_id), a in self.as_delivered.items()]
        rows.append(("settled", self.settled))
        return rows

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        for row in rows:
            if row[0] == "watch":
                self.watched[row[1]] = row[2]
            elif row[0] == "pair":
                pair = _pair(row[1:])
                key = (pair.venue, pair.exec_id)
                self.pending[key] = pair
                if pair.broken is not None or (pair.on_orders is not None and pair.on_copy is not None):
                    self.disputed.add(key)
            elif row[0] == "delivered" and (account := _account(row[3])) is not None:
                self.as_delivered[(row[1], ExecId(row[2]))] = account
            else:
                self.settled = int(row[1])


def _account_row(account: Account | None) -> tuple[str, str, str | None, str | None] | None:
    return None if account is None else (str(account.qty), str(account.px), account.busts, account.corrects)


def _account(row: Sequence[Any] | None) -> Account | None:
    """An account from its row; a row saved before corrections were reconciled has no fourth value."""
    if row is None:
        return None
    qty, px, busts, corrects = (*row, None) if len(row) == 3 else row
    return Account(
        Decimal(qty),
        Decimal(px),
        None if busts is None else ExecId(busts),
        None if corrects is None else ExecId(corrects),
    )


def _pair_row(p: Pair) -> tuple[Any, ...]:
    broken = None if p.broken is None else p.broken.value
    return (p.venue, p.exec_id, p.since.isoformat(), p.order_id, p.cl_ord_id,
            _account_row(p.on_orders), _account_row(p.on_copy), broken)  # fmt: skip


def _pair(row: Sequence[Any]) -> Pair:
    venue, exec_id, since, order_id, cl_ord_id, on_orders, on_copy, broken = row
    return Pair(
        venue,
        ExecId(exec_id),
        datetime.fromisoformat(since),
        order_id,
        cl_ord_id,
        _account(on_orders),
        _account(on_copy),
        None if broken is None else BreakKind(broken),
    )


# Decisions -----------------------------------------------------------------------------------------


def copy_events(
    reconciliation: Reconciliation, ledger: OrderLedger, venue: str, report: ExecutionReport
) -> list[Event]:
    """What a drop copy's execution report records: nothing unless it is a fill, a bust or a correction not yet seen
    on the drop copy."""
    copy = account_of(report.exec_type, report.last_qty, report.last_px, report.ref_exec_id)
    if copy is None:
        return []
    key = (venue, report.exec_id)
    pair = reconciliation.pending.get(key)
    if pair is not None and pair.on_copy is not None:
        return []  # the drop copy sent it again
    order = ledger.find(report.cl_ord_id)
    order_id = None if order is None else order.order_id
    event = DropCopyExecution(
        venue, report.exec_id, report.cl_ord_id, copy.qty, copy.px, report.symbol, order_id, copy.busts, copy.corrects
    )
    delivered = None if order is None or pair is not None else _delivered(reconciliation, order, key, copy)
    if delivered is None:
        return [event]
    if delivered == copy:
        return []  # settled already, or delivered before the desk watched this venue: nothing to add
    detail = _mismatch(venue, report.exec_id, delivered, copy)
    return [event, ExecutionBreak(venue, report.exec_id, BreakKind.MISMATCH, detail, order_id)]


def _delivered(reconciliation: Reconciliation, order: Order, key: Key, copy: Account) -> Account | None:
    """The order session's account of an execution it delivered with no pair waiting (settled already, or before
    the watch began); None if it has not delivered it.

    A copy sent again (43=Y after a reconnect) is compared with what the order session said when it delivered the
    execution, so the original fill of a since-corrected fill still agrees. The copy is compared rather than taken as
    a no-op because a settled pair can't be told from a fill delivered before the watch began (whose first copy must
    be checked), and because a resend that states something else than the venue first said is a real disagreement
    a no-op would hide."""
    exec_id = key[1]
    if (first := reconciliation.as_delivered.get(key)) is not None:
        return first
    if copy.busts is not None:
        busted = order.fills.get(copy.busts)
        return copy if exec_id in order.exec_ids and busted is not None and busted.busted else None
    if copy.corrects is not None:
        corrected = order.fills.get(copy.corrects)
        if exec_id not in order.exec_ids or corrected is None:
            return None
        return Account(corrected.qty, corrected.px, corrects=copy.corrects)  # as the fill now stands at the desk
    fill = order.fills.get(exec_id)
    return None if fill is None else Account(fill.qty, fill.px)


def due_events(reconciliation: Reconciliation, now: datetime, grace: timedelta | None) -> list[Event]:
    """Breaks to open or close now. Without ``grace`` only disputed pairs are looked at (a quick check after a
    batch of reports); with it, also every fill that has waited longer than ``grace`` for its other half."""
    pending = reconciliation.pending
    keys = list(pending) if grace is not None else sorted(reconciliation.disputed)
    events: list[Event] = []
    for key in keys:
        pair = pending[key]
        orders, copy = pair.on_orders, pair.on_copy
        if orders is not None and copy is not None:
            if orders == copy:
                detail = (
                    f"{orders.noun.capitalize()} {pair.exec_id} on {pair.venue}: both sessions now agree ({orders})."
                )
                events.append(ExecutionBreakCleared(pair.venue, pair.exec_id, detail, pair.order_id))
            elif pair.broken is not BreakKind.MISMATCH:
                detail = _mismatch(pair.venue, pair.exec_id, orders, copy)
                events.append(ExecutionBreak(pair.venue, pair.exec_id, BreakKind.MISMATCH, detail, pair.order_id))
        elif grace is not None and pair.broken is None and now - pair.since >= grace:
            events.append(_missing(pair, reconciliation.watched.get(pair.venue, "its drop copy"), now))
    return events


def _mismatch(venue: str, exec_id: ExecId, orders: Account, copy: Account) -> str:
    noun = orders.noun if orders.noun == copy.noun else "execution"
    return f"{noun.capitalize()} {exec_id} on {venue}: the order session says {orders}, the drop copy says {copy}."


def _missing(pair: Pair, session: str, now: datetime) -> ExecutionBreak:
    waited = int((now - pair.since).total_seconds())
    if pair.on_copy is not None:
        whose = f"ClOrdID {pair.cl_ord_id}" if pair.order_id is not None else f"ClOrdID {pair.cl_ord_id}, not ours"
        detail = (
            f"{session} reported {pair.noun} {pair.exec_id} on {pair.venue} ({pair.on_copy}, {whose}) {waited} s "
            "ago; the order session has not delivered it."
        )
        kind = BreakKind.MISSING_ON_ORDER_SESSION
    else:
        detail = (
            f"The order session delivered {pair.noun} {pair.exec_id} on {pair.venue} ({pair.on_orders}, order "
            f"{pair.order_id}) {waited} s ago; {session} has not reported it."
        )
        kind = BreakKind.MISSING_ON_DROP_COPY
    return ExecutionBreak(pair.venue, pair.exec_id, kind, detail, pair.order_id)
