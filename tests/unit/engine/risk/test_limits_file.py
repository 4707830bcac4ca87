"""The limits file: the shipped one loads, and every mistake is named with its file and line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.enums import OrdType
from app.engine.errors import ConfigError
from app.engine.risk.limits_file import default_limits_path, load_limits
from app.engine.risk.pretrade import PreTradeGate
from app.engine.risk.verdict import Severity
from app.venue.profiles import DEFAULT_PROFILES, Listing
from tests.support.risk_kit import key, open_desk


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
