"""Foreign orders: a venue's status answer naming a working order the desk has no record of adopts it, once, as a
system-owned order the blotter shows, a supervisor can cancel and the kill switch catches; its fills from then on
book to a position, those before adoption do not; replay and snapshot give the same book."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.commands import CancelOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus, OrdType, Side, TimeInForce
from app.engine.events import ActionRefused, AnomalyKind, AnomalyRecorded, Event, ForeignOrderAdopted
from app.engine.foreign_orders import adoption_text, owner_label
from app.engine.ids import SYSTEM_USER, AccountId, OrderId
from app.engine.kill_terms import KillGrade, Scope, ScopeKind
from app.engine.order import Order
from app.engine.order_timeline import order_timeline
from app.engine.roles import Action, Role, allows
from app.engine.serialization import from_json, to_json
from app.engine.venue_messages import ExecutionReport, OrderTerms
from tests.support.engine_kit import PM, SUPERVISOR, TRADER, open_engine
from tests.support.reports import VenueOrder

S = OrderStatus
TERMS = OrderTerms(AccountId("ACC9"), OrdType.LIMIT, Decimal("24.25"), None, TimeInForce.DAY)


class ForeignVenue(VenueOrder):
    """A venue order placed by an earlier desk: its reports name the symbol, side, session and terms."""

    def __init__(self, cl_ord_id: str = "OEMSold-261122-7", qty: int = 100, session: str = "SIMC") -> None:
        super().__init__(cl_ord_id, qty)
        self.session = session

    def report(self, exec_type: ExecType, status: OrderStatus | None = None, **kw: object) -> ExecutionReport:
        plain = super().report(exec_type, status, **kw)  # type: ignore[arg-type]
        return dataclasses.replace(plain, symbol="BOLT", side=Side.BUY, session=self.session)

    def status(self, status: OrderStatus | None = None, terms: OrderTerms | None = TERMS) -> ExecutionReport:
        """Its status answer (150=I)."""
        live = S.PARTIALLY_FILLED if self.cum else S.NEW
        return dataclasses.replace(self.report(ExecType.ORDER_STATUS, status or live), terms=terms)


def _events(engine: Engine, *reports: ExecutionReport) -> list[Event]:
    return [r.event for r in engine.apply_venue_messages(list(reports)).recorded]


def _adopted(engine: Engine, venue: ForeignVenue) -> Order:
    return engine.ledger.orders[OrderId(venue.cl_ord_id)]


def test_a_live_status_answer_adopts_the_order_once_with_its_earlier_fills_on_it_but_in_no_position(
    tmp_path: Path,
) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    venue = ForeignVenue()
    venue.fill(30, 24)
    adopted, anomaly = _events(engine, venue.status())
    assert isinstance(adopted, ForeignOrderAdopted)
    assert isinstance(anomaly, AnomalyRecorded)
    assert anomaly.kind is AnomalyKind.FOREIGN_ORDER
    assert anomaly.order_id == venue.cl_ord_id
    assert "Adopted as order" in anomaly.detail
    assert "not booked" in anomaly.detail
    order = _adopted(engine, venue)
    assert (order.status, order.cum_qty, order.leaves_qty, order.break_qty) == (S.PARTIALLY_FILLED, 30, 70, 0)
    assert (order.spec.account, order.spec.limit_px, order.venue_order_id) == (
        "ACC9",
        Decimal("24.25"),
        "V-" + order.order_id,
    )
    assert order.spec.trader == SYSTEM_USER
    assert owner_label(order.spec) == "foreign (venue SIMC)"
    assert engine.positions.get(AccountId("ACC9"), "BOLT").net_qty == 0  # booked by whoever placed it
    again = _events(engine, venue.status())
    assert not any(isinstance(e, ForeignOrderAdopted | AnomalyRecorded) for e in again)  # read as a status answer
    assert len(engine.ledger) == 1
    assert engine.ledger.ids_issued == 0


def test_fills_after_adoption_book_to_the_position_like_any_order(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    venue = ForeignVenue()
    venue.fill(30, 24)
    _events(engine, venue.status())
    _events(engine, venue.fill(20, 25))
    assert engine.positions.get(AccountId("ACC9"), "BOLT").net_qty == 20
    order = _adopted(engine, venue)
    assert (order.status, order.cum_qty, order.break_qty) == (S.PARTIALLY_FILLED, 50, 0)


@pytest.mark.parametrize("status", [S.FILLED, S.CANCELED, S.EXPIRED, S.REJECTED])
def test_a_terminal_status_answer_keeps_only_the_anomaly(tmp_path: Path, status: OrderStatus) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    (anomaly,) = _events(engine, ForeignVenue().status(status))
    assert isinstance(anomaly, AnomalyRecorded)
    assert anomaly.order_id is None
    assert "Not adopted: the venue no longer works it" in anomaly.detail
    assert len(engine.ledger) == 0


def test_an_answer_that_does_not_say_the_order_type_is_not_adopted_and_says_so(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    (anomaly,) = _events(engine, ForeignVenue().status(terms=None))
    assert isinstance(anomaly, AnomalyRecorded)
    assert "does not give its OrdType (40)" in anomaly.detail
    assert len(engine.ledger) == 0


def test_a_supervisor_cancels_it_by_the_venues_clordid_and_orderid_and_traders_are_refused(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "desk.db")
    venue = ForeignVenue()
    _events(engine, venue.status())
    order_id = OrderId(venue.cl_ord_id)
    for user in (TRADER, PM):
        result = engine.cancel(CancelOrder(order_id, user))
        assert not result.accepted
        assert "cannot cancel foreign orders" in result.message
    refusals = [r for r in engine.store.read() if r.kind == ActionRefused.__name__]
    assert len(refusals) == 2
    assert engine.cancel(CancelOrder(order_id, SUPERVISOR)).accepted
    (cancel,) = outbound.sent
    assert (cancel.orig_cl_ord_id, cancel.venue_order_id, cancel.destination) == (
        venue.cl_ord_id,
        "V-" + order_id,
        "SIMC",
    )
    assert (cancel.symbol, cancel.side, cancel.qty, cancel.account) == ("BOLT", Side.BUY, 100, "ACC9")
    _events(engine, venue.canceled(cancel.cl_ord_id))
    assert _adopted(engine, venue).status is S.CANCELED


def test_the_role_table_lets_only_supervisors_cancel_foreign_orders() -> None:
    assert [role for role in Role if allows(role, Action.CANCEL_FOREIGN_ORDER)] == [Role.SUPERVISOR]


@pytest.mark.parametrize(
    ("scope", "mass"),
    [
        (Scope.everything(), False),
        (Scope(ScopeKind.VENUE, "SIMC"), True),
        (Scope(ScopeKind.ACCOUNT, "ACC9"), False),
        (Scope(ScopeKind.SYMBOL, "BOLT"), False),
    ],
)
def test_the_kill_switch_cancels_adopted_orders_in_scope_and_counts_them_until_confirmed(
    tmp_path: Path, scope: Scope, mass: bool
) -> None:
    engine, outbound = open_engine(tmp_path / "desk.db")
    if mass:
        outbound.mass_cancel_venues.add("SIMC")
    venues = [ForeignVenue("OLD-1"), ForeignVenue("OLD-2")]
    _events(engine, *(v.status() for v in venues))
    assert engine.engage_kill_switch(scope, KillGrade.CANCEL_WORKING, SUPERVISOR, scope.name, "wiped store").accepted
    (status,) = engine.kill_switch_status()
    assert (status.working, status.confirmed, status.unconfirmed) == (2, 0, 2)
    if mass:
        assert [m.destination for m in outbound.mass_cancels] == ["SIMC"]
    else:
        assert sorted(r.orig_cl_ord_id or "" for r in outbound.sent) == ["OLD-1", "OLD-2"]
    _events(engine, venues[0].canceled(venues[0].cl_ord_id))
    (status,) = engine.kill_switch_status()
    assert (status.confirmed, status.unconfirmed) == (1, 1)
    _events(engine, venues[1].canceled(venues[1].cl_ord_id))
    (status,) = engine.kill_switch_status()
    assert (status.confirmed, status.unconfirmed) == (2, 0)


def _book(engine: Engine) -> list[tuple[object, ...]]:
    return [
        (o.order_id, o.status, o.resume_status, o.cum_qty, o.tally_qty, o.leaves_qty, o.spec, o.venue_order_id,
         [(link.cl_ord_id, link.kind, link.outcome) for link in o.chain], o.anomalies)
        for o in engine.ledger
    ] + [(engine.ledger.ids_issued, engine.positions.get(AccountId("ACC9"), "BOLT").net_qty)]  # fmt: skip


@pytest.mark.parametrize("snapshot", [False, True])
def test_replay_and_snapshot_give_the_same_book(tmp_path: Path, snapshot: bool) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    venue = ForeignVenue()
    venue.fill(30, 24)
    _events(engine, venue.status())
    _events(engine, venue.fill(10, 25))
    before = _book(engine)
    if snapshot:
        engine.snapshot()
    engine.close()
    reopened, _ = open_engine(tmp_path / "desk.db")
    assert _book(reopened) == before


def test_the_adoption_round_trips_and_the_timeline_says_what_was_not_booked(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "desk.db")
    venue = ForeignVenue()
    venue.fill(30, 24)
    adopted, _ = _events(engine, venue.status())
    assert isinstance(adopted, ForeignOrderAdopted)
    assert from_json(ForeignOrderAdopted, to_json(adopted)) == adopted
    text = adoption_text(adopted)
    assert text is not None
    assert "SIMC" in text
    assert "30 filled" in text
    assert "not booked to any position" in text
    assert any(entry.what == text for entry in order_timeline(engine.store, venue.cl_ord_id))
