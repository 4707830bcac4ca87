"""The limits file: the shipped one loads, and every mistake is named with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.errors import ConfigError
from app.engine.risk.limits_file import default_limits_path, load_limits
from app.engine.risk.verdict import Severity
from tests.support.risk_kit import key


def test_the_shipped_file_loads_and_leaves_the_price_band_off() -> None:
    limits = load_limits(default_limits_path())
    assert limits[key("max_order_qty")] == "100000"
    assert limits[key("max_order_qty", Severity.WARN)] == "25000"
    assert limits[key("lot_size", venue="SIMC")] == "100"
    assert limits[key("restricted", symbol="XYZ")].startswith("Compliance hold")
    assert not any(k.name == "price_band_pct" for k in limits)


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
