"""The shared market data session: every venue's symbols on one line, each from the first venue listing it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from app.engine.clock import FakeClock
from app.engine.fix import FixMessage, parse_message
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.session import Received
from app.engine.fix.values import FixValue
from app.venue.market_data_server import MarketDataServer
from app.venue.simulator import VenueSimulator
from tests.support.fix_script import session_config


def _market_data(name: str) -> SessionConfig:
    return dataclasses.replace(session_config(name, "OEMS", name), role=SessionRole.MARKET_DATA)


TYPES: list[tuple[int, FixValue]] = [(267, 3), (269, "0"), (269, "1"), (269, "2")]


def _simulator() -> tuple[VenueSimulator, MarketDataServer]:
    configs = [session_config(name, "OEMS", name) for name in ("SIMA", "SIMB", "SIMC")]
    configs.append(_market_data("SIM-MD"))
    simulator = VenueSimulator(configs, FakeClock())
    assert simulator.market_data is not None
    return simulator, simulator.market_data


def _ask(server: MarketDataServer, req_id: str, *symbols: str, kind: str = "1") -> list[FixMessage]:
    fields: list[tuple[int, FixValue]] = [(262, req_id), (263, kind), (264, 1), *TYPES, (146, len(symbols))]
    request = FixMessage("V", [*fields, *((55, symbol) for symbol in symbols)])
    return server.hear("SIM-MD", Received(2, request, b""))


def _sent(server: MarketDataServer) -> list[FixMessage]:
    """Everything the session has sent of its own accord (stored; nothing is connected)."""
    served = server.served["SIM-MD"]
    return [parse_message(raw) for _, raw in served.store.outbound_messages(served.session.record.key, 1, None)]


def _mid(snapshot: FixMessage) -> Decimal:
    bid, offer = (Decimal(px) for px in snapshot.get_all(270)[:2])
    return (bid + offer) / 2


def test_the_shared_session_quotes_every_symbol_of_every_venue() -> None:
    simulator, server = _simulator()
    assert server.symbols == ["ACME", "BOLT", "CORE", "DYNA", "EXPO", "FLUX"]
    assert simulator.market_data_symbols == server.symbols
    snapshots = {symbol: _ask(server, f"r-{symbol}", symbol) for symbol in server.symbols}
    for symbol, [snapshot] in snapshots.items():
        assert (snapshot.msg_type, snapshot.get(55), snapshot.get(262)) == ("W", symbol, f"r-{symbol}")
    assert abs(_mid(snapshots["DYNA"][0]) - Decimal("12.50")) < 1  # SIMB's book
    assert abs(_mid(snapshots["FLUX"][0]) - Decimal("200.00")) < 5  # SIMC's book


def test_each_venues_moves_reach_the_shared_sessions_subscribers() -> None:
    simulator, server = _simulator()
    _ask(server, "d", "DYNA")
    _ask(server, "f", "FLUX")
    for _ in range(20):
        for venue in simulator.venues:
            venue.tick()
    increments = [m for m in _sent(server) if m.msg_type == "X"]
    assert {m.get(262) for m in increments} == {"d", "f"}
    assert set(increments[0].get_all(55)) <= {"DYNA", "FLUX"}


def test_a_request_for_symbols_of_several_venues_is_answered_by_each_under_one_id() -> None:
    _, server = _simulator()
    answers = _ask(server, "mix", "EXPO", "ACME", "DYNA")
    assert sorted((m.msg_type, m.get(262), m.get(55)) for m in answers) == [
        ("W", "mix", "ACME"),
        ("W", "mix", "DYNA"),
        ("W", "mix", "EXPO"),
    ]
    assert _ask(server, "mix", "EXPO", "ACME", "DYNA", kind="2") == []  # unsubscribed at every venue


def test_an_unknown_symbol_is_refused_and_an_order_on_the_market_data_line_is_not_supported() -> None:
    _, server = _simulator()
    [refusal] = _ask(server, "z", "ZZZ")
    assert (refusal.msg_type, refusal.get(281)) == ("Y", "0")
    order = FixMessage("D", [(11, "o1"), (55, "ACME"), (54, "1"), (38, 10), (40, "1")])
    [reject] = server.hear("SIM-MD", Received(3, order, b""))
    assert (reject.msg_type, reject.get(380)) == ("j", "3")
