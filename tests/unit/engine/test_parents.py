"""Parent (care) orders through the real engine and store: staging, slicing within the parent's quantity, the
parent's figures from its children's fills, closing (with or without its children), role rules, and the same
parents after a restart with or without a snapshot."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.enums import ExecType, OrderStatus, Side, TimeInForce
from app.engine.events import ActionRefused, ParentClosed, ParentStaged
from app.engine.ids import AccountId, OrderId, UserId
from app.engine.order import Amendment
from app.engine.parent_terms import ParentSpec
from app.engine.parents import ParentFigures, ParentState
from app.engine.recovery import decode_event
from app.engine.roles import Action
from app.engine.serialization import from_json, to_json
from tests.support.engine_kit import DESKMATE, OTHER_TRADER, TRADER, VIEWER, open_engine, spec
from tests.support.reports import VenueOrder

D = Decimal


def parent_spec(**overrides: object) -> ParentSpec:
    base: dict[str, object] = {
        "symbol": "AAPL",
        "side": Side.BUY,
        "qty": D(1000),
        "account": AccountId("ACC1"),
        "trader": TRADER,
        "limit_px": D(10),
        "text": "work it through the day",
    }
    base.update(overrides)
    return ParentSpec(**base)  # type: ignore[arg-type]


class ParentDesk:
    """A trader's desk with one staged parent of 1000 AAPL; children are sliced and filled by ``VenueOrder``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = self.open()
        staged = self.engine.stage_parent(parent_spec(), TRADER)
        assert staged.accepted, staged.message
        assert staged.order_id is not None
        self.parent_id: OrderId = staged.order_id
        self.venues: dict[OrderId, VenueOrder] = {}

    def open(self) -> Engine:
        engine, _ = open_engine(self.path / "desk.sqlite3")
        return engine

    def slice(self, qty: int, user: UserId = TRADER, **overrides: object) -> OrderId:
        result = self.engine.submit(SubmitOrder(spec(qty=D(qty), parent_id=self.parent_id, **overrides), user))
        assert result.accepted, result.message
        assert result.order_id is not None
        venue = self.venues[result.order_id] = VenueOrder(result.order_id, qty)
        self.engine.apply_venue_messages([venue.ack()])
        return result.order_id

    def fill(self, child: OrderId, qty: int, px: str) -> None:
        self.engine.apply_venue_messages([self.venues[child].fill(qty, D(px))])

    def figures(self, engine: Engine | None = None) -> ParentFigures:
        engine = engine or self.engine
        return engine.book.parents.parents[self.parent_id].figures(engine.ledger)


@pytest.fixture
def desk(tmp_path: Path) -> ParentDesk:
    return ParentDesk(tmp_path)


def test_a_staged_parent_sends_nothing_and_waits_to_be_sliced(tmp_path: Path) -> None:
    engine, outbound = open_engine(tmp_path / "desk.sqlite3")
    result = engine.stage_parent(parent_spec(), TRADER)
    assert result.accepted
    assert outbound.sent == []
    assert engine.ledger.orders == {}  # a parent is not an order: no venue, no exposure
    figures = engine.book.parents.parents[OrderId(str(result.order_id))].figures(engine.ledger)
    assert (figures.state, figures.filled, figures.unsliced) == (ParentState.STAGED, 0, 1000)


def test_children_fill_the_parent_and_what_is_left_to_slice_shrinks(desk: ParentDesk) -> None:
    first = desk.slice(400)
    assert desk.figures().state is ParentState.WORKING
    assert desk.figures().unsliced == 600
    desk.fill(first, 100, "10.00")
    desk.fill(first, 300, "10.04")
    second = desk.slice(500)
    desk.fill(second, 200, "10.10")
    figures = desk.figures()
    assert (figures.filled, figures.working, figures.unsliced) == (600, 300, 100)
    assert figures.avg_px == (D(100) * D("10.00") + D(300) * D("10.04") + D(200) * D("10.10")) / 600
    assert figures.live_children == (second,)
    desk.fill(second, 300, "10.10")
    desk.fill(desk.slice(100), 100, "10.20")
    assert desk.figures().state is ParentState.DONE


def test_a_slice_beyond_the_parent_or_unlike_it_is_refused_in_words(desk: ParentDesk) -> None:
    engine = desk.engine
    desk.slice(600)

    def refused(**overrides: object) -> str:
        result = engine.submit(SubmitOrder(spec(**{"parent_id": desk.parent_id, **overrides}), TRADER))
        assert not result.accepted
        return result.message

    assert refused(qty=D(600)) == f"Slice of 600 exceeds the 400 left unsliced on {desk.parent_id}."
    assert refused(side=Side.SELL) == f"A slice of {desk.parent_id} must be a buy, not a sell."
    assert refused(symbol="MSFT") == f"A slice of {desk.parent_id} must be in AAPL, not MSFT."
    assert "no parent order P-nope" in refused(parent_id=OrderId("P-nope"))
    assert len(engine.ledger.orders) == 1
    refusals = [e for e in _logged(engine) if isinstance(e, ActionRefused)]
    assert [e.action for e in refusals] == [Action.ENTER_ORDER] * 4  # each refusal is in the audit log


def test_a_canceled_child_frees_its_unfilled_quantity_to_be_sliced_again(desk: ParentDesk) -> None:
    child = desk.slice(700)
    desk.fill(child, 200, "10")
    desk.engine.cancel(CancelOrder(child, TRADER))
    desk.engine.apply_venue_messages([desk.venues[child].canceled(desk.engine.ledger.orders[child].cl_ord_id)])
    assert desk.figures().unsliced == 800
    assert desk.figures().state is ParentState.STAGED


def test_amending_a_child_up_past_its_parent_is_refused(desk: ParentDesk) -> None:
    child = desk.slice(600)
    desk.slice(300)
    result = desk.engine.replace(ReplaceOrder(child, Amendment(D(800), D(10)), TRADER))
    assert not result.accepted
    assert result.message == f"Amending {child} to 800 takes 200 more of {desk.parent_id}, which has 100 left unsliced."
    assert desk.engine.replace(ReplaceOrder(child, Amendment(D(700), D(10)), TRADER)).accepted
    assert desk.figures().unsliced == 0  # the amend under way counts before the venue answers


def test_closing_a_parent_stops_slicing_and_may_cancel_its_live_children(desk: ParentDesk) -> None:
    engine = desk.engine
    first, second = desk.slice(300), desk.slice(200)
    desk.fill(first, 300, "10")
    result = engine.close_parent(desk.parent_id, TRADER, cancel_children=True)
    assert result.accepted, result.message
    assert engine.ledger.orders[second].status is OrderStatus.PENDING_CANCEL
    assert engine.ledger.orders[first].status is OrderStatus.FILLED
    assert desk.figures().state is ParentState.CANCELING  # until the venue confirms the cancel
    engine.apply_venue_messages([desk.venues[second].canceled(cl_ord_id=_pending_id(engine, second))])
    assert desk.figures().state is ParentState.CANCELED
    refused = engine.submit(SubmitOrder(spec(qty=D(10), parent_id=desk.parent_id), TRADER))
    assert refused.message == f"{desk.parent_id} is closed; no more children can be sliced from it."
    assert "already closed" in engine.close_parent(desk.parent_id, TRADER).message


def test_a_parent_closed_without_its_children_leaves_them_working(desk: ParentDesk) -> None:
    child = desk.slice(300)
    result = desk.engine.close_parent(desk.parent_id, TRADER)
    assert result.message == f"{desk.parent_id} closed; its 1 live child order(s) keep working."
    assert desk.engine.ledger.orders[child].status is OrderStatus.NEW
    assert desk.figures().state is ParentState.DONE


def test_roles_decide_who_stages_slices_and_closes(desk: ParentDesk) -> None:
    engine = desk.engine
    assert "viewer cannot" in engine.stage_parent(parent_spec(trader=VIEWER), VIEWER).message
    assert "belongs to desk EQ1" in engine.close_parent(desk.parent_id, OTHER_TRADER).message
    assert not engine.stage_parent(parent_spec(), OTHER_TRADER).accepted  # not in another trader's name
    desk.slice(100, DESKMATE)  # a deskmate may work the desk's parent
    assert engine.close_parent(desk.parent_id, DESKMATE).accepted


def test_a_parent_with_errors_is_not_staged(tmp_path: Path) -> None:
    engine, _ = open_engine(tmp_path / "desk.sqlite3")
    result = engine.stage_parent(parent_spec(qty=D(0), account=AccountId(" ")), TRADER)
    assert not result.accepted
    assert [p.field for p in result.problems] == ["qty", "account"]
    assert (
        "no allocation template GROWTH"
        in engine.stage_parent(parent_spec(allocation_template="GROWTH"), TRADER).message
    )


@pytest.mark.parametrize("snapshot", [True, False])
def test_parents_survive_a_restart(desk: ParentDesk, snapshot: bool) -> None:
    child = desk.slice(400)
    desk.fill(child, 150, "10.02")
    desk.engine.stage_parent(parent_spec(side=Side.SELL, qty=D(50)), DESKMATE)
    desk.engine.close_parent(desk.parent_id, TRADER)
    before = (desk.engine.book.parents.rows(), desk.figures())
    if snapshot:
        desk.engine.close()
    else:
        desk.engine.store.close()
    again = desk.open()
    assert (again.book.parents.rows(), desk.figures(again)) == before
    assert len(again.book.parents.parents) == 2
    again.store.close()


def test_parent_events_round_trip_through_json() -> None:
    staged = ParentStaged(OrderId("P-1"), parent_spec(allocation_template="GROWTH"))
    closed = ParentClosed(OrderId("P-1"), True, "done for the day")
    assert from_json(ParentStaged, to_json(staged)) == staged
    assert from_json(ParentClosed, to_json(closed)) == closed


def _logged(engine: Engine) -> list[object]:
    return [decode_event(stored) for stored in engine.store.read()]


def test_closing_a_parent_cancels_a_child_awaiting_the_venue_once_its_answer_comes(desk: ParentDesk) -> None:
    """The child with an amend under way used to be skipped for good, and the parent showed Canceled at once."""
    engine = desk.engine
    first, second = desk.slice(300), desk.slice(300)
    assert engine.replace(ReplaceOrder(second, Amendment(D(250), D(10)), TRADER)).accepted
    amend = engine.ledger.orders[second].pending
    assert amend is not None
    result = engine.close_parent(desk.parent_id, TRADER, cancel_children=True)
    assert result.message == (
        f"{desk.parent_id} closed; 1 child order(s) being canceled, "
        "1 more once the venue answers their pending request."
    )
    assert desk.figures().state is ParentState.CANCELING
    engine.apply_venue_messages([desk.venues[first].fill(300, D(10))])  # its cancel came too late
    assert desk.figures().state is ParentState.CANCELING
    venue = desk.venues[second]
    engine.apply_venue_messages([venue.replaced(amend.cl_ord_id, 250)])
    assert engine.ledger.orders[second].status is OrderStatus.PENDING_CANCEL  # its cancel went after the amend's answer
    assert desk.figures().state is ParentState.CANCELING
    engine.apply_venue_messages([venue.canceled(cl_ord_id=_pending_id(engine, second))])
    figures = desk.figures()
    assert (figures.state, figures.filled, figures.live_children) == (ParentState.CANCELED, D(300), ())


def _pending_id(engine: Engine, order_id: OrderId) -> str:
    pending = engine.ledger.orders[order_id].pending
    assert pending is not None
    return pending.cl_ord_id


def test_a_child_done_for_the_day_still_holds_its_share_of_the_parent(desk: ParentDesk) -> None:
    """A GTC child done for the day (39=3) is restated the next morning: its leaves used to be offered for
    slicing again, committing the parent past its quantity."""
    child = desk.slice(1000, tif=TimeInForce.GTC)
    desk.fill(child, 100, "10")
    desk.engine.apply_venue_messages([desk.venues[child].report(ExecType.DONE_FOR_DAY, OrderStatus.DONE_FOR_DAY)])
    figures = desk.figures()
    assert (figures.working, figures.unsliced, figures.live_children) == (D(900), D(0), (child,))
    refused = desk.engine.submit(SubmitOrder(spec(qty=D(900), parent_id=desk.parent_id), TRADER))
    assert refused.message == f"Slice of 900 exceeds the 0 left unsliced on {desk.parent_id}."
