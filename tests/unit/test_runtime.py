"""The runtime: its limits file seeds a new desk once (a desk with limits comes up from its log, file or not);
what its venues list."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.commands import SetLimit
from app.engine.errors import ConfigError
from app.engine.fix.config import default_config_path, load_config
from app.runtime import Runtime, seed_new_desk
from tests.support.engine_kit import DESK, SUPERVISOR, open_engine
from tests.support.ports import any_ports
from tests.support.risk_kit import key

FILE = '[[limits]]\nmax_order_qty = 100\n\n[[limits]]\naccount = "HEDGE"\ncredit = 5000\n'


def _limits_after_start(store: Path, limits_file: Path) -> list[tuple[str, str, str]]:
    engine, _ = open_engine(store)
    try:
        seed_new_desk(engine, limits_file)
        return [(k.name, k.scope.account, text) for k, text in engine.book.limits.items()]
    finally:
        engine.store.close()


def test_the_limits_file_seeds_a_new_desk_and_a_later_start_does_not_read_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store, limits_file = tmp_path / "desk.sqlite3", tmp_path / "limits.toml"
    limits_file.write_text(FILE, encoding="utf-8")
    seeded = [("credit", "HEDGE", "5000"), ("max_order_qty", "", "100")]
    assert _limits_after_start(store, limits_file) == seeded
    limits_file.write_text("max_order_qty = [broken", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="app.runtime"):
        assert _limits_after_start(store, limits_file) == seeded  # a broken file stops nothing
    assert "Risk limits come from the desk's log; the limits file" in caplog.text
    assert "is not read" in caplog.text
    limits_file.write_text("[[limits]]\nmax_order_qty = 999\n", encoding="utf-8")
    assert _limits_after_start(store, limits_file) == seeded  # nor does a changed one change anything
    limits_file.unlink()
    assert _limits_after_start(store, limits_file) == seeded


def test_a_desk_whose_supervisor_changed_its_limits_keeps_the_change(tmp_path: Path) -> None:
    store, limits_file = tmp_path / "desk.sqlite3", tmp_path / "limits.toml"
    limits_file.write_text(FILE, encoding="utf-8")
    engine, _ = open_engine(store)
    seed_new_desk(engine, limits_file)
    assert engine.set_limit(SetLimit(key("max_order_qty"), "250", SUPERVISOR)).accepted
    engine.store.close()
    assert ("max_order_qty", "", "250") in _limits_after_start(store, limits_file)


def test_a_new_desk_with_a_broken_limits_file_does_not_start(tmp_path: Path) -> None:
    limits_file = tmp_path / "limits.toml"
    limits_file.write_text('[[limits]]\nmax_order_qty = "lots"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"limits\.toml"):
        _limits_after_start(tmp_path / "desk.sqlite3", limits_file)


def test_a_seeded_desk_starts_with_its_limits_file_broken(tmp_path: Path) -> None:
    store, limits_file = tmp_path / "desk.sqlite3", tmp_path / "limits.toml"
    limits_file.write_text(FILE, encoding="utf-8")
    configs = any_ports(load_config(default_config_path()))

    async def start_and_stop() -> list[str]:
        runtime = await Runtime.start(
            store, configs, FakeClock(), directory=DESK, with_simulator=False, limits_file=limits_file
        )
        accounts = runtime.accounts()
        await runtime.stop()
        return accounts

    assert asyncio.run(start_and_stop()) == ["HEDGE"]
    limits_file.write_text("max_order_qty = [broken", encoding="utf-8")
    assert asyncio.run(start_and_stop()) == ["HEDGE"]


def test_the_desk_knows_what_the_simulated_venues_list_and_nothing_of_real_ones(tmp_path: Path) -> None:
    configs = any_ports(load_config(default_config_path()))

    async def listings(with_simulator: bool) -> tuple[list[str], bool | None]:
        runtime = await Runtime.start(tmp_path / f"{with_simulator}.sqlite3", configs, FakeClock(), directory=DESK,
                                      with_simulator=with_simulator)  # fmt: skip
        known = runtime.listings()
        await runtime.stop()
        return known.venues_for("DYNA"), known.lists("SIMA", "DYNA")

    assert asyncio.run(listings(with_simulator=True)) == (["SIMB"], False)
    assert asyncio.run(listings(with_simulator=False)) == ([], None)
