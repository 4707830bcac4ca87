"""The plain fill's and plain ack's fast path (report_rules.plain_report) against the general report rules.

Which reports take it, which do not, and a property: random report streams (acks early, late, twice or after a
fill, fills, duplicates, late arrivals, busts and corrections, fills that overrun the order or disagree with our
tally, cancels and amends racing fills and acks, their answers and refusals) go through two engines, one with the
fast path and one
with only the general rules. Every event (its text and its hash), every change set, every order, position,
exposure sum and desk view must come out the same, and so must the fast engine's book replayed from its log.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import ChangeSet, Engine
from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.events import ExecutionApplied
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.order import Amendment, Order, RequestKind
from app.engine.report_rules import execution_events, plain_report
from app.engine.venue_messages import ExecutionReport, VenueMessage
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder

ACCOUNT = AccountId("ACC1")


def _working(tmp: Path, qty: int = 100) -> tuple[Engine, Order, VenueOrder]:
    engine, _ = open_engine(tmp / "w.sqlite3", id_prefix="OEMS")
    engine.submit(SubmitOrder(spec(qty=Decimal(qty), account=ACCOUNT), TRADER, cl_ord_id=ClOrdId("W-1")))
    venue = VenueOrder("W-1", qty)
    engine.apply_venue_messages([venue.ack()])
    order = engine.ledger.get(OrderId("W-1"))
    assert order is not None
    return engine, order, venue


def test_a_plain_report_is_decided_as_the_general_rules_decide_it(tmp_path: Path) -> None:
    engine, order, venue = _working(tmp_path)
    for report in (venue.fill(30, 10), venue.fill(70, 11)):  # a partial, then the fill that completes it
        fast = plain_report(order, report)
        assert fast is not None
        assert [fast] == execution_events(order, report)
        engine.apply_venue_messages([report])
    assert order.status is OrderStatus.FILLED
    engine.store.close()


def test_anything_unusual_is_left_to_the_general_rules(tmp_path: Path) -> None:
    engine, order, venue = _working(tmp_path)
    first = venue.fill(30, 10)
    engine.apply_venue_messages([first])
    unusual = {
        "a duplicate": first,
        "an overfill": venue.fill(100, 10),
        "a CumQty our fills do not explain": dataclasses.replace(venue.fill(10, 10), cum_qty=Decimal(45)),
        "a stale CumQty": dataclasses.replace(venue.fill(10, 10), cum_qty=Decimal(20)),
        "a bust": venue.bust(first),
        "an ack": venue.ack(),
    }
    for what, report in unusual.items():
        assert plain_report(order, report) is None, what
    engine.cancel(CancelOrder(order.order_id, TRADER))
    assert plain_report(order, venue.fill(10, 10)) is None, "a fill racing our cancel"
    engine.store.close()


def test_a_plain_ack_is_decided_as_the_general_rules_decide_it(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "a.sqlite3", id_prefix="OEMS")
    engine.submit(SubmitOrder(spec(qty=Decimal(100), account=ACCOUNT), TRADER, cl_ord_id=ClOrdId("A-1")))
    order = engine.ledger.get(OrderId("A-1"))
    assert order is not None
    ack = VenueOrder("A-1", 100).ack()
    fast = plain_report(order, ack)
    assert fast is not None
    assert [fast] == execution_events(order, ack)
    engine.apply_venue_messages([ack])
    assert order.status is OrderStatus.NEW
    assert plain_report(order, ack) is None, "a duplicate ack"
    engine.store.close()


def test_an_ack_that_is_not_plain_is_left_to_the_general_rules(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "a.sqlite3", id_prefix="OEMS")
    engine.submit(SubmitOrder(spec(qty=Decimal(100), account=ACCOUNT), TRADER, cl_ord_id=ClOrdId("A-1")))
    order = engine.ledger.get(OrderId("A-1"))
    assert order is not None
    venue = VenueOrder("A-1", 100)
    assert plain_report(order, dataclasses.replace(venue.ack(), cum_qty=Decimal(10))) is None, "a CumQty of fills"
    engine.cancel(CancelOrder(order.order_id, TRADER))
    assert plain_report(order, venue.ack()) is None, "an ack racing our cancel"
    engine.store.close()


def test_a_fill_whose_bust_came_first_is_left_to_the_general_rules(tmp_path: Path) -> None:
    engine, order, venue = _working(tmp_path)
    fill = venue.fill(30, 10)
    engine.apply_venue_messages([venue.bust(fill)])
    assert plain_report(order, fill) is None
    engine.store.close()


class _Venue:
    """The venue's side of the stream: each order's reports so far and what the desk asked of it."""

    def __init__(self, orders: Sequence[VenueOrder]) -> None:
        self.orders = list(orders)
        self.sent: list[ExecutionReport] = []
        self.fills: list[tuple[int, ExecutionReport]] = []
        self.pending: dict[int, tuple[RequestKind, ClOrdId, Decimal]] = {}
        self.held: list[ExecutionReport] = []
        """Fills sent but not yet arrived: they come after later reports (a bust of one may come first)."""

    def sends(self, report: ExecutionReport) -> ExecutionReport:
        self.sent.append(report)
        return report


def _draw_step(data: st.DataObject, venue: _Venue) -> tuple[str, object]:
    """One step of the stream: ("messages", [...]) for the venue's, or ("command", cmd) for the desk's."""
    i = data.draw(st.integers(0, len(venue.orders) - 1))
    side, order_id = venue.orders[i], OrderId(f"S-{i}")
    step = data.draw(
        st.sampled_from(["fill", "fill", "fill", "fill", "again", "bust", "correct", "skew", "cancel", "replace"])
        | st.sampled_from(["answer", "refuse", "end", "batch", "hold", "overtaken", "release", "zero", "lost", "ack"])
    )
    if step in ("cancel", "replace", "lost"):
        return "command", _desk_step(data, step, order_id)
    if step in ("answer", "refuse") and i in venue.pending:
        return "messages", [_answer(venue, i, accept=step == "answer")]
    if step == "ack":  # early, late, again, or after fills (a CumQty of its own)
        return "messages", [venue.sends(side.ack())]
    if step == "end":
        return "messages", [venue.sends(side.report(ExecType.EXPIRED, OrderStatus.EXPIRED))]
    if step == "hold":
        fill = side.fill(data.draw(st.integers(1, 30)), 100)
        venue.fills.append((i, fill))
        venue.held.append(venue.sends(fill))
        return "messages", []
    if step == "overtaken":  # a fill busted at once, the bust arriving first
        fill = side.fill(data.draw(st.integers(1, 30)), 100)
        venue.held.append(venue.sends(fill))
        return "messages", [venue.sends(side.bust(fill))]
    if step == "release" and venue.held:
        return "messages", [venue.held.pop(data.draw(st.integers(0, len(venue.held) - 1)))]
    return "messages", _trades(data, venue, i, step)


def _trades(data: st.DataObject, venue: _Venue, i: int, step: str) -> list[ExecutionReport]:
    """The venue's trade reports of one step for order ``i``: fills, busts, corrections, odd restatements."""
    side = venue.orders[i]
    if step == "zero":  # a trade of nothing, restating CumQty with another exponent
        zero = side.report(ExecType.TRADE, OrderStatus.PARTIALLY_FILLED, last_px=Decimal(100))
        return [venue.sends(dataclasses.replace(zero, cum_qty=side.cum.quantize(Decimal("0.01"))))]
    if step == "fill" or (step in ("bust", "correct") and not venue.fills):
        fill = side.fill(data.draw(st.integers(1, 60)), data.draw(st.integers(95, 105)))  # may overrun the order
        venue.fills.append((i, fill))
        return [venue.sends(fill)]
    if step == "again" and venue.sent:  # a duplicate, or a report overtaken by later ones
        return [data.draw(st.sampled_from(venue.sent))]
    if step == "bust":  # as often as not, of the newest fill: when that one is still held, its bust comes first
        newest = data.draw(st.booleans())
        j, fill = venue.fills.pop(-1 if newest else data.draw(st.integers(0, len(venue.fills) - 1)))
        return [venue.sends(venue.orders[j].bust(fill))]
    if step == "correct":
        j, fill = venue.fills.pop(data.draw(st.integers(0, len(venue.fills) - 1)))
        corrected = venue.orders[j].correct(fill, data.draw(st.integers(0, 40)), 100)
        venue.fills.append((j, corrected))
        return [venue.sends(corrected)]
    if step == "skew":  # a CumQty that our fills do not add up to
        fill = side.fill(data.draw(st.integers(1, 20)), 100)
        return [venue.sends(dataclasses.replace(fill, cum_qty=fill.cum_qty + 1))]
    fills = [side.fill(data.draw(st.integers(1, 20)), 100) for _ in range(data.draw(st.integers(1, 5)))]
    return [venue.sends(f) for f in data.draw(st.permutations(fills))]  # a burst, out of order


def _desk_step(data: st.DataObject, step: str, order_id: OrderId) -> object:
    """What the desk does in one step: cancel or amend the order, or lose the line to its venue."""
    if step == "cancel":
        return CancelOrder(order_id, TRADER)
    if step == "replace":
        return ReplaceOrder(order_id, Amendment(Decimal(data.draw(st.integers(1, 200))), limit_px=Decimal(100)), TRADER)
    return "line lost"


def _answer(venue: _Venue, i: int, *, accept: bool) -> VenueMessage:
    kind, cl_ord_id, qty = venue.pending.pop(i)
    side = venue.orders[i]
    if not accept:
        return side.reject_request(cl_ord_id, kind)
    if kind is RequestKind.CANCEL:
        return venue.sends(side.canceled(cl_ord_id))
    return venue.sends(side.replaced(cl_ord_id, max(qty, side.cum)))


def _changes(changes: ChangeSet) -> tuple[object, ...]:
    return [(r.seq, r.user, r.event) for r in changes.recorded], sorted(changes.orders), changes.dont_know


def _book(engine: Engine) -> tuple[object, ...]:
    book = engine.book
    positions = {key: (p, list(p.fills.items())) for key, p in book.positions.by_key.items()}
    views = {view.name: view.rows() for view in book.desk_views}
    ledger = book.ledger
    counters = (ledger.ids_issued, ledger.orphan_anomalies, ledger.by_cl_ord_id)
    return dict(ledger.orders), counters, positions, book.exposure.stakes, dict(book.exposure.sums), views


def _log(engine: Engine) -> list[tuple[object, ...]]:
    return [tuple(e) for e in engine.store.read()]


@given(st.integers(1, 3), st.lists(st.sampled_from(list(Side)), min_size=3, max_size=3), st.data())
def test_random_streams_give_the_same_events_and_book_with_or_without_the_fast_path(
    count: int, sides: list[Side], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fast, _ = open_engine(Path(tmp) / "fast.sqlite3", id_prefix="OEMS")
        general, _ = open_engine(Path(tmp) / "general.sqlite3", id_prefix="OEMS")
        venue = _Venue([VenueOrder(f"S-{i}", 100) for i in range(count)])
        for i in range(count):
            order_spec = spec(qty=Decimal(100), side=sides[i], account=ACCOUNT, limit_px=Decimal(100))
            for engine in (fast, general):
                engine.submit(SubmitOrder(order_spec, TRADER, cl_ord_id=ClOrdId(f"S-{i}")))
        acked = data.draw(st.lists(st.booleans(), min_size=count, max_size=count))  # the rest: acked (or not) later
        acks = [venue.sends(v.ack()) for v, ack in zip(venue.orders, acked, strict=True) if ack]
        steps: list[tuple[str, object]] = [("messages", acks)]
        steps += [_draw_step(data, venue) for _ in range(data.draw(st.integers(1, 25)))]
        for kind, what in steps:
            if kind == "command":
                _command(fast, what)
                _command(general, what)
                _note_request(fast, what, venue)
                continue
            assert isinstance(what, list)
            _deliver(fast, general, what)
        _deliver(fast, general, venue.held)  # what was held up arrives in the end
        assert _log(fast) == _log(general)
        live = _book(fast)
        fast.store.close()
        general.store.close()
        replayed, _ = open_engine(Path(tmp) / "fast.sqlite3", id_prefix="OEMS")
        assert _book(replayed) == live
        replayed.store.close()


def _deliver(fast: Engine, general: Engine, messages: Sequence[VenueMessage]) -> None:
    """Apply ``messages`` as one batch to both engines, the second without the fast path; they must agree."""
    fast_changes = fast.apply_venue_messages(messages)
    with mock.patch("app.engine.engine.plain_report", return_value=None):
        general_changes = general.apply_venue_messages(messages)
    assert _changes(fast_changes) == _changes(general_changes)
    assert _book(fast) == _book(general)


def _command(engine: Engine, cmd: object) -> None:
    if isinstance(cmd, CancelOrder):
        engine.cancel(cmd)
    elif isinstance(cmd, ReplaceOrder):
        engine.replace(cmd)
    else:
        engine.line_lost(next(iter(engine.ledger)).spec.destination)


def _note_request(engine: Engine, cmd: object, venue: _Venue) -> None:
    """The venue now holds the request the desk just sent (if it sent one), to answer it later."""
    if not isinstance(cmd, CancelOrder | ReplaceOrder):
        return
    order = engine.ledger.get(cmd.order_id)
    assert order is not None
    pending = order.pending
    i = int(cmd.order_id.removeprefix("S-"))
    if pending is not None and i not in venue.pending:
        qty = pending.amendment.qty if pending.amendment is not None else order.qty
        venue.pending[i] = (pending.kind, pending.cl_ord_id, qty)


def test_the_fast_path_is_taken_by_an_ack_and_a_fill_burst(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "b.sqlite3", id_prefix="OEMS")
    engine.submit(SubmitOrder(spec(qty=Decimal(1000), account=ACCOUNT), TRADER, cl_ord_id=ClOrdId("B-1")))
    order, venue = engine.ledger.get(OrderId("B-1")), VenueOrder("B-1", 1000)
    assert order is not None
    taken: list[bool] = []

    def watched(order: Order, report: ExecutionReport) -> ExecutionApplied | None:
        fill = plain_report(order, report)
        taken.append(fill is not None)
        return fill

    with mock.patch("app.engine.engine.plain_report", watched):
        engine.apply_venue_messages([venue.ack()] + [venue.fill(10, 100 + n) for n in range(20)])
    assert taken == [True] * 21
    assert order.cum_qty == 200
    engine.store.close()
