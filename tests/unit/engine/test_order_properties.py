"""Properties over random venue stories delivered with duplicates and reordering.

A story is what a venue did to a few orders (acks, fills, busts, an ending); delivery repeats reports and
shuffles them, except that a bust never overtakes the reports the venue sent before it (a bust names the
fill it undoes and restates CumQty as of its own moment). After every report: CumQty never exceeds OrderQty
and never falls except on a bust, live orders keep LeavesQty = OrderQty - CumQty, a finished order stays
as it finished. At the end: positions and our tally equal the unique, unbusted fills, and a restart from the
log rebuilds exactly the same book.

A second property has the desk cancel and amend one order while the venue fills it: each request leaves the
order pending until the venue answers (Canceled, Replaced under the new ClOrdID, or a cancel reject), fills
may beat the answer, and reports arrive again. The same quantity invariants hold after every message, and
a refused request puts the order back where it stood, its last accepted ClOrdID current again.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.ids import AccountId, ClOrdId, OrderId
from app.engine.order import Amendment, Order, RequestKind
from app.engine.venue_messages import CancelReject, ExecutionReport, VenueMessage
from tests.support.engine_kit import TRADER, open_engine, spec
from tests.support.reports import VenueOrder

ACCOUNT = AccountId("ACC1")
ENDINGS = {
    "cancel": (ExecType.CANCELED, OrderStatus.CANCELED),
    "expire": (ExecType.EXPIRED, OrderStatus.EXPIRED),
    "done_for_day": (ExecType.DONE_FOR_DAY, OrderStatus.DONE_FOR_DAY),
}


@dataclass
class Story:
    """One order's reports in the venue's order, cut into segments at each bust."""

    qty: int
    side: Side
    segments: list[list[ExecutionReport]] = field(default_factory=list)
    standing: dict[str, Decimal] = field(default_factory=dict)
    """Signed quantity of each fill the venue still stands by, by ExecID."""


@st.composite
def stories(draw: st.DrawFn, cl_ord_id: str) -> Story:
    story = Story(draw(st.integers(1, 400)), draw(st.sampled_from(list(Side))))
    venue = VenueOrder(cl_ord_id, story.qty)
    segment = [venue.ack()]
    fills: list[ExecutionReport] = []
    for step in draw(st.lists(st.sampled_from(["fill", "fill", "bust", "end"]), max_size=10)):
        if step == "fill" and venue.cum < story.qty:
            size = draw(st.integers(1, int(story.qty - venue.cum)))
            fills.append(venue.fill(size, draw(st.integers(90, 110))))
            segment.append(fills[-1])
            story.standing[fills[-1].exec_id] = story.side.sign * Decimal(size)
        elif step == "bust" and fills:
            gone = fills.pop(draw(st.integers(0, len(fills) - 1)))
            story.segments.append(segment)
            segment = [venue.bust(gone)]
            del story.standing[gone.exec_id]
        elif step == "end" and venue.cum < story.qty:
            exec_type, status = ENDINGS[draw(st.sampled_from(sorted(ENDINGS)))]
            segment.append(venue.report(exec_type, status))
            break
    story.segments.append(segment)
    return story


@st.composite
def deliveries(draw: st.DrawFn, story: Story) -> list[ExecutionReport]:
    """The story's reports as they arrive: shuffled within segments, some of them more than once."""
    arrived: list[ExecutionReport] = list(draw(st.permutations(story.segments[0])))
    for segment in story.segments[1:]:
        arrived += [segment[0], *draw(st.permutations(segment[1:]))]  # the bust itself leads its segment
    for _ in range(draw(st.integers(0, 4))):
        if arrived:
            first = draw(st.integers(0, len(arrived) - 1))
            arrived.insert(draw(st.integers(first + 1, len(arrived))), arrived[first])
    return arrived


@st.composite
def desks(draw: st.DrawFn) -> tuple[list[Story], list[ExecutionReport]]:
    """A few orders' stories, interleaved as one session would deliver them."""
    count = draw(st.integers(1, 3))
    tales = [draw(stories(f"P-{i}")) for i in range(count)]
    queues = [draw(deliveries(tale)) for tale in tales]
    merged: list[ExecutionReport] = []
    while any(queues):
        queue = draw(st.sampled_from([q for q in queues if q]))
        merged.append(queue.pop(0))
    return tales, merged


def _check_step(engine: Engine, report: ExecutionReport, before: dict[OrderId, tuple[OrderStatus, Decimal]]) -> None:
    for order in engine.ledger:
        status, cum = before[order.order_id]
        assert order.cum_qty <= order.qty
        if order.cum_qty < cum:
            assert report.exec_type is ExecType.TRADE_CANCEL
            assert report.cl_ord_id == order.order_id
        if order.status.is_live:
            assert order.leaves_qty == order.qty - order.cum_qty
        else:
            assert order.leaves_qty == 0
        if status.is_terminal:
            assert order.status is status


@given(desks())
def test_random_stories_keep_every_quantity_invariant(desk: tuple[list[Story], list[ExecutionReport]]) -> None:
    tales, arrivals = desk
    with tempfile.TemporaryDirectory() as tmp:
        engine, _ = open_engine(Path(tmp) / "p.sqlite3")
        for i, tale in enumerate(tales):
            order_spec = spec(qty=Decimal(tale.qty), side=tale.side, account=ACCOUNT, limit_px=Decimal(100))
            engine.submit(SubmitOrder(order_spec, TRADER, cl_ord_id=ClOrdId(f"P-{i}")))
        for report in arrivals:
            before = {o.order_id: (o.status, o.cum_qty) for o in engine.ledger}
            engine.apply_venue_messages([report])
            _check_step(engine, report, before)
        standing = sum((sum(t.standing.values(), Decimal(0)) for t in tales), Decimal(0))
        assert engine.positions.get(ACCOUNT, "AAPL").net_qty == standing
        for i, tale in enumerate(tales):
            order = engine.ledger.get(OrderId(f"P-{i}"))
            assert order is not None
            assert order.tally_qty == sum(abs(q) for q in tale.standing.values())
            assert order.cum_qty == order.tally_qty
        book = [(o.order_id, o.status, o.cum_qty, o.leaves_qty, o.avg_px, o.tally_qty) for o in engine.ledger]
        position = engine.positions.get(ACCOUNT, "AAPL")
        engine.store.close()
        engine, _ = open_engine(Path(tmp) / "p.sqlite3")
        assert [(o.order_id, o.status, o.cum_qty, o.leaves_qty, o.avg_px, o.tally_qty) for o in engine.ledger] == book
        assert engine.positions.get(ACCOUNT, "AAPL") == position
        engine.store.close()


class Amends:
    """The venue's side of one order that the desk cancels and amends: the venue acts on requests in turn."""

    def __init__(self, venue: VenueOrder) -> None:
        self.venue = venue
        self.accepted = venue.cl_ord_id
        """The ClOrdID the venue last accepted: current on our side whenever nothing is pending."""
        self.pending: tuple[RequestKind, ClOrdId, Decimal] | None = None
        self.closed = False
        self.sent: list[ExecutionReport] = []

    def answer(self, accept: bool) -> VenueMessage:
        """The venue's answer to the pending request: done (Canceled / Replaced under the new ClOrdID) or refused."""
        assert self.pending is not None
        kind, cl_ord_id, new_qty = self.pending
        self.pending = None
        if not accept or self.closed:  # the order filled while the request waited: too late to act on
            return self.venue.reject_request(cl_ord_id, kind)
        if kind is RequestKind.CANCEL:
            self.closed = True
            return self._sent(self.venue.canceled(cl_ord_id))
        self.accepted = ClOrdId(cl_ord_id)
        report = self.venue.replaced(cl_ord_id, max(new_qty, self.venue.cum))  # never below what has traded
        self.closed = self.venue.cum >= self.venue.qty
        return self._sent(report)

    def fill(self, qty: int, px: int) -> ExecutionReport:
        report = self.venue.fill(qty, px)
        self.closed = self.venue.cum >= self.venue.qty
        return self._sent(report)

    def _sent(self, report: ExecutionReport) -> ExecutionReport:
        self.sent.append(report)
        return report


def _restored_status(order: Order, prior: tuple[OrderStatus, Decimal]) -> OrderStatus:
    """Where a refused request leaves an order: as it stood when the request went (``prior``: status, CumQty),
    or where the fills since took it."""
    status, cum = prior
    if order.cum_qty == cum:
        return status
    return OrderStatus.FILLED if order.cum_qty >= order.qty else OrderStatus.PARTIALLY_FILLED


@given(st.integers(1, 400), st.sampled_from(list(Side)), st.data())
def test_cancels_and_replaces_keep_every_quantity_invariant_and_a_refusal_restores_the_order(
    qty: int, side: Side, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine, _ = open_engine(Path(tmp) / "a.sqlite3", id_prefix="OEMS")
        order_spec = spec(qty=Decimal(qty), side=side, account=ACCOUNT, limit_px=Decimal(100))
        result = engine.submit(SubmitOrder(order_spec, TRADER, cl_ord_id=ClOrdId("A-0")))
        assert result.order_id is not None
        order_id = result.order_id
        model = Amends(VenueOrder("A-0", qty))
        prior = (OrderStatus.NEW, Decimal(0))
        engine.apply_venue_messages([model._sent(model.venue.ack())])
        steps = ["fill", "cancel", "replace", "accept", "refuse", "again"]
        for step in data.draw(st.lists(st.sampled_from(steps), max_size=14)):
            order = engine.ledger.orders[order_id]
            before = (order.status, order.cum_qty)
            message: VenueMessage | None = None
            if step == "fill" and not model.closed:
                size = data.draw(st.integers(1, int(model.venue.qty - model.venue.cum)))
                message = model.fill(size, data.draw(st.integers(90, 110)))
            elif step in ("cancel", "replace") and not model.closed and model.pending is None:
                prior = before
                if step == "cancel":
                    assert engine.cancel(CancelOrder(order_id, TRADER)).accepted
                    model.pending = (RequestKind.CANCEL, order.chain[-1].cl_ord_id, Decimal(0))
                else:
                    new_qty = Decimal(data.draw(st.integers(1, qty + 99)))
                    new_qty += new_qty >= order.qty  # any quantity but the working one
                    amend = ReplaceOrder(order_id, Amendment(new_qty, Decimal(100)), TRADER)
                    assert engine.replace(amend).accepted
                    model.pending = (RequestKind.REPLACE, order.chain[-1].cl_ord_id, new_qty)
                assert order.status in (OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE)
                continue
            elif step in ("accept", "refuse") and model.pending is not None:
                message = model.answer(step == "accept")
            elif step == "again" and model.sent:
                message = model.sent[data.draw(st.integers(0, len(model.sent) - 1))]  # a duplicate
            if message is None:
                continue
            engine.apply_venue_messages([message])
            assert order.cum_qty <= order.qty
            assert order.cum_qty >= before[1]  # no busts here: CumQty never falls
            if order.status.is_live:
                assert order.leaves_qty == order.qty - order.cum_qty
            if before[0].is_terminal:
                assert order.status is before[0]
            if isinstance(message, CancelReject):
                assert order.pending is None
                assert order.cl_ord_id == model.accepted
                assert order.status is _restored_status(order, prior)
            if model.pending is None and not order.status.is_terminal:
                assert order.cl_ord_id == model.accepted
        order = engine.ledger.orders[order_id]
        assert order.cum_qty == model.venue.cum
        assert engine.positions.get(ACCOUNT, "AAPL").net_qty == side.sign * model.venue.cum
        engine.store.close()
