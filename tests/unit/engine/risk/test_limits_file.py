"""The limits file: the shipped one loads, and every mistake is named with its file and line."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from app.engine.commands import CommandResult
from app.engine.enums import OrdType
from app.engine.errors import ConfigError
from app.engine.events import ActionRefused, LimitChanged
from app.engine.ids import UserId
from app.engine.risk.limits_file import default_limits_path, load_limits
from app.engine.risk.pretrade import PreTradeGate
from app.engine.risk.verdict import Severity
from app.engine.roles import Action
from app.venue.profiles import DEFAULT_PROFILES, Listing
from tests.support.engine_kit import SUPERVISOR, TRADER
from tests.support.risk_kit import Desk, key, open_desk


def test_the_shipped_file_loads_with_the_price_band_on_for_the_desk() -> None:
    limits = load_limits(default_limits_path())
    assert limits[key("max_order_qty")] == "100000"
    assert limits[key("max_order_qty", Severity.WARN)] == "25000"
    assert limits[key("lot_size", venue="SIMC")] == "100"
    assert limits[key("restricted", symbol="XYZ")].startswith("Compliance hold")
    assert (limits[key("price_band_pct")], limits[key("price_band_pct", Severity.WARN)]) == ("10", "5")


LISTED = [(venue, listing) for venue, profile in DEFAULT_PROFILES.items() for listing in profile.listings]


@pytest.mark.parametrize(("venue", "listing"), LISTED, ids=[f"{v}-{x.symbol}" for v, x in LISTED])
def test_the_demo_desk_can_trade_every_listed_symbol_once_it_has_a_quote(
    tmp_path: Path, venue: str, listing: Listing
) -> None:
    desk = open_desk(tmp_path / "desk.sqlite3")
    desk.gate = PreTradeGate(list(DEFAULT_PROFILES), desk.prices, desk.clock)  # the accounts: those the file names
    desk.engine.gate = desk.gate
    assert desk.engine.seed_limits(load_limits(default_limits_path()), "limits.toml")
    profile = DEFAULT_PROFILES[venue]
    qty, mid = profile.lot * 10, listing.mid
    terms = {"symbol": listing.symbol, "destination": venue, "qty": qty, "limit_px": mid - profile.tick * 10}
    blocked = desk.check(**terms)
    assert not blocked.allowed
    assert f"No reference price has arrived for {listing.symbol}." in blocked.reason  # fails closed, in words
    desk.quote(str(mid - profile.tick), str(mid + profile.tick), listing.symbol, last=str(mid))
    assert desk.check(**terms).allowed, desk.check(**terms).reason
    assert desk.check(**terms | {"ord_type": OrdType.MARKET, "limit_px": None}).allowed

    def off(factor: str) -> Decimal:  # the mid moved by a factor, on the venue's tick
        return (mid * Decimal(factor) / profile.tick).to_integral_value() * profile.tick

    assert desk.rules(**terms | {"limit_px": off("1.07")}) == {"price_band_pct": Severity.WARN}
    assert desk.rules(**terms | {"limit_px": off("0.85")}) == {"price_band_pct": Severity.BLOCK}


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "limits.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_limits(path)
    return str(caught.value).splitlines()


def test_every_problem_is_named_with_its_line(tmp_path: Path) -> None:
    text = """[[limits]]
max_order_qty = 100
max_order_qyt = 5
tick_size = "abc"

[[limits]]
level = "soft"
max_order_qty = 1

[[limits]]
max_order_qty = 200
"""
    assert _problems(tmp_path, text) == [
        'limits.toml, line 3: unknown limit "max_order_qyt"; did you mean "max_order_qty"?',
        "limits.toml, line 4: tick_size (the price increment): 'abc' is not a number",
        'limits.toml, line 7: level must be "block" or "warn", not "soft"',
        "limits.toml, line 11: max_order_qty for the desk is set twice",
    ]


def test_a_syntax_error_or_a_missing_file_is_said_plainly(tmp_path: Path) -> None:
    assert _problems(tmp_path, "[[limits]]\nmax_order_qty = \n") == [
        "limits.toml, line 2: the file is not valid TOML: a value is missing or malformed; text goes in double "
        'quotes, like host = "127.0.0.1" (column 17)'
    ]
    with pytest.raises(ConfigError, match="the file does not exist"):
        load_limits(tmp_path / "nope.toml")


def _load(desk: Desk, path: Path, user: UserId = SUPERVISOR) -> CommandResult:
    return desk.engine.load_limits(partial(load_limits, path), path.name, user)


def test_a_supervisor_loads_a_limits_file_into_a_running_desk_each_change_audited(tmp_path: Path) -> None:
    desk = open_desk(tmp_path / "desk.sqlite3")
    desk.limit("max_order_qty", 500)
    desk.limit("order_rate", 10)
    path = tmp_path / "new-limits.toml"
    path.write_text(
        '[[limits]]\nmax_order_qty = 500\nmax_long = 2_000\n\n[[limits]]\nsymbol = "XYZ"\nrestricted = "Hold"\n'
    )
    result = _load(desk, path)
    assert result.message == (
        "Loaded new-limits.toml: 2 limits changed; 1 already so. Limits it does not name are unchanged."
    )
    changes = desk.events(LimitChanged)[2:]
    assert [(c.key, c.old, c.new, c.note) for c in changes] == [
        (key("max_long"), "", "2000", "loaded from new-limits.toml"),
        (key("restricted", symbol="XYZ"), "", "Hold", "loaded from new-limits.toml"),
    ]
    assert [s.user for s in desk.engine.store.read()][-2:] == [SUPERVISOR, SUPERVISOR]
    assert desk.engine.book.limits.text(key("order_rate")) == "10"  # not in the file: left as it was
    assert desk.rules(qty=Decimal(2001)) == {"max_long": Severity.BLOCK, "max_order_qty": Severity.BLOCK}
    assert _load(desk, path).message == "Every limit in new-limits.toml is already set so; nothing changed."


def test_replacing_all_limits_with_a_file_removes_those_it_does_not_name_each_audited(tmp_path: Path) -> None:
    desk = open_desk(tmp_path / "desk.sqlite3")
    desk.limit("max_order_qty", 500)
    desk.limit("order_rate", 10)
    path = tmp_path / "whole-set.toml"
    path.write_text("[[limits]]\nmax_order_qty = 500\nmax_long = 2_000\n")
    result = desk.engine.load_limits(partial(load_limits, path), path.name, SUPERVISOR, replace_all=True)
    assert result.message == (
        "Replaced all limits with whole-set.toml: 1 limits changed; 1 already so, 1 not in it removed."
    )
    changes = desk.events(LimitChanged)[2:]
    note = "replaced all limits with whole-set.toml"
    assert [(c.key, c.old, c.new, c.note) for c in changes] == [
        (key("max_long"), "", "2000", note),
        (key("order_rate"), "10", "", note),  # not in the file: removed, and the removal audited
    ]
    assert desk.engine.book.limits.items() == [(key("max_long"), "2000"), (key("max_order_qty"), "500")]
    again = desk.engine.load_limits(partial(load_limits, path), path.name, SUPERVISOR, replace_all=True)
    assert (again.accepted, again.message) == (
        False,
        "The limits in force are already exactly those of whole-set.toml; nothing changed.",
    )
    trader = desk.engine.load_limits(partial(load_limits, path), path.name, TRADER, replace_all=True)
    assert not trader.accepted


def test_a_limits_file_with_a_mistake_changes_nothing_and_says_where(tmp_path: Path) -> None:
    desk = open_desk(tmp_path / "desk.sqlite3")
    path = tmp_path / "new-limits.toml"
    path.write_text("[[limits]]\nmax_order_qty = 500\nmax_lnog = 2_000\n")
    result = _load(desk, path)
    assert not result.accepted
    assert result.message == (
        'The limits file was not loaded; nothing changed.\nnew-limits.toml, line 3: unknown limit "max_lnog"; '
        'did you mean "max_long"?'
    )
    assert desk.events(LimitChanged) == []


def test_only_a_role_that_may_edit_limits_loads_a_file(tmp_path: Path) -> None:
    desk = open_desk(tmp_path / "desk.sqlite3")
    path = tmp_path / "new-limits.toml"
    path.write_text("[[limits]]\nmax_order_qty = 500\n")
    assert not _load(desk, path, TRADER).accepted
    [refused] = desk.events(ActionRefused)
    assert refused.action is Action.EDIT_LIMITS
    assert desk.events(LimitChanged) == []
