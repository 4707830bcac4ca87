"""The real desk (FixGateway + Engine) against the venue simulator running a fault script, over loopback.

One venue (SIMA: 2 ms acks, deep book, market makers) on a free port; each test names its fault script and
checks the desk's final state: order statuses, quantities, positions, each fill counted once.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.engine.clock import SystemClock
from app.engine.commands import CancelOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import OrderStatus, OrdType, Side
from app.engine.fix.alerts import AlertLevel
from app.engine.fix.config import SessionRole, default_config_path, load_config
from app.engine.fix.gateway import FixGateway
from app.engine.fix.message import parse_message
from app.engine.fix.session_fsm import SessionState
from app.engine.fix.tags import MsgType
from app.engine.fix.transport import Backoff
from app.engine.ids import AccountId, OrderId
from app.engine.order import Order
from app.venue.faults import parse_script
from app.venue.orders import OwnerId
from app.venue.simulator import Faults, SimulatedVenue, VenueSimulator
from tests.support.engine_kit import DESK, TRADER, PassGate, spec
from tests.support.ports import any_ports

ACCOUNT = AccountId("ACC1")
FAR_BELOW = Decimal("1.00")
"""A buy limit the market makers never come near: the order rests."""


@dataclasses.dataclass
class Desk:
    engine: Engine
    gateway: FixGateway
    venue: SimulatedVenue

    def buy(self, qty: int, limit: Decimal | None = None) -> OrderId:
        """A buy of ACME on SIMA: at market, or resting at ``limit``."""
        kind: dict[str, Any] = {"ord_type": OrdType.MARKET, "limit_px": None} if limit is None else {"limit_px": limit}
        order = spec(symbol="ACME", side=Side.BUY, qty=Decimal(qty), destination="SIMA", **kind)
        result = self.engine.submit(SubmitOrder(order, TRADER))
        assert result.accepted, result.message
        assert result.order_id is not None
        return result.order_id

    def order(self, oid: OrderId) -> Order:
        return self.engine.ledger.orders[oid]

    def position(self) -> Decimal:
        return self.engine.positions.get(ACCOUNT, "ACME").net_qty

    def counted(self, oid: OrderId) -> Decimal:
        """What the order's distinct, unbusted fills add up to."""
        return sum((f.qty for f in self.order(oid).fills.values() if not f.busted), Decimal(0))

    def sent_types(self) -> Counter[str]:
        """How many messages of each type the desk has sent on SIMA."""
        key = self.gateway.sessions["SIMA"].record.key
        return Counter(parse_message(raw).msg_type for _, raw in self.engine.store.outbound_messages(key, 1, None))

    def history(self, oid: OrderId) -> list[str]:
        return [event.kind for event in self.engine.store.read_order(str(oid))]

    async def until(self, condition: Callable[[], bool], seconds: float = 10.0) -> None:
        async with asyncio.timeout(seconds):
            while not condition():  # noqa: ASYNC110 - polls state that the code under test does not signal
                await asyncio.sleep(0.005)

    async def reaches(self, oid: OrderId, status: OrderStatus) -> None:
        await self.until(lambda: self.order(oid).status is status)

    def venue_status(self, oid: OrderId) -> OrderStatus | None:
        """The order as the venue's book has it (None while the venue has not taken it)."""
        book = self.venue.app.engine.book("ACME")
        assert book is not None
        state = book.find(OwnerId("SIMA"), self.order(oid).cl_ord_id)
        return None if state is None else state.status


@asynccontextmanager
async def desk_under(tmp_path: Path, script: str, mass_status: bool = True) -> AsyncIterator[Desk]:
    """The desk logged on to SIMA, whose order session follows ``script`` (``mass_status``: whether the desk asks
    after its orders with one OrderMassStatusRequest at logon, as shipped, or one OrderStatusRequest each)."""
    [config] = any_ports(tuple(c for c in load_config(default_config_path()) if c.name == "SIMA"))
    config = dataclasses.replace(config, mass_status=mass_status)
    assert config.role is SessionRole.ORDERS
    clock = SystemClock()
    simulator = VenueSimulator([config], clock, Faults(parse_script(script, "<test>")))
    await simulator.start()
    [config] = simulator.listening([config])
    gateway = FixGateway([config], clock, Backoff(0.02, 0.1))
    engine = Engine.open(tmp_path / "desk.db", clock=clock, gate=PassGate(), outbound=gateway, directory=DESK)
    gateway.attach(engine)
    await gateway.start()
    desk = Desk(engine, gateway, simulator.venues[0])
    try:
        await desk.until(lambda: gateway.sessions["SIMA"].state is SessionState.ACTIVE)
        yield desk
    finally:
        await gateway.stop()
        engine.close()
        await simulator.close()


def play(
    tmp_path: Path, script: str, story: Callable[[Desk], Coroutine[Any, Any, None]], mass_status: bool = True
) -> None:
    """Run ``story`` with the desk logged on to SIMA under ``script``."""

    async def scene() -> None:
        async with desk_under(tmp_path, script, mass_status) as desk:
            await story(desk)

    asyncio.run(scene())


def assert_counted_once(desk: Desk, oid: OrderId, qty: Decimal) -> None:
    order = desk.order(oid)
    assert order.cum_qty == qty
    assert desk.counted(oid) == qty
    assert desk.position() == qty


def test_duplicate_reports_by_possdup_and_possresend_are_applied_once(tmp_path: Path) -> None:
    script = "every fill: duplicate with possdup\nevery fill: duplicate with possresend\n"

    async def story(desk: Desk) -> None:
        oid = desk.buy(10)
        await desk.reaches(oid, OrderStatus.FILLED)
        await desk.until(lambda: desk.gateway.sessions["SIMA"].next_in >= 5)  # logon, ack, fill, its 97=Y copy
        assert_counted_once(desk, oid, Decimal(10))
        assert len(desk.order(oid).fills) == 1

    play(tmp_path, script, story)


def test_reports_out_of_order_are_put_back_in_sequence(tmp_path: Path) -> None:
    async def story(desk: Desk) -> None:
        oid = desk.buy(1200)  # more than any one level of the book holds: at least two fills
        await desk.reaches(oid, OrderStatus.FILLED)
        assert desk.gateway.sessions["SIMA"].stats.gaps == 1  # the 2nd fill came first: a gap, asked again
        assert len(desk.order(oid).fills) >= 2
        assert_counted_once(desk, oid, Decimal(1200))

    play(tmp_path, "1st fill: reorder\n", story)


def test_a_dropped_fill_is_asked_for_again_and_counted(tmp_path: Path) -> None:
    async def story(desk: Desk) -> None:
        oid = desk.buy(1200)
        await desk.reaches(oid, OrderStatus.FILLED)
        assert desk.gateway.sessions["SIMA"].stats.gaps == 1
        assert_counted_once(desk, oid, Decimal(1200))

    play(tmp_path, "1st fill: drop\n", story)


def test_a_garbled_fill_is_dropped_by_the_framer_and_recovered_by_resend(tmp_path: Path) -> None:
    async def story(desk: Desk) -> None:
        oid = desk.buy(1200)
        await desk.reaches(oid, OrderStatus.FILLED)
        stats = desk.gateway.sessions["SIMA"].stats
        assert (stats.garbled, stats.gaps) == (1, 1)
        assert_counted_once(desk, oid, Decimal(1200))

    play(tmp_path, "1st fill: garble\n", story)


def test_a_delayed_ack_leaves_the_order_pending_new_until_it_arrives(tmp_path: Path) -> None:
    async def story(desk: Desk) -> None:
        oid = desk.buy(10, FAR_BELOW)
        await desk.until(lambda: desk.venue_status(oid) is OrderStatus.NEW)  # the venue took it; the ack waits
        assert desk.order(oid).status is OrderStatus.PENDING_NEW
        await desk.reaches(oid, OrderStatus.NEW)
        assert desk.gateway.sessions["SIMA"].stats.gaps == 0  # nothing overtook it: no resend was needed
        assert desk.position() == 0

    play(tmp_path, "1st ack: delay 500ms\n", story)


def test_a_disconnect_before_the_ack_leaves_the_order_unknown_until_the_status_answer(tmp_path: Path) -> None:
    async def story(desk: Desk) -> None:
        oid = desk.buy(10, FAR_BELOW)
        await desk.until(lambda: "LineLost" in desk.history(oid))
        await desk.reaches(oid, OrderStatus.NEW)
        await desk.until(lambda: desk.gateway.sessions["SIMA"].state is SessionState.ACTIVE)
        assert desk.history(oid).count("LineLost") == 1
        assert desk.position() == 0
        filled = desk.buy(10)  # the line works again
        await desk.reaches(filled, OrderStatus.FILLED)
        assert desk.position() == 10

    play(tmp_path, "1st ack: disconnect before\n", story)


def test_after_a_reconnect_one_mass_status_request_answers_for_every_live_order(tmp_path: Path) -> None:
    """SIMA takes OrderMassStatusRequest (as shipped): after the line comes back the desk sends one 35=AF, the
    simulator's 150=I reports resolve the order left unknown and confirm the one resting, no 35=H is needed."""

    async def story(desk: Desk) -> None:
        resting = desk.buy(10, FAR_BELOW)
        await desk.reaches(resting, OrderStatus.NEW)
        oid = desk.buy(10, FAR_BELOW)
        await desk.until(lambda: "LineLost" in desk.history(oid))
        await desk.reaches(oid, OrderStatus.NEW)
        await desk.until(lambda: sum(kind == "ExecutionApplied" for kind in desk.history(resting)) == 2)
        sent = desk.sent_types()
        assert (sent[MsgType.ORDER_MASS_STATUS_REQUEST], sent[MsgType.ORDER_STATUS_REQUEST]) == (1, 0)
        assert desk.order(resting).status is OrderStatus.NEW

    play(tmp_path, "2nd ack: disconnect before\n", story)


def test_an_order_resent_at_logon_and_still_held_by_the_venue_stays_pending_new_to_the_status_answer(
    tmp_path: Path,
) -> None:
    """An order sent while the line is down goes out by resend at the next logon; the desk's OrderStatusRequest
    reaches the venue while the order still waits out its ack latency there. The venue answers pending new (39=A),
    so the order stays pending until the ack makes it NEW: never taken for lost, no anomaly, and cancelable."""

    async def story(desk: Desk) -> None:
        session = desk.gateway.sessions["SIMA"]
        await desk.until(lambda: session.state is not SessionState.ACTIVE)
        oid = desk.buy(10, FAR_BELOW)
        await desk.until(lambda: desk.venue_status(oid) is OrderStatus.NEW)
        await desk.until(lambda: desk.history(oid).count("ExecutionApplied") == 2)
        assert desk.sent_types()[MsgType.ORDER_STATUS_REQUEST] == 1
        order = desk.order(oid)
        assert (order.status, order.anomalies) == (OrderStatus.NEW, 0)
        assert desk.engine.cancel(CancelOrder(oid, TRADER)).accepted
        await desk.reaches(oid, OrderStatus.CANCELED)

    play(tmp_path, "at 300ms: disconnect\n", story, mass_status=False)


def test_an_unsolicited_cancel_ends_the_order_with_the_venues_reason(tmp_path: Path) -> None:
    async def story(desk: Desk) -> None:
        oid = desk.buy(10, FAR_BELOW)
        await desk.reaches(oid, OrderStatus.CANCELED)
        assert "CancelRequested" not in desk.history(oid)
        assert "canceled by the venue" in desk.order(oid).text
        assert desk.order(oid).cum_qty == 0
        assert desk.position() == 0

    play(tmp_path, "1st ack: unsolicited cancel\n", story)


def test_a_busted_trade_lowers_the_cum_qty_and_the_position(tmp_path: Path) -> None:
    async def story(desk: Desk) -> None:
        oid = desk.buy(10)
        await desk.until(lambda: any(f.busted for f in desk.order(oid).fills.values()))
        order = desk.order(oid)
        assert (order.cum_qty, desk.counted(oid), desk.position()) == (0, 0, 0)
        again = desk.buy(10)  # the next fill is not busted and counts
        await desk.reaches(again, OrderStatus.FILLED)
        assert desk.position() == 10

    play(tmp_path, "1st fill: bust\n", story)


def test_a_fill_racing_the_cancel_counts_and_the_too_late_answer_does_not_undo_it(tmp_path: Path) -> None:
    async def story(desk: Desk) -> None:
        oid = desk.buy(10, FAR_BELOW)
        await desk.reaches(oid, OrderStatus.NEW)
        assert desk.engine.cancel(CancelOrder(oid, TRADER)).accepted
        await desk.until(lambda: "RequestRejected" in desk.history(oid))
        order = desk.order(oid)
        assert order.status is OrderStatus.FILLED
        assert order.pending is None
        assert_counted_once(desk, oid, Decimal(10))
        assert order.avg_px == FAR_BELOW

    play(tmp_path, "1st cancel request: fill first\n", story)


def test_a_venue_restarting_with_a_wiped_store_stops_the_session_until_a_person_resets_it(tmp_path: Path) -> None:
    """FIX.md: a Logon at MsgSeqNum 1 when more was expected is "too low": the desk logs out, raises an alert
    (recorded in the event log), and does not reconnect on its own; after a person agrees a reset, the orders
    the venue still works are asked about again, nothing is lost and no fill is counted twice."""

    async def story(desk: Desk) -> None:
        resting = desk.buy(10, FAR_BELOW)
        await desk.reaches(resting, OrderStatus.NEW)
        oid = desk.buy(10)
        await desk.reaches(oid, OrderStatus.FILLED)
        session = desk.gateway.sessions["SIMA"]
        await desk.until(lambda: session.state is SessionState.STOPPED)  # its Logon came with 34=1: too low
        served = desk.venue.served["SIMA"]
        assert served.store.outbound_messages(served.session.record.key, 1, 2)[0][0] == 1  # the venue began again
        errors = [a.text for _, a in desk.gateway.alerts if a.level is AlertLevel.ERROR]
        assert any("MsgSeqNum too low, expecting" in text and "received 1" in text for text in errors)
        logged = [e for e in desk.engine.store.read() if e.kind == "SessionAlertRaised"]
        assert any("MsgSeqNum too low" in e.data for e in logged)
        await asyncio.sleep(0.3)  # several backoffs: a stopped session stays down until a person looks
        assert session.state is SessionState.STOPPED
        assert_counted_once(desk, oid, Decimal(10))

        session.request_reset()  # a person agreed a reset with the venue
        desk.gateway.initiators["SIMA"].resume()
        await desk.until(lambda: session.state is SessionState.ACTIVE)
        assert session.record.epoch == 2
        assert desk.order(resting).status is OrderStatus.NEW  # still working at the venue, and at the desk
        assert desk.engine.cancel(CancelOrder(resting, TRADER)).accepted
        await desk.reaches(resting, OrderStatus.CANCELED)
        again = desk.buy(10)
        await desk.reaches(again, OrderStatus.FILLED)
        assert desk.position() == 20
        assert (desk.counted(oid), desk.counted(again), desk.counted(resting)) == (10, 10, 0)

    play(tmp_path, "1st fill: restart with empty store\n", story)


def test_a_fill_the_venue_lost_with_its_store_shows_as_a_quantity_break_after_the_reset(tmp_path: Path) -> None:
    """The fill was stored but never written when the venue lost its store, so no resend can bring it: after
    the reset the desk's status request hears "filled": the order is filled, as the venue says, and the
    difference is recorded as a break, not as a fill (no price to count it at)."""

    async def story(desk: Desk) -> None:
        oid = desk.buy(10)
        session = desk.gateway.sessions["SIMA"]
        await desk.until(lambda: session.state is SessionState.STOPPED)
        assert desk.order(oid).cum_qty == 0
        session.request_reset()
        desk.gateway.initiators["SIMA"].resume()
        await desk.until(lambda: "AnomalyRecorded" in desk.history(oid))
        [anomaly] = [e.data for e in desk.engine.store.read_order(str(oid)) if e.kind == "AnomalyRecorded"]
        assert "quantity_break" in anomaly
        assert "The venue says 10 filled, our fills add up to 0" in anomaly
        assert (desk.counted(oid), desk.position()) == (0, 0)
        assert (desk.order(oid).status, desk.order(oid).cum_qty) == (OrderStatus.FILLED, 10)

    play(tmp_path, "1st fill: drop\n1st fill: restart with empty store\n", story)
