"""The simulated venue with a fault script, over a real socket: the same seed, script and requests give the
same bytes; another seed gives others. The venue's clock is a fake one standing still, so SendingTime and
TransactTime are equal too and the streams can be compared whole."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable, Sequence

from app.engine.clock import FakeClock
from app.engine.fix import FixMessage
from app.engine.fix.framer import FixFramer, Frame
from app.engine.fix.values import FixValue
from app.venue.faults import parse_script
from app.venue.simulator import Faults, SimulatedVenue, VenueSimulator
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import QUIET, T0

SCRIPT = """\
every execution report with probability 0.3: duplicate with possresend
every execution report with probability 0.2: garble
every fill with probability 0.3: reorder
every fill with probability 0.3: bust
every ack with probability 0.2: unsolicited cancel
every execution report with probability 0.1: drop
"""
Request = tuple[str, Sequence[tuple[int, FixValue]]]
REQUESTS: list[Request] = [
    *[("D", [(11, f"s{n}"), (55, "ACME"), (54, "2"), (38, "30"), (40, "2"), (44, f"{100 + n}.00"), (60, T0)])
      for n in range(6)],
    *[("D", [(11, f"b{n}"), (55, "ACME"), (54, "1"), (38, "40"), (40, "1"), (60, T0)]) for n in range(4)],
    ("D", [(11, "r1"), (55, "BOLT"), (54, "1"), (38, "50"), (40, "2"), (44, "9.00"), (60, T0)]),
    ("F", [(41, "s5"), (11, "c1"), (55, "ACME"), (54, "2"), (60, T0)]),
    ("G", [(41, "r1"), (11, "r2"), (55, "BOLT"), (54, "1"), (38, "60"), (40, "2"), (44, "9.10"), (60, T0)]),
]  # fmt: skip
"""Sells resting at 100..105, market buys taking them in pieces, a resting BOLT buy, a cancel and a replace."""


def _frames(chunks: Iterable[bytes]) -> list[bytes]:
    framer = FixFramer()
    return [item.raw if isinstance(item, Frame) else b"garbled" for chunk in chunks for item in framer.feed(chunk)]


async def _trade(seed: int) -> bytes:
    """Log on to a fresh venue running ``SCRIPT`` with ``seed``, send ``REQUESTS`` and return every byte it sent."""
    clock = FakeClock()
    config = session_config("SIMA", "OEMS", "SIMA", port=0)
    venue = SimulatedVenue(dataclasses.replace(QUIET, name="SIMA"), [config], clock, Faults(parse_script(SCRIPT), seed))
    await venue.start()
    try:
        return await _talk(venue, clock, REQUESTS)
    finally:
        await venue.close()


async def _talk(venue: SimulatedVenue, clock: FakeClock, requests: Sequence[Request]) -> bytes:
    """Log on to ``venue``'s order session, send ``requests`` and return every byte it sent until it goes quiet."""
    name = venue.profile.name
    reader, writer = await asyncio.open_connection("127.0.0.1", venue.served[name].acceptor.port)
    seq = 0

    def message(msg_type: str, fields: Sequence[tuple[int, FixValue]]) -> bytes:
        nonlocal seq
        seq += 1
        header: list[tuple[int, FixValue]] = [(49, "OEMS"), (56, name), (34, seq), (52, clock.now())]
        return FixMessage(msg_type, [*header, *fields]).encode()

    writer.write(message("A", [(98, 0), (108, 30)]))
    received = [await reader.read(1 << 16)]
    writer.write(b"".join(message(kind, fields) for kind, fields in requests))
    while True:  # until the venue has said everything (it goes quiet)
        try:
            chunk = await asyncio.wait_for(reader.read(1 << 16), 0.3)
        except TimeoutError:
            break
        if not chunk:
            break
        received.append(chunk)
    writer.close()
    return b"".join(received)


def test_the_same_seed_script_and_requests_give_the_same_bytes_and_another_seed_others() -> None:
    first, again, other = (asyncio.run(_trade(seed)) for seed in (11, 11, 12))
    frames = _frames([first])
    assert len(frames) > len(REQUESTS)  # acks, fills, busts, copies: the script did act
    assert b"garbled" in frames
    assert b"\x0197=Y\x01" in first
    assert b"\x01150=H\x01" in first
    assert first == again
    assert first != other


def test_a_rule_aimed_at_one_venue_leaves_the_others_sound() -> None:
    async def both() -> tuple[bytes, bytes]:
        clock = FakeClock()
        configs = [session_config(name, "OEMS", name, port=0) for name in ("SIMA", "SIMB")]
        faults = Faults(parse_script("venue SIMB: every execution report: garble\n"))
        simulator = VenueSimulator(configs, clock, faults)
        await simulator.start()
        order: Request = ("D", [(11, "o1"), (55, "ACME"), (54, "1"), (38, "10"), (40, "2"), (44, "1.00"), (60, T0)])
        try:
            return await _talk(simulator.venues[0], clock, [order]), await _talk(simulator.venues[1], clock, [order])
        finally:
            await simulator.close()

    sima, simb = (_frames([raw]) for raw in asyncio.run(both()))
    assert b"garbled" not in sima
    assert any(b"\x0135=8\x01" in frame for frame in sima)  # SIMA acked the order as it is
    assert b"garbled" in simb  # SIMB's ack was spoiled
