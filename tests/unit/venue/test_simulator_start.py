"""A simulator started on port 0 says where it listens; one that cannot start (a port taken) leaves nothing
listening and its store closed."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import sqlite3
from pathlib import Path

import pytest

from app.engine.clock import FakeClock
from app.engine.fix.config import SessionRole
from app.venue.simulator import VenueSimulator
from tests.support.fix_script import session_config


def test_a_taken_market_data_port_stops_the_venues_already_listening(tmp_path: Path) -> None:
    taken = socket.create_server(("127.0.0.1", 0))
    orders = session_config("SIMA", "OEMS", "SIMA", port=0)
    quotes = dataclasses.replace(orders, name="SIM-MD", role=SessionRole.MARKET_DATA, port=taken.getsockname()[1])
    simulator = VenueSimulator([orders, quotes], FakeClock(), store_path=tmp_path / "venues.sqlite3")

    async def start() -> int:
        with pytest.raises(OSError, match="address already in use"):
            await simulator.start()
        return simulator.venues[0].served["SIMA"].acceptor.port

    try:
        port = asyncio.run(start())
    finally:
        taken.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert simulator.store is not None
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        simulator.store.venue_state("SIMA")


def test_sessions_on_port_0_listen_on_distinct_free_ports_the_simulator_reports(tmp_path: Path) -> None:
    orders = session_config("SIMA", "OEMS", "SIMA", port=0)
    copies = dataclasses.replace(orders, name="SIMA-DC", role=SessionRole.DROP_COPY, venue="SIMA")
    quotes = dataclasses.replace(orders, name="SIM-MD", role=SessionRole.MARKET_DATA)
    elsewhere = dataclasses.replace(orders, name="NYFX", port=9880)  # not the simulator's: left as it is
    simulator = VenueSimulator([orders, copies, quotes], FakeClock())

    async def listening() -> tuple[int, ...]:
        await simulator.start()
        try:
            configs = simulator.listening([orders, copies, quotes, elsewhere])
            for config in configs[:3]:
                _, writer = await asyncio.open_connection("127.0.0.1", config.port)
                writer.close()
            return tuple(c.port for c in configs)
        finally:
            await simulator.close()

    *served, other = asyncio.run(listening())
    assert 0 not in served
    assert len(set(served)) == 3
    assert other == 9880
