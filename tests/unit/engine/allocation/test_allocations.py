"""Block orders through the real engine and store: templates, proposals as versions, release moving positions
and locking, every refusal in words, and the same state after a restart with or without a snapshot."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.engine import positions
from app.engine.allocation.book import standing_fills
from app.engine.allocation.terms import (
    AllocationTemplate,
    CommissionBasis,
    CommissionRate,
    SettledFill,
    TargetBasis,
    TemplateLeg,
)
from app.engine.clock import FakeClock
from app.engine.commands import SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus, Side
from app.engine.events import (
    ActionRefused,
    AllocationProposed,
    AllocationReleased,
    AllocationTemplateSaved,
    AnomalyKind,
    AnomalyRecorded,
    BlockBasisSet,
    Event,
)
from app.engine.ids import AccountId, OrderId, UserId
from app.engine.order import Order, OrderSpec
from app.engine.order_timeline import order_timeline
from app.engine.recovery import decode_event
from app.engine.roles import Action
from app.engine.serialization import from_json, to_json
from app.engine.venue_messages import ExecutionReport
from tests.support.engine_kit import PM, SUPERVISOR, TRADER, VIEWER, open_engine, spec
from tests.support.reports import VenueOrder

D = Decimal
ACCOUNTS = ("BLOCK", "FUND1", "FUND2", "FUND3")
GROWTH = AllocationTemplate(
    "GROWTH",
    TargetBasis.PCT,
    (
        TemplateLeg(AccountId("FUND1"), D(50)),
        TemplateLeg(AccountId("FUND2"), D(30), D(2)),
        TemplateLeg(AccountId("FUND3"), D(20)),
    ),
    rate_bps=D(5),
)

BPS_10 = CommissionRate(D(10))


class BlockDesk:
    """A PM's desk: the GROWTH template and one block of 1000 bought for account BLOCK."""

    def __init__(self, path: Path, clock: FakeClock | None = None) -> None:
        self.path = path
        self.clock = clock or FakeClock()
        self.engine = self.open()
        assert self.engine.save_allocation_template(GROWTH, PM, ACCOUNTS).accepted
        result = self.engine.submit(SubmitOrder(self.spec(), PM, allocation_template="GROWTH"))
        assert result.accepted, result.message
        assert result.order_id is not None
        self.order_id: OrderId = result.order_id
        self.venue = VenueOrder(self.order_id, 1000)
        self.engine.apply_venue_messages([self.venue.ack()])

    def open(self) -> Engine:
        engine, _ = open_engine(self.path / "desk.sqlite3", clock=self.clock)
        return engine

    @staticmethod
    def spec() -> OrderSpec:
        return spec(qty=D(1000), account=AccountId("BLOCK"), trader=PM)

    def fill(self, qty: int, px: str) -> None:
        self.engine.apply_venue_messages([self.venue.fill(qty, D(px))])

    @property
    def order(self) -> Order:
        order = self.engine.ledger.get(self.order_id)
        assert order is not None
        return order

    def position(self, account: str) -> tuple[Decimal, Decimal]:
        position = self.engine.positions.get(AccountId(account), "AAPL")
        return position.net_qty, position.avg_cost

    def latest(self) -> AllocationProposed:
        version = self.engine.book.allocations.blocks[self.order_id].latest
        assert version is not None
        return version.proposed


@pytest.fixture
def desk(tmp_path: Path) -> BlockDesk:
    return BlockDesk(tmp_path)


def test_a_block_carries_its_template_as_its_pre_trade_basis(desk: BlockDesk) -> None:
    assert desk.engine.book.allocations.blocks[desk.order_id].basis == GROWTH
    kinds = [stored.kind for stored in desk.engine.store.read_order(desk.order_id)]
    assert kinds[:2] == ["OrderSubmitted", "BlockBasisSet"]  # recorded with the submit, in its order's timeline


def test_an_unknown_template_sends_nothing_and_says_which_exist(desk: BlockDesk) -> None:
    result = desk.engine.submit(SubmitOrder(spec(trader=PM), PM, allocation_template="VALUE"))
    assert not result.accepted
    assert "no allocation template VALUE" in result.message
    assert "GROWTH" in result.message


def test_templates_are_kept_by_pm_or_supervisor_only_and_name_desk_accounts(desk: BlockDesk) -> None:
    engine = desk.engine
    refused = engine.save_allocation_template(GROWTH, TRADER, ACCOUNTS)
    assert not refused.accepted
    assert "cannot allocate fills" in refused.message
    unknown = AllocationTemplate("X", TargetBasis.QTY, (TemplateLeg(AccountId("FUNDZ"), D(10)),))
    result = engine.save_allocation_template(unknown, SUPERVISOR, ACCOUNTS)
    assert not result.accepted
    assert "account FUNDZ is not one of this desk's accounts" in result.message
    off = AllocationTemplate("Y", TargetBasis.PCT, (TemplateLeg(AccountId("FUND1"), D(90)),))
    assert "add up to 90, not 100" in engine.save_allocation_template(off, PM, ACCOUNTS).message
    assert engine.remove_allocation_template("GROWTH", SUPERVISOR).accepted
    assert "GROWTH" not in engine.book.allocations.templates
    assert engine.book.allocations.blocks[desk.order_id].basis == GROWTH  # the block keeps its basis


def test_nothing_filled_or_not_a_block_or_no_permission_is_refused_in_words(desk: BlockDesk) -> None:
    engine = desk.engine
    assert "Nothing of" in engine.propose_allocation(desk.order_id, PM).message
    plain = engine.submit(SubmitOrder(spec(trader=PM), PM)).order_id
    assert plain is not None
    assert "is not a block order" in engine.propose_allocation(plain, PM).message
    desk.fill(100, "10")
    result = engine.propose_allocation(desk.order_id, VIEWER)
    assert not result.accepted
    assert "viewer cannot allocate fills" in result.message
    assert engine.propose_allocation(desk.order_id, TRADER).accepted is False
    refusals = [e for e in _logged(engine) if isinstance(e, ActionRefused)]
    assert [e.action for e in refusals] == [Action.ALLOCATE, Action.ALLOCATE]


def test_a_proposal_splits_the_fill_pro_rata_at_the_average_price(desk: BlockDesk) -> None:
    desk.fill(400, "10.01")
    desk.fill(333, "10.02")
    assert desk.engine.propose_allocation(desk.order_id, PM).accepted
    proposed = desk.latest()
    assert proposed.version == 1
    assert proposed.block_qty == D(733)
    assert proposed.user == PM
    assert [(leg.account, leg.qty) for leg in proposed.legs] == [
        ("FUND1", D(366)),  # 366.5, 219.9, 146.6: the two residual shares go to .9 and .6
        ("FUND2", D(220)),
        ("FUND3", D(147)),
    ]
    assert sum(leg.qty for leg in proposed.legs) == D(733)
    assert sum(leg.notional for leg in proposed.legs) == proposed.notional
    assert sum(leg.commission for leg in proposed.legs) == proposed.commission
    assert [leg.rate_bps for leg in proposed.legs] == [D(5), D(2), D(5)]
    assert proposed.avg_px == desk.order.avg_px


def test_edited_legs_make_a_new_version_and_may_not_exceed_the_fill(desk: BlockDesk) -> None:
    desk.fill(1000, "10")
    engine = desk.engine
    assert engine.propose_allocation(desk.order_id, PM).accepted
    too_much = [(AccountId("FUND1"), D(600)), (AccountId("FUND2"), D(401))]
    result = engine.propose_allocation(desk.order_id, PM, too_much)
    assert not result.accepted
    assert "add up to 1001, more than the 1000 filled" in result.message
    stranger = engine.propose_allocation(desk.order_id, PM, [(AccountId("ACC9"), D(1))])
    assert "ACC9 is not in" in stranger.message
    edited = [(AccountId("FUND1"), D(700)), (AccountId("FUND3"), D(200))]
    assert engine.propose_allocation(desk.order_id, PM, edited).accepted
    assert desk.latest().version == 2
    assert [(leg.account, leg.qty) for leg in desk.latest().legs] == edited


def test_release_moves_positions_to_each_fund_and_locks(desk: BlockDesk) -> None:
    desk.fill(600, "10")
    desk.fill(400, "10.05")
    engine = desk.engine
    assert desk.position("BLOCK") == (D(1000), D("10.02"))
    engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND1"), D(500)), (AccountId("FUND2"), D(300))])
    assert engine.release_allocation(desk.order_id, 1, PM).accepted
    assert desk.position("FUND1") == (D(500), D("10.02"))
    assert desk.position("FUND2") == (D(300), D("10.02"))
    assert desk.position("BLOCK") == (D(200), D("10.02"))  # what was not allocated stays in the block's account
    locked = engine.propose_allocation(desk.order_id, PM)
    assert not locked.accepted
    assert "released (version 1, by pm1) and is locked" in locked.message
    assert "locked" in engine.release_allocation(desk.order_id, 1, SUPERVISOR).message


def test_only_the_latest_version_made_after_the_last_fill_can_be_released(desk: BlockDesk) -> None:
    engine = desk.engine
    desk.fill(500, "10")
    engine.propose_allocation(desk.order_id, PM)
    engine.propose_allocation(desk.order_id, PM)
    assert "not the latest (2)" in engine.release_allocation(desk.order_id, 1, PM).message
    desk.fill(500, "11")
    stale = engine.release_allocation(desk.order_id, 2, PM)
    assert not stale.accepted
    assert "propose it again before releasing" in stale.message


def test_a_fill_after_release_leaves_the_allocation_alone_and_marks_it_out_of_date(desk: BlockDesk) -> None:
    engine = desk.engine
    desk.fill(500, "10")
    engine.propose_allocation(desk.order_id, PM)
    engine.release_allocation(desk.order_id, 1, PM)
    block = engine.book.allocations.blocks[desk.order_id]
    assert not block.out_of_date(desk.order)
    desk.fill(100, "10")
    assert block.out_of_date(desk.order)
    assert desk.latest().block_qty == D(500)
    assert desk.position("BLOCK") == (D(100), D(10))  # the late fill stays in the block's account
    assert desk.position("FUND1") == (D(250), D(10))


def test_a_sell_block_moves_short_positions(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "s.sqlite3")
    engine.save_allocation_template(GROWTH, PM, ACCOUNTS)
    order_id = engine.submit(
        SubmitOrder(spec(side=Side.SELL, account=AccountId("BLOCK"), trader=PM), PM, allocation_template="GROWTH")
    ).order_id
    assert order_id is not None
    venue = VenueOrder(order_id, 100)
    fill = venue.fill(100, D(10))
    engine.apply_venue_messages([venue.ack(), fill])
    engine.propose_allocation(order_id, UserId("super1"))
    engine.release_allocation(order_id, 1, SUPERVISOR)
    assert engine.positions.get(AccountId("FUND1"), "AAPL").net_qty == D(-50)
    assert engine.positions.get(AccountId("BLOCK"), "AAPL").net_qty == D(0)
    engine.apply_venue_messages([venue.correct(fill, 100, D("10.2"))])  # sold higher: each fund's short is repriced
    assert engine.propose_allocation(order_id, PM).accepted
    assert engine.release_allocation(order_id, 2, PM).accepted
    short = engine.positions.get(AccountId("FUND1"), "AAPL")
    assert (short.net_qty, short.avg_cost, short.realized_pnl) == (D(-50), D("10.2"), D(0))


def _logged(engine: Engine) -> list[Event]:
    return [decode_event(stored) for stored in engine.store.read()]


def _state(engine: Engine) -> tuple[object, ...]:
    positions = {
        key: (p.net_qty, p.avg_cost, p.realized_pnl) for key, p in engine.positions.by_key.items() if p.net_qty
    }
    return engine.book.allocations.rows(), positions


@pytest.mark.parametrize("snapshot", [True, False])
def test_allocations_and_moved_positions_survive_a_restart(desk: BlockDesk, snapshot: bool) -> None:
    engine = desk.engine
    desk.fill(700, "10.01")
    engine.propose_allocation(desk.order_id, PM)
    engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND2"), D(700))])
    engine.release_allocation(desk.order_id, 2, PM)
    desk.fill(300, "10")  # after release: out of date
    engine.propose_allocation(desk.order_id, PM)  # a supplement (version 3) of the late 300, released
    engine.release_allocation(desk.order_id, 3, PM)
    before = _state(engine)
    if snapshot:
        engine.close()
    else:
        engine.store.close()  # no snapshot: the next start replays the log
    again = desk.open()
    assert _state(again) == before
    block = again.book.allocations.blocks[desk.order_id]
    assert not block.out_of_date(again.ledger.orders[desk.order_id])
    assert [v.proposed.version for v in block.versions] == [1, 2, 3]
    assert [release.version for release, _ in block.releases] == [2, 3]
    assert "locked" in again.propose_allocation(desk.order_id, PM).message
    again.store.close()


def test_allocation_events_round_trip_through_the_log(desk: BlockDesk) -> None:
    desk.fill(1000, "10.013")
    desk.engine.propose_allocation(desk.order_id, PM)
    desk.engine.release_allocation(desk.order_id, 1, PM)
    kinds = (AllocationTemplateSaved, BlockBasisSet, AllocationProposed, AllocationReleased)
    events = [e for e in _logged(desk.engine) if isinstance(e, kinds)]
    assert len(events) == 4
    for event in events:
        assert from_json(type(event), to_json(event)) == event


def test_the_order_timeline_says_each_allocation_step_in_words(desk: BlockDesk) -> None:
    desk.fill(1000, "10")
    desk.engine.propose_allocation(desk.order_id, PM)
    desk.engine.release_allocation(desk.order_id, 1, PM)
    texts = [entry.what for entry in order_timeline(desk.engine.store, desk.order_id)]
    assert "Block order; allocation template GROWTH: FUND1 50%, FUND2 30%, FUND3 20%" in texts
    assert any(t.startswith("Allocation version 1 proposed: FUND1 500, FUND2 300, FUND3 200 at 10") for t in texts)
    assert any(t.startswith("Allocation version 1 released") for t in texts)


def _anomalies(engine: Engine) -> list[AnomalyRecorded]:
    return [e for e in _logged(engine) if isinstance(e, AnomalyRecorded)]


def test_a_fill_after_release_is_an_anomaly_naming_the_block_and_what_to_do(desk: BlockDesk) -> None:
    engine = desk.engine
    desk.fill(500, "10")
    assert not _anomalies(engine)  # fills before any release are ordinary
    engine.propose_allocation(desk.order_id, PM)
    engine.release_allocation(desk.order_id, 1, PM)
    desk.fill(100, "10.5")
    (anomaly,) = _anomalies(engine)
    assert anomaly.kind is AnomalyKind.ALLOCATION_OUT_OF_DATE
    assert anomaly.order_id == desk.order_id
    assert "late 100 stays in account BLOCK" in anomaly.detail
    assert "supplement" in anomaly.detail
    assert len(engine.book.anomalies.open) == 1


def test_a_supplement_allocates_only_the_late_fills_at_their_own_price(desk: BlockDesk) -> None:
    engine = desk.engine
    desk.fill(500, "10")
    engine.propose_allocation(desk.order_id, PM)
    engine.release_allocation(desk.order_id, 1, PM)
    desk.fill(60, "10.5")
    desk.fill(41, "10.25")
    result = engine.propose_allocation(desk.order_id, PM)
    assert result.accepted, result.message
    supplement = desk.latest()
    assert supplement.is_supplement
    assert supplement.qty == D(101)
    assert supplement.released_qty == D(500)
    assert supplement.px == D("10.39851485")  # 1,050.25 / 101 = 10.3985148514... to 8 places, half-even
    assert [(leg.account, leg.qty) for leg in supplement.legs] == [("FUND1", D(51)), ("FUND2", D(30)), ("FUND3", D(20))]
    assert sum(leg.notional for leg in supplement.legs) == supplement.notional == D("1050.25")
    assert engine.release_allocation(desk.order_id, supplement.version, PM).accepted
    assert desk.position("BLOCK")[0] == D(0)
    assert desk.position("FUND1")[0] == D(250 + 51)
    total = sum(desk.position(account)[0] for account in ACCOUNTS)
    assert total == desk.order.cum_qty
    assert "locked" in engine.propose_allocation(desk.order_id, PM).message  # nothing late any more


def test_a_supplement_keeps_what_the_first_release_left_unallocated(desk: BlockDesk) -> None:
    engine = desk.engine
    desk.fill(500, "10")
    engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND1"), D(400))])
    engine.release_allocation(desk.order_id, 1, PM)
    desk.fill(100, "11")
    engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND2"), D(100))])
    engine.release_allocation(desk.order_id, 2, PM)
    assert desk.position("BLOCK") == (D(100), D(10))  # the first release's unallocated 100, at its price
    assert desk.position("FUND2") == (D(100), D(11))


@pytest.mark.parametrize("restart", [False, True])
def test_a_block_filled_on_earlier_days_moves_whole_when_released_later(tmp_path: Path, restart: bool) -> None:
    """A position keeps only its day's fills: the block's earlier days' fills must still leave its account."""
    day = 24 * 3600
    desk = BlockDesk(tmp_path, FakeClock(datetime(2026, 11, 2, 15, tzinfo=UTC)))
    desk.fill(300, "10")
    desk.clock.advance(day)
    desk.fill(200, "11")  # a new trading day: the position folds the first day's fill into its opening
    assert desk.engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND1"), D(500))]).accepted
    desk.clock.advance(day)
    if restart:
        desk.engine.snapshot()
        desk.engine.close()
        desk.engine = desk.open()
    assert desk.engine.release_allocation(desk.order_id, 1, PM).accepted
    assert desk.position("BLOCK") == (D(0), D(0))
    assert desk.position("FUND1") == (D(500), D("10.4"))
    desk.fill(100, "12")
    desk.clock.advance(day)
    assert desk.engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND2"), D(100))]).accepted
    assert desk.engine.release_allocation(desk.order_id, 2, PM).accepted
    assert desk.position("BLOCK") == (D(0), D(0))
    assert desk.position("FUND2") == (D(100), D(12))
    block = desk.engine.positions.get(AccountId("BLOCK"), "AAPL")
    assert (block.bought_qty, block.realized_pnl) == (D(0), D(0))  # never bought for itself, nothing realised


def test_a_release_days_later_moves_shares_without_realising_anything(tmp_path: Path) -> None:
    """A release is a transfer: the block's account keeps what it held besides the block, at its own cost."""
    day = 24 * 3600
    desk = BlockDesk(tmp_path, FakeClock(datetime(2026, 11, 2, 15, tzinfo=UTC)))
    own = desk.engine.submit(SubmitOrder(spec(qty=D(100), account=AccountId("BLOCK"), trader=PM), PM))
    assert own.order_id is not None
    held = VenueOrder(own.order_id, 100)
    desk.engine.apply_venue_messages([held.ack(), held.fill(40, D(20))])
    desk.fill(100, "10")
    desk.clock.advance(day)
    desk.engine.apply_venue_messages([held.fill(60, D(20))])  # a fill on the next trading day
    assert desk.engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND1"), D(100))]).accepted
    assert desk.engine.release_allocation(desk.order_id, 1, PM).accepted
    block = desk.engine.positions.get(AccountId("BLOCK"), "AAPL")
    assert (block.net_qty, block.avg_cost, block.realized_pnl) == (D(100), D(20), D(0))
    assert desk.position("FUND1") == (D(100), D(10))


def test_a_supplement_refuses_more_than_filled_since_release_and_a_bust(desk: BlockDesk) -> None:
    engine = desk.engine
    desk.fill(500, "10")
    engine.propose_allocation(desk.order_id, PM)
    engine.release_allocation(desk.order_id, 1, PM)
    nothing = engine.propose_allocation(desk.order_id, PM)
    assert "Nothing has filled since" in nothing.message
    late = desk.venue.fill(100, D(10))
    engine.apply_venue_messages([late])
    too_much = engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND1"), D(101))])
    assert not too_much.accepted
    assert "more than the 100 filled of" in too_much.message
    assert "since the release" in too_much.message
    engine.apply_venue_messages([desk.venue.bust(late)])
    assert "Nothing has filled since" in engine.propose_allocation(desk.order_id, PM).message  # back as released


def _released_200(desk: BlockDesk) -> ExecutionReport:
    """100 at 10 and 100 at 11 filled and released pro rata (FUND1 100, FUND2 60, FUND3 40 at 10.5); the first fill."""
    first = desk.venue.fill(100, D(10))
    desk.engine.apply_venue_messages([first, desk.venue.fill(100, D(11))])
    assert desk.engine.propose_allocation(desk.order_id, PM).accepted
    assert desk.engine.release_allocation(desk.order_id, 1, PM).accepted
    return first


def _settles(desk: BlockDesk) -> AllocationProposed:
    """Propose and release the next version (a corrective one or a supplement); the version."""
    result = desk.engine.propose_allocation(desk.order_id, PM)
    assert result.accepted, result.message
    assert desk.engine.release_allocation(desk.order_id, desk.latest().version, PM).accepted
    return desk.latest()


def _funds(desk: BlockDesk) -> dict[str, tuple[Decimal, Decimal]]:
    """Each account's quantity and average cost to 8 places (the places an averaged price is stated to)."""
    return {account: (qty, cost.quantize(D("1e-8"))) for account in ACCOUNTS for qty, cost in [desk.position(account)]}


def _sums_to_the_block(desk: BlockDesk) -> None:
    assert sum(desk.position(account)[0] for account in ACCOUNTS) == desk.order.cum_qty
    assert not desk.engine.book.allocations.blocks[desk.order_id].out_of_date(desk.order)
    assert "Nothing has filled since" in desk.engine.propose_allocation(desk.order_id, PM).message


def test_a_bust_after_release_is_taken_back_from_the_funds_by_a_corrective_version(desk: BlockDesk) -> None:
    engine = desk.engine
    first = _released_200(desk)
    engine.apply_venue_messages([desk.venue.bust(first)])
    (anomaly,) = _anomalies(engine)
    assert f"(trade cancel of {first.exec_id}) changed block" in anomaly.detail
    assert "until a PM proposes and releases a corrective version" in anomaly.detail
    assert desk.position("FUND1") == (D(100), D("10.5"))  # the funds keep it until the corrective release
    corrective = _settles(desk)
    assert corrective.corrects == 1
    assert (corrective.qty, corrective.px) == (D(-100), D(10))  # what the bust took, at the busted fill's price
    assert [(leg.account, leg.qty) for leg in corrective.legs] == [
        ("FUND1", D(-50)),
        ("FUND2", D(-30)),
        ("FUND3", D(-20)),
    ]
    assert corrective.notional == D(-1000)
    texts = [entry.what for entry in order_timeline(engine.store, desk.order_id)]
    said = f"corrects version 1 for the bust of {first.exec_id}: FUND1 -50, FUND2 -30, FUND3 -20 at 10"
    assert any(said in text for text in texts)
    # Each fund now holds its part of what the block stands at (100 at 11): a bust is not a trade, nothing realised.
    assert _funds(desk) == {"BLOCK": (0, 0), "FUND1": (50, 11), "FUND2": (30, 11), "FUND3": (20, 11)}
    assert all(engine.positions.get(AccountId(a), "AAPL").realized_pnl == 0 for a in ACCOUNTS)
    _sums_to_the_block(desk)


def test_blocks_release_and_correct_exactly_when_positions_hold_only_their_latest_fill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Releases and a corrective version read the fills positions let go of back from the log: the same figures."""
    figures, let_go = [], []
    for keep in (positions.KEEP, 1):
        monkeypatch.setattr(positions, "KEEP", keep)
        monkeypatch.setattr(positions, "CROWDED", 2 * keep)
        (tmp_path / str(keep)).mkdir()
        desk = BlockDesk(tmp_path / str(keep))
        first = desk.venue.fill(40, D(10))
        desk.engine.apply_venue_messages([first])
        for round_ in range(3):  # a release, then two supplements: each fund holds three moved fills
            for n in range(4):
                desk.fill(30 + n, f"1{round_}.{n}5")
            _settles(desk)
        let_go.append(sum(desk.engine.positions.get(AccountId(a), "AAPL").earlier for a in ACCOUNTS))
        desk.engine.apply_venue_messages([desk.venue.bust(first)])
        _settles(desk)
        figures.append({a: desk.engine.positions.get(AccountId(a), "AAPL").totals() for a in ACCOUNTS})
        desk.engine.reload()
        assert {a: desk.engine.positions.get(AccountId(a), "AAPL").totals() for a in ACCOUNTS} == figures[-1]
    assert let_go[0] == 0
    assert let_go[1] > 0
    assert figures[0] == figures[1]


@pytest.mark.parametrize(
    ("qty", "px", "moved", "legs", "funds"),
    [
        # up: 150 at 10.20 stands where 100 at 10 was released, so +50 at (1,530 - 1,000) / 50 = 10.6
        (150, "10.2", (D(50), D("10.6")), (25, 15, 10), {"FUND1": (125, "10.52"), "FUND2": (75, "10.52")}),
        # down: 50 at 10 stands, so -50 at 10; the funds hold their part of 50 at 10 + 100 at 11
        (50, "10", (D(-50), D(10)), (-25, -15, -10), {"FUND1": (75, "10.66666667"), "FUND3": (30, "10.66666667")}),
    ],
)
def test_a_correction_after_release_moves_the_difference_at_its_own_price(
    desk: BlockDesk, qty: int, px: str, moved: tuple[Decimal, Decimal], legs: tuple[int, ...], funds: dict[str, Any]
) -> None:
    first = _released_200(desk)
    desk.engine.apply_venue_messages([desk.venue.correct(first, qty, D(px))])
    corrective = _settles(desk)
    assert (corrective.qty, corrective.px) == moved
    assert [leg.qty for leg in corrective.legs] == [D(q) for q in legs]
    assert corrective.corrected == (first.exec_id,)
    for account, (held, cost) in funds.items():
        assert _funds(desk)[account] == (D(held), D(cost))
    _sums_to_the_block(desk)


def test_versions_after_a_release_name_only_the_fills_that_changed(desk: BlockDesk) -> None:
    """A block's later versions do not grow with its fill count: each names what changed since the release."""
    fills = [desk.venue.fill(10, D(10) + D(i) / 100) for i in range(40)]
    desk.engine.apply_venue_messages(fills)
    first = _settles(desk)
    assert len(first.settled) == 40
    desk.engine.apply_venue_messages([desk.venue.bust(fills[3]), desk.venue.correct(fills[7], 20, D("10.5"))])
    corrective = _settles(desk)
    assert (corrective.since, corrective.busted, corrective.corrected) == (1, (fills[3].exec_id,), (fills[7].exec_id,))
    assert corrective.settled == (SettledFill(fills[7].exec_id, D(20), D("10.5")),)
    desk.fill(30, "12")
    supplement = _settles(desk)
    assert (supplement.since, [fill.px for fill in supplement.settled]) == (corrective.version, [D(12)])
    block = desk.engine.book.allocations.blocks[desk.order_id]
    assert block.settled(desk.order) == standing_fills(desk.order)  # the whole set, rebuilt from the changes
    _sums_to_the_block(desk)


def _corrected_then_late(desk: BlockDesk) -> None:
    """Released 200; the first fill corrected down to 50, then a late fill of 100 at 12."""
    first = _released_200(desk)
    desk.engine.apply_venue_messages([desk.venue.correct(first, 50, D(10))])
    desk.fill(100, "12")


def test_a_correction_then_a_late_fill_are_settled_in_turn_at_their_own_prices(desk: BlockDesk) -> None:
    _corrected_then_late(desk)
    engine = desk.engine
    edited = engine.propose_allocation(desk.order_id, PM, [(AccountId("FUND1"), D(-50))])
    assert not edited.accepted
    assert "goes pro rata by the released legs (FUND1 -25, FUND2 -15, FUND3 -10)" in edited.message
    assert "it cannot be edited" in edited.message
    corrective = _settles(desk)  # the correction first: it has its own price and goes by the released legs
    assert (corrective.is_corrective, corrective.qty, corrective.px) == (True, D(-50), D(10))
    assert desk.engine.book.allocations.blocks[desk.order_id].out_of_date(desk.order)  # the late fill is still due
    assert desk.position("BLOCK") == (D(100), D(12))
    supplement = _settles(desk)
    assert (supplement.is_corrective, supplement.qty, supplement.px) == (False, D(100), D(12))  # not 11.2
    assert [leg.qty for leg in supplement.legs] == [D(50), D(30), D(20)]
    # 50 at 10 + 100 at 11 + 100 at 12 stand: 2,800 / 250 = 11.2, and each fund holds its part at that price.
    assert _funds(desk) == {
        "BLOCK": (0, 0),
        "FUND1": (125, D("11.2")),
        "FUND2": (75, D("11.2")),
        "FUND3": (50, D("11.2")),
    }
    _sums_to_the_block(desk)


@pytest.mark.parametrize(("px", "by", "cost"), [("10.1", "+0.05", "10.55"), ("9.99", "-0.005", "10.495")])
def test_a_correction_in_price_only_reprices_each_funds_holding_by_the_difference(
    desk: BlockDesk, px: str, by: str, cost: str
) -> None:
    first = _released_200(desk)
    desk.engine.apply_venue_messages([desk.venue.correct(first, 100, D(px))])
    corrective = _settles(desk)
    # 100 at 10 became 100 at ``px``: the 200 released cost (px - 10) * 100 more, so each share costs that over 200.
    assert (corrective.reprices, corrective.qty, corrective.px) == (True, D(0), D(by))
    assert [(leg.account, leg.qty) for leg in corrective.legs] == [
        ("FUND1", D(100)),
        ("FUND2", D(60)),
        ("FUND3", D(40)),
    ]
    assert corrective.notional == (D(px) - 10) * 100
    assert _funds(desk) == {"BLOCK": (0, 0), "FUND1": (100, D(cost)), "FUND2": (60, D(cost)), "FUND3": (40, D(cost))}
    assert all(desk.engine.positions.get(AccountId(a), "AAPL").realized_pnl == 0 for a in ACCOUNTS)
    said = f"corrects version 1 for the correction of {first.exec_id} in price: FUND1 100, FUND2 60, FUND3 40 repriced"
    assert any(said in entry.what for entry in order_timeline(desk.engine.store, desk.order_id))
    _sums_to_the_block(desk)


def test_a_supplement_never_prices_late_fills_the_desk_has_not_received(desk: BlockDesk) -> None:
    _released_200(desk)
    desk.venue.fill(100, D(12))  # the venue filled 100 more, but that report never reached the desk
    desk.engine.apply_venue_messages([desk.venue.report(ExecType.ORDER_STATUS, OrderStatus.PARTIALLY_FILLED)])
    assert desk.order.cum_qty == D(300)
    refused = desk.engine.propose_allocation(desk.order_id, PM)
    assert not refused.accepted
    assert "no fill since version 1 was released (200 at 10.5) has reached the desk" in refused.message
    assert "ask the venue for the missing fills" in refused.message


@pytest.mark.parametrize("snapshot", [True, False])
def test_corrective_versions_and_their_moves_survive_a_restart(desk: BlockDesk, snapshot: bool) -> None:
    _corrected_then_late(desk)
    _settles(desk)
    before = _state(desk.engine)
    if snapshot:
        desk.engine.close()
    else:
        desk.engine.store.close()
    again = desk.open()
    assert _state(again) == before
    block = again.book.allocations.blocks[desk.order_id]
    assert block.out_of_date(again.ledger.orders[desk.order_id])  # the late fill is still to settle, after a restart
    desk.engine = again
    supplement = _settles(desk)
    assert (supplement.qty, supplement.px) == (D(100), D(12))
    _sums_to_the_block(desk)
    proposed = [e for e in _logged(again) if isinstance(e, AllocationProposed)]
    assert all(from_json(AllocationProposed, to_json(e)) == e for e in proposed)
    again.store.close()


def test_a_release_logged_before_versions_named_their_fills_still_prices_late_fills_alone(desk: BlockDesk) -> None:
    """Versions in older logs name no fills: the release is taken to cover the first fills up to its quantity."""
    engine = desk.engine
    desk.fill(300, "10")
    desk.fill(200, "11")
    engine.propose_allocation(desk.order_id, PM)
    engine.release_allocation(desk.order_id, 1, PM)
    block = engine.book.allocations.blocks[desk.order_id]
    old = block.versions[0]
    block.versions[0] = replace(old, proposed=replace(old.proposed, settled=()))  # as an older log restores it
    assert not block.out_of_date(desk.order)
    desk.fill(100, "12")
    supplement = _settles(desk)
    assert (supplement.qty, supplement.px) == (D(100), D(12))
    _sums_to_the_block(desk)


def test_a_pm_sets_each_legs_commission_in_bps_or_per_share_and_a_corrective_version_refunds_at_it(
    desk: BlockDesk,
) -> None:
    engine = desk.engine
    first = desk.venue.fill(100, D("10.5"))
    engine.apply_venue_messages([first, desk.venue.fill(100, D("10.5"))])
    rates = {AccountId("FUND1"): CommissionRate(D("0.02"), CommissionBasis.PER_SHARE), AccountId("FUND3"): BPS_10}
    assert engine.propose_allocation(desk.order_id, PM, None, rates).accepted
    proposed = desk.latest()
    # FUND1 100 at 0.02 a share = 2; FUND2 630 at the template's 2 bps = 0.126; FUND3 420 at 10 bps = 0.42.
    assert [(str(leg.rate), leg.commission) for leg in proposed.legs] == [
        ("0.02 per share", D("2.00")),
        ("2 bps", D("0.13")),
        ("10 bps", D("0.42")),
    ]
    assert proposed.commission == D("2.55")  # 2.546, and the parts sum to it
    assert from_json(AllocationProposed, to_json(proposed)) == proposed  # the rates are part of the audited version
    assert engine.release_allocation(desk.order_id, 1, PM).accepted
    engine.apply_venue_messages([desk.venue.bust(first)])
    corrective = _settles(desk)
    assert [(leg.account, leg.qty, leg.commission) for leg in corrective.legs] == [
        ("FUND1", D(-50), D("-1.00")),  # 50 shares back at 0.02: refunded at the rate the fund was charged
        ("FUND2", D(-30), D("-0.06")),  # -0.063
        ("FUND3", D(-20), D("-0.21")),  # 210 back at 10 bps
    ]


def test_commission_rates_are_checked_rounded_half_even_and_kept_by_a_corrective_version(desk: BlockDesk) -> None:
    engine = desk.engine
    first = _released_200(desk)
    negative = engine.propose_allocation(desk.order_id, PM, None, {AccountId("FUND1"): CommissionRate(D(-1))})
    assert not negative.accepted
    assert "The commission rate for FUND1 cannot be -1 bps" in negative.message
    engine.apply_venue_messages([desk.venue.bust(first)])
    changed = engine.propose_allocation(desk.order_id, PM, None, {AccountId("FUND1"): BPS_10})
    assert not changed.accepted
    assert "at the commission rates they were released at" in changed.message
    corrective = _settles(desk)
    assert [leg.rate for leg in corrective.legs] == [CommissionRate(D(5)), CommissionRate(D(2)), CommissionRate(D(5))]
    assert [leg.commission for leg in corrective.legs] == [D("-0.25"), D("-0.06"), D("-0.10")]  # refunded at them


@pytest.mark.parametrize(("per_share", "charged"), [("0.00125", "0.12"), ("0.00135", "0.14")])
def test_a_commission_of_half_a_cent_rounds_half_even(desk: BlockDesk, per_share: str, charged: str) -> None:
    desk.fill(100, "10")
    rate = CommissionRate(D(per_share), CommissionBasis.PER_SHARE)
    result = desk.engine.propose_allocation(
        desk.order_id, PM, [(AccountId("FUND1"), D(100))], {AccountId("FUND1"): rate}
    )
    assert result.accepted, result.message
    assert desk.latest().commission == D(charged)  # 0.125 -> 0.12, 0.135 -> 0.14


@pytest.mark.parametrize(
    ("typed", "rate"),
    [
        ("5", CommissionRate(D(5))),
        ("2.5 bps", CommissionRate(D("2.5"))),
        ("0.02/sh", CommissionRate(D("0.02"), CommissionBasis.PER_SHARE)),
        ("0.015 per share", CommissionRate(D("0.015"), CommissionBasis.PER_SHARE)),
        ("cheap", None),
    ],
)
def test_a_commission_rate_reads_as_typed(typed: str, rate: CommissionRate | None) -> None:
    assert CommissionRate.parse(typed) == rate
