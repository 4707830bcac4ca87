"""The gate is in-line and unbypassable: nothing reaches the wire as a new order or an amend without its decision.

Two ways: the code has one place that stages wire messages, and only the commands that ask the gate put
new orders and amends there; and, driving the engine with any mix of commands and venue reports, every
NEW or REPLACE request staged comes straight after a gate decision on exactly its terms that let it go.
"""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.commands import CancelOrder, ReplaceOrder, SubmitOrder
from app.engine.engine import Engine
from app.engine.events import WarningOverridden
from app.engine.ids import OrderId
from app.engine.order import Amendment, Order, OrderSpec, RequestKind
from app.engine.projections import Projections
from app.engine.risk.verdict import Severity, Verdict
from app.engine.store import Transaction
from app.engine.venue_messages import OutboundRequest, VenueRequest
from tests.support.engine_kit import SUPERVISOR, TRADER, spec
from tests.support.reports import VenueOrder
from tests.support.risk_kit import WARN, open_desk

APP = Path(__file__).resolve().parents[4] / "app"


def _calls_named(name: str) -> list[tuple[Path, str]]:
    """Every call of a method ``name`` in app/, as (file, enclosing function)."""
    found: list[tuple[Path, str]] = []
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(func):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                        found.append((path.relative_to(APP.parent), func.name))
    return found


def test_one_place_stages_wire_messages_and_only_gated_commands_send_new_orders_and_amends() -> None:
    assert _calls_named("stage") == [(Path("app/engine/engine.py"), "send")]
    senders = {(path, fn) for path, fn in _calls_named("send") if path.parts[:2] == ("app", "engine")}
    senders = {(path, fn) for path, fn in senders if "fix" not in path.parts}  # FIX sessions send what is stored
    engine, kill = Path("app/engine/engine.py"), Path("app/engine/kill_cancels.py")
    # request_status sends only a 35=H, which asks and changes nothing
    assert {fn for path, fn in senders if path == engine} == {"submit", "replace", "cancel", "request_status"}
    assert {path for path, _ in senders} <= {
        engine,
        kill,
        Path("app/engine/fix/gateway.py"),
        Path("app/engine/fix/quote_feed.py"),
    }
    source = (APP / "engine" / "engine.py").read_text()

    def body_of(method: str) -> str:
        body = source[source.index(f"    def {method}(") :]
        return body[: body.index("\n    def ", 1)]

    assert "self.gate.check_new(" in body_of("check_new")  # what submit decides by (and the ticket shows)
    for command, check in (("submit", "self.check_new("), ("replace", "self.gate.check_amend(")):
        body = body_of(command)
        assert body.index(check) < body.index("batch.send(")
    for path in APP.joinpath("engine").rglob("*.py"):
        if path.name in ("engine.py", "order.py", "ledger.py", "report_rules.py") or "fix" in path.parts:
            continue  # the sender itself, and readers of requests already sent
        text = path.read_text()
        assert "RequestKind.NEW" not in text, path
        assert "RequestKind.REPLACE" not in text, path
    cancel = source[source.index("    def cancel(self, order") :].split("\n    def ")[0]
    assert "RequestKind.CANCEL" in cancel


@dataclasses.dataclass(frozen=True)
class _Checked:
    """One gate decision: on a new order (``order_id`` None) or an amend."""

    order_id: OrderId | None
    qty: Decimal
    limit_px: Decimal | None
    verdict: Verdict


@dataclasses.dataclass
class _Trail:
    """Gate decisions and staged requests, in the order they happened."""

    steps: list[_Checked | VenueRequest] = dataclasses.field(default_factory=list)


class _SpyGate:
    def __init__(self, inner: object, trail: _Trail) -> None:
        self.inner, self.trail = inner, trail

    def check_new(self, spec: OrderSpec, book: Projections) -> Verdict:
        verdict: Verdict = self.inner.check_new(spec, book)  # type: ignore[attr-defined]
        self.trail.steps.append(_Checked(None, spec.qty, spec.limit_px, verdict))
        return verdict

    def check_amend(self, order: Order, amendment: Amendment, book: Projections) -> Verdict:
        verdict: Verdict = self.inner.check_amend(order, amendment, book)  # type: ignore[attr-defined]
        self.trail.steps.append(_Checked(order.order_id, amendment.qty, amendment.limit_px, verdict))
        return verdict


class _SpyOutbound:
    def __init__(self, trail: _Trail) -> None:
        self.trail = trail

    def stage(self, request: OutboundRequest, tx: Transaction) -> None:
        assert isinstance(request, VenueRequest), "only a kill switch stages mass cancels"
        self.trail.steps.append(request)

    def takes_mass_cancel(self, destination: str) -> bool:
        """No venue here takes mass cancels."""
        return False

    def release(self) -> None:
        """Nothing to send."""

    def discard(self) -> None:
        """Nothing to forget."""


_commands = st.lists(
    st.tuples(
        st.sampled_from(["submit", "submit", "submit_override", "amend", "amend", "answer", "cancel", "fill"]),
        st.integers(1, 300),
        st.sampled_from(["9.50", "10", "10.40", "10.60"]),
        st.integers(0, 10),
    ),
    max_size=25,
)


def _drive(engine: Engine, commands: list[tuple[str, int, str, int]]) -> None:
    """Commands from a trader and a supervisor, with the venue acknowledging, filling and answering."""
    venue: dict[OrderId, VenueOrder] = {}
    for what, qty, px, pick in commands:
        live = list(engine.ledger.live())
        order = live[pick % len(live)] if live else None
        if what.startswith("submit"):
            user, why = (SUPERVISOR, "client confirmed") if what == "submit_override" else (TRADER, "")
            result = engine.submit(SubmitOrder(spec(qty=Decimal(qty), limit_px=Decimal(px)), user, override_reason=why))
            if result.accepted and result.order_id:
                venue[result.order_id] = VenueOrder(result.order_id, Decimal(qty))
                engine.apply_venue_messages([venue[result.order_id].ack()])
        elif order is None:
            continue
        elif what == "amend":
            engine.replace(ReplaceOrder(order.order_id, Amendment(Decimal(qty), Decimal(px)), TRADER))
        elif what == "cancel":
            engine.cancel(CancelOrder(order.order_id, TRADER))
        elif what == "answer" and (pending := order.pending) is not None:
            at_venue = venue[order.order_id]
            if pending.kind is RequestKind.CANCEL:
                engine.apply_venue_messages([at_venue.canceled(pending.cl_ord_id)])
            elif pending.amendment is not None:
                engine.apply_venue_messages([at_venue.replaced(pending.cl_ord_id, pending.amendment.qty)])
        elif what == "fill" and order.leaves_qty > 0:
            engine.apply_venue_messages([venue[order.order_id].fill(min(qty, int(order.leaves_qty)))])


def _let_go(verdict: Verdict, overridden: bool) -> bool:
    return verdict.allowed or (overridden and verdict.severity is Severity.WARN)


@settings(max_examples=25)
@given(_commands)
def test_every_new_order_and_amend_on_the_wire_has_a_gate_decision_just_before_it(
    tmp_path_factory: pytest.TempPathFactory, commands: list[tuple[str, int, str, int]]
) -> None:
    desk = open_desk(tmp_path_factory.mktemp("gate") / "s.sqlite3")
    desk.limit("max_order_qty", 250)
    desk.limit("max_order_qty", 150, WARN)
    desk.limit("price_band_pct", 5)
    desk.quote()
    trail = _Trail()
    engine = desk.engine
    engine.gate, engine.outbound = _SpyGate(desk.gate, trail), _SpyOutbound(trail)
    _drive(engine, commands)
    for n, step in enumerate(trail.steps):
        if not isinstance(step, VenueRequest) or step.kind is RequestKind.CANCEL:
            continue
        decided = trail.steps[n - 1]
        assert isinstance(decided, _Checked)
        assert decided.order_id == (None if step.kind is RequestKind.NEW else step.order_id)
        assert (decided.qty, decided.limit_px) == (step.qty, step.limit_px)
        overridden = any(o.order_id == step.order_id for o in desk.events(WarningOverridden))
        assert _let_go(decided.verdict, overridden)
    engine.store.close()
