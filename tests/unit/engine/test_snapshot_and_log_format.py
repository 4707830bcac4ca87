"""Snapshots are used only when they can be trusted, and every event survives the log's JSON unchanged."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine import snapshot
from app.engine.enums import ExecType, OrderStatus, OrdType, Side, TimeInForce
from app.engine.errors import SnapshotVersionError, StoreCorruptError
from app.engine.events import ExecutionApplied, OrderSubmitted
from app.engine.ids import AccountId, ClOrdId, ExecId, OrderId, UserId
from app.engine.order import OrderSpec
from app.engine.serialization import from_json, to_json
from app.engine.store import Snapshot
from app.engine.store_schema import GENESIS_HASH
from tests.support.engine_kit import open_engine
from tests.unit.engine.order_desk import Desk


def _desk_with_history(tmp_path: Path) -> Desk:
    desk = Desk(tmp_path)
    desk.steps("ack", "fill40", "replace", "replaced")
    return desk


def test_start_up_uses_the_snapshot_and_replays_only_the_tail(tmp_path: Path) -> None:
    desk = _desk_with_history(tmp_path)
    desk.engine.snapshot()
    desk.steps("fill40")
    desk.engine.store.close()
    progress: list[tuple[str, int, int]] = []
    engine, _ = open_engine(tmp_path / "desk.sqlite3")
    engine.reload(lambda what, done, total: progress.append((what, done, total)))
    assert ("Replaying the order log", 0, 1) in progress
    assert progress[-1] == ("Ready", 1, 1)


def test_a_snapshot_from_a_newer_program_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    desk = _desk_with_history(tmp_path)
    store = desk.engine.store
    blob = b"a layout this program has never seen"
    store.save_snapshot(snapshot.SCHEMA_VERSION + 1, store.last_seq, store.last_hash, "2026-01-05T00:00:00+00:00", blob)
    with pytest.raises(SnapshotVersionError, match="newer version of this program"):
        desk.engine.reload()


def test_a_snapshot_from_an_older_schema_is_set_aside_and_the_log_replayed(tmp_path: Path) -> None:
    desk = _desk_with_history(tmp_path)
    store = desk.engine.store
    store.save_snapshot(0, store.last_seq, store.last_hash, "2026-01-05T00:00:00+00:00", b"old format")
    progress: list[str] = []
    desk.engine.reload(lambda what, done, total: progress.append(what))
    assert any("older version" in p for p in progress)
    assert (desk.order.status, desk.order.qty) == (OrderStatus.REPLACED, Decimal(120))


class _Evil:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("pwned",))


def _global(module: str, name: str) -> bytes:
    """A protocol-4 pickle that only looks up ``module.name`` (enough to reach a callable)."""
    return b"\x80\x04" + pickle.dumps(module, 4)[2:-1] + pickle.dumps(name, 4)[2:-1] + b"\x93."


@pytest.mark.parametrize(
    "payload",
    [
        pickle.dumps(_Evil()),
        _global("app.engine.engine", "Path.write_text"),  # an imported class's method, by dotted name
        _global("app.engine.recovery", "restore"),  # a function defined in the engine
        _global("builtins", "getattr"),  # the classic way from an allowed object to anything
    ],
    ids=["foreign-callable", "dotted-name", "engine-function", "getattr"],
)
@pytest.mark.parametrize("where", ["header", "piece"])
def test_a_doctored_snapshot_cannot_run_code(payload: bytes, where: str) -> None:
    if where == "header":
        doctored = Snapshot(snapshot.SCHEMA_VERSION, 0, GENESIS_HASH, "2026-01-05T00:00:00+00:00", payload)
    else:  # a plain header naming one order segment, which is the payload
        head = snapshot.header(snapshot.pack((0, 0, [], {})), [], [7])
        doctored = Snapshot(snapshot.SCHEMA_VERSION, 0, GENESIS_HASH, "2026-01-05T00:00:00+00:00", head, {7: payload})
    with pytest.raises(StoreCorruptError, match="may not name"):
        snapshot.load(doctored)


decimals = st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False)
names = st.text(min_size=1, max_size=12)


@given(
    st.builds(
        OrderSpec,
        symbol=names,
        side=st.sampled_from(Side),
        qty=decimals,
        ord_type=st.sampled_from(OrdType),
        account=names.map(AccountId),
        destination=names,
        trader=names.map(UserId),
        tif=st.sampled_from(TimeInForce),
        limit_px=st.none() | decimals,
        expire_at=st.none() | st.datetimes(timezones=st.just(UTC)),
        text=st.text(max_size=40),
    ),
    names,
)
def test_a_submitted_order_round_trips_through_the_log_format(spec: OrderSpec, cl_ord_id: str) -> None:
    event = OrderSubmitted(OrderId(cl_ord_id), ClOrdId(cl_ord_id), spec)
    assert from_json(OrderSubmitted, to_json(event)) == event


def test_an_execution_round_trips_and_keeps_decimal_precision() -> None:
    event = ExecutionApplied(
        OrderId("O1"), ExecId("E1"), ExecType.TRADE, ClOrdId("O1"), OrderStatus.PARTIALLY_FILLED,
        OrderStatus.PARTIALLY_FILLED, OrderStatus.PARTIALLY_FILLED, Decimal("0.1"), Decimal("0.30000000000000001"),
        Decimal("0.1"), Decimal("99.9"), Decimal("0.30000000000000001"), Decimal(100), Decimal("0.3"), None,
        Decimal("0.1"), True, transact_time=datetime(2026, 1, 5, 14, 30, 0, 123000, tzinfo=UTC),
    )  # fmt: skip
    text = to_json(event)
    assert ',"0.1","0.30000000000000001",' in text  # last_qty, last_px: by position
    assert from_json(ExecutionApplied, text) == event
