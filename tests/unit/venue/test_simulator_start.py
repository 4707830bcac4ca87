"""A simulator that cannot start (a port taken) leaves nothing listening and its store closed."""

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
