"""Limits: most specific scope wins, only a supervisor changes them, every change audited, and they survive restarts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.engine.commands import SetLimit
from app.engine.events import ActionRefused, LimitChanged
from app.engine.ids import SYSTEM_USER
from app.engine.risk.limit_keys import LimitKey, Scope, candidates
from app.engine.risk.limits import Limits
from app.engine.risk.verdict import Severity
from tests.support.engine_kit import SUPERVISOR, TRADER, spec
from tests.support.risk_kit import WARN, Desk, key, open_desk

T0 = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def _limits(*changes: tuple[Scope, str]) -> Limits:
    limits = Limits()
    for scope, text in changes:
        limits.apply(LimitChanged(LimitKey("max_order_qty", Severity.BLOCK, scope), "", text), T0)
    return limits


def _applied(limits: Limits, **overrides: str) -> str | None:
    found = limits.for_order(spec(**overrides)).get("max_order_qty")
    return None if found is None else found.text


def test_the_most_specific_scope_wins() -> None:
    limits = _limits(
        (Scope(), "1"),
        (Scope(symbol="AAPL"), "2"),
        (Scope(account="ACC1"), "3"),
        (Scope(account="ACC1", symbol="AAPL"), "4"),
    )
    assert _applied(limits) == "4"
    assert _applied(limits, symbol="MSFT") == "3"  # account beats the desk
    assert _applied(limits, account="ACC2") == "2"  # symbol beats the desk
    assert _applied(limits, account="ACC2", symbol="MSFT") == "1"


def test_between_equally_specific_scopes_the_account_beats_the_symbol() -> None:
    limits = _limits((Scope(symbol="AAPL"), "2"), (Scope(account="ACC1"), "3"))
    assert _applied(limits) == "3"


def test_a_removed_limit_stops_applying_and_the_cache_follows_changes() -> None:
    limits = _limits((Scope(), "5"))
    assert _applied(limits) == "5"
    limits.apply(LimitChanged(key("max_order_qty"), "5", ""), T0)
    assert _applied(limits) is None
    assert limits.seeded


@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()), min_size=1, unique=True))
def test_the_winner_is_a_most_specific_matching_scope(masks: list[tuple[bool, bool, bool, bool]]) -> None:
    order = ("ACC1", "trader1", "AAPL", "SIM1")
    scopes = [Scope(*(v if keep else "" for v, keep in zip(order, mask, strict=True))) for mask in masks]
    limits = _limits(*((scope, str(n + 1)) for n, scope in enumerate(scopes)))
    winner = scopes[int(_applied(limits) or 0) - 1]
    named = sum(1 for v in winner.values() if v)
    assert all(sum(1 for v in s.values() if v) <= named for s in scopes)
    assert winner in candidates(*order)


def test_only_a_role_that_may_edit_limits_changes_them_and_the_refusal_is_audited(desk: Desk) -> None:
    result = desk.engine.set_limit(SetLimit(key("max_order_qty"), "10", TRADER))
    assert not result.accepted
    assert result.message == "trader1 is a trader; a trader cannot change risk limits."
    assert [e.action.value for e in desk.events(ActionRefused)] == ["edit_limits"]
    assert desk.engine.book.limits.items() == []


def test_every_change_is_an_event_with_who_old_and_new(desk: Desk) -> None:
    desk.limit("max_order_qty", 10, account="ACC1")
    desk.limit("max_order_qty", 20, account="ACC1")
    result = desk.engine.set_limit(SetLimit(key("max_order_qty", account="ACC1"), "", SUPERVISOR))
    assert result.message == "max_order_qty for account ACC1: 20 -> removed."
    changes = desk.events(LimitChanged)
    assert [(c.old, c.new) for c in changes] == [("", "10"), ("10", "20"), ("20", "")]
    users = [s.user for s in desk.engine.store.read() if s.kind == "LimitChanged"]
    assert users == [SUPERVISOR] * 3


def test_a_bad_value_level_or_name_is_refused_in_words(desk: Desk) -> None:
    def refused(name: str, value: str, **kw: object) -> str:
        result = desk.engine.set_limit(SetLimit(key(name, **kw), value, SUPERVISOR))  # type: ignore[arg-type]
        assert not result.accepted
        return result.message

    assert refused("max_order_qty", "ten") == "max_order_qty (the quantity of one order): 'ten' is not a number."
    assert refused("max_order_qty", "-5").endswith("'-5' must be above zero.")
    assert refused("tick_size", "0.01", level=WARN) == "tick_size can be set at level block, not warn."
    assert refused("max_qty", "1").startswith("There is no risk limit called 'max_qty'")
    assert "not trading hours" in refused("market_hours", "9 to 5")
    assert "longer than the 60 seconds" in refused("rate_window_s", "120")
    assert refused("max_order_qty", "") == "max_order_qty for the desk is already not set; nothing changed."


def test_seeding_happens_once_and_is_recorded_as_the_system(desk: Desk) -> None:
    assert desk.engine.seed_limits({key("max_order_qty"): "100"}, "limits.toml")
    assert not desk.engine.seed_limits({key("max_order_qty"): "999"}, "limits.toml")
    [change] = desk.events(LimitChanged)
    assert change.note == "first start: loaded from limits.toml"
    assert [s.user for s in desk.engine.store.read()] == [SYSTEM_USER]
    assert desk.engine.set_limit(SetLimit(key("max_order_qty"), "", SUPERVISOR)).accepted
    assert desk.engine.book.limits.items() == []  # a desk whose limits were all removed is still not new
    assert not desk.engine.seed_limits({key("max_order_qty"): "999"}, "limits.toml")


def _busy(desk: Desk) -> None:
    desk.limit("max_order_qty", 500, account="ACC1")
    desk.limit("restricted", "Compliance hold", WARN, symbol="MSFT")
    desk.limit("order_rate", 2)
    desk.limit("max_long", 1000)
    desk.working(qty=Decimal(300))
    desk.submit()


def _state(desk: Desk) -> tuple[object, ...]:
    book = desk.engine.book
    return (
        book.limits.items(),
        desk.rules(symbol="MSFT"),
        {account: dict(sums) for account, sums in book.exposure.sums.items() if sums},
        book.activity.rows(),
    )


def test_limits_rates_and_exposure_survive_a_replay_of_the_log_and_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    desk = open_desk(path)
    _busy(desk)
    before = _state(desk)
    assert before[1] == {"restricted": WARN, "order_rate": Severity.BLOCK}
    desk.engine.store.close()  # no snapshot: the next start replays the log
    replayed = open_desk(path)
    assert _state(replayed) == before
    replayed.engine.snapshot()
    replayed.engine.store.close()
    restored = open_desk(path)
    steps: list[str] = []
    restored.engine.reload(lambda what, done, total: steps.append(what))
    assert "Loading the saved book" in steps
    assert "Replaying the order log" in steps
    assert _state(restored) == before
    restored.engine.store.close()
