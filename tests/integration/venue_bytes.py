"""The venue simulator replaying one story under a fault script, for ``test_venue_same_bytes``, in its process or in a
child (``python -m tests.integration.venue_bytes FOLDER SEED...`` prints a digest of every session's bytes per seed).

A raw client logs on to SIMA's order session, its drop copy session and the shared market data session over loopback,
subscribes to market data and plays ``STEPS`` (orders, clock moves, market steps), each step waiting until every
session has gone quiet. Every byte the venue writes is kept per session, the timestamps (52, 60, 122, 64, 75) and the
checksums that sum them masked, with the framer's verdict on each frame beside them (a garbled checksum stays visible).
The faults come through the command line's own options (``--faults SCRIPT --seed N``).

The market steps only when a step says (``market_step=None``): a market step every quarter second of wall time,
falling between two of the client's messages at the mercy of the machine's load, is not the simulator's to repeat.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from app.engine.clock import FakeClock
from app.engine.fix import FixMessage
from app.engine.fix.config import SessionConfig, SessionRole
from app.engine.fix.framer import FixFramer, Frame
from app.engine.fix.values import FixValue
from app.venue.__main__ import parse_args
from app.venue.fault_options import read_faults
from app.venue.simulator import VenueSimulator
from tests.support.fix_script import session_config
from tests.unit.venue.fix_kit import T0

SCRIPT = """\
# Every fault at once, at SIMA's order session; the probability draws come from the seed.
1st fill: duplicate with possresend past 1
2nd fill on ACME: reorder
3rd execution report: garble
4th fill: drop
1st ack for B1: delay 20ms
1st ack for R1: unsolicited cancel
1st cancel request for L1: fill first
every fill with probability 0.5: bust
every execution report with probability 0.3: garble
"""

Fields = Sequence[tuple[int, FixValue]]
Step = tuple[str, Fields] | float | None
"""A message to the order session (MsgType, body), seconds to move the venue's clock on, or None for a market step."""

STEPS: list[Step] = [
    ("D", [(11, "L1"), (55, "ACME"), (54, "1"), (38, "200"), (40, "2"), (44, "99.00"), (60, T0)]),
    ("D", [(11, "M1"), (55, "ACME"), (54, "1"), (38, "300"), (40, "1"), (60, T0)]),
    ("D", [(11, "M2"), (55, "ACME"), (54, "2"), (38, "500"), (40, "1"), (60, T0)]),
    ("D", [(11, "B1"), (55, "BOLT"), (54, "1"), (38, "100"), (40, "2"), (44, "20.00"), (60, T0)]),
    1.0,
    None,
    ("F", [(41, "L1"), (11, "C1"), (55, "ACME"), (54, "1"), (60, T0)]),
    ("D", [(11, "R1"), (55, "CORE"), (54, "1"), (38, "100"), (40, "2"), (44, "49.00"), (60, T0)]),
    ("D", [(11, "M3"), (55, "ACME"), (54, "1"), (38, "1500"), (40, "1"), (60, T0)]),
    None,
    0.5,
    ("G", [(41, "B1"), (11, "B2"), (55, "BOLT"), (54, "1"), (38, "200"), (40, "2"), (44, "20.50"), (60, T0)]),
    ("D", [(11, "M4"), (55, "ACME"), (54, "2"), (38, "800"), (40, "1"), (60, T0)]),
    None,
]  # fmt: skip
"""Resting and marketable orders on three books, a delayed ack, a cancel losing its race, a replace, market steps."""

SUBSCRIBE: Fields = [
    (262, "md1"), (263, "1"), (264, 5), (267, 2), (269, "0"), (269, "1"), (146, 2), (55, "ACME"), (55, "BOLT")
]  # fmt: skip

_TIMES = re.compile(rb"\x01(52|60|122|64|75)=([^\x01]*)")
_CHECKSUM = re.compile(rb"\x0110=[0-9]{3}\x01")
_QUIET = 0.05
"""Seconds without a byte on any session that say the venue has answered a step."""

Heard = tuple[tuple[str, ...], bytes]
"""One session's bytes as compared: each frame's verdict ("ok" or why the framer dropped it), and the bytes masked."""


def masked(raw: bytes) -> Heard:
    """``raw`` with every timestamp blanked (same length, so BodyLength stands) and every CheckSum blanked, and the
    framer's verdict on each frame of the unmasked bytes (a garbled checksum must stay visible)."""
    verdicts = tuple("ok" if isinstance(item, Frame) else str(item.reason) for item in FixFramer().feed(raw))
    blank = _TIMES.sub(lambda m: b"\x01" + m[1] + b"=" + b"*" * len(m[2]), raw)
    return verdicts, _CHECKSUM.sub(b"\x0110=***\x01", blank)


def _configs() -> list[SessionConfig]:
    orders = session_config("SIMA", "OEMS", "SIMA", port=0)
    copies = dataclasses.replace(orders, name="SIMA-DC", target_comp_id="SIMADC", role=SessionRole.DROP_COPY)
    quotes = dataclasses.replace(orders, name="SIM-MD", target_comp_id="SIMMD", role=SessionRole.MARKET_DATA)
    return [orders, copies, quotes]


class _Line:
    """The client's end of one session: numbers what it sends, keeps every byte it reads."""

    def __init__(self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.target, self.writer, self.seq = target, writer, 0
        self.heard = bytearray()
        self._reading = asyncio.create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while chunk := await reader.read(1 << 16):
            self.heard += chunk

    def send(self, clock: FakeClock, msg_type: str, fields: Fields) -> None:
        self.seq += 1
        header: list[tuple[int, FixValue]] = [(49, "OEMS"), (56, self.target), (34, self.seq), (52, clock.now())]
        self.writer.write(FixMessage(msg_type, [*header, *fields]).encode())

    async def close(self) -> None:
        self.writer.close()
        self._reading.cancel()
        await asyncio.gather(self._reading, return_exceptions=True)


async def _settle(lines: Sequence[_Line]) -> None:
    """Wait until no session has heard a byte for two quiet spells running."""
    quiet, size = 0, -1
    while quiet < 2:
        now = sum(len(line.heard) for line in lines)
        quiet, size = (quiet + 1 if now == size else 0), now
        await asyncio.sleep(_QUIET)


async def run(seed: int, store: Path, script: Path) -> dict[str, Heard]:
    """One run on fresh stores: log on everywhere, subscribe, play ``STEPS``; every session's bytes, masked."""
    faults = read_faults(parse_args(["--faults", str(script), "--seed", str(seed)]))
    clock = FakeClock()
    venues = VenueSimulator(_configs(), clock, faults, store_path=store, market_step=None)
    await venues.start()
    (venue,) = venues.venues
    assert venues.market_data is not None
    served = {**venue.served, **venues.market_data.served}
    lines: dict[str, _Line] = {}
    try:
        for name, target in (("SIMA", "SIMA"), ("SIMA-DC", "SIMADC"), ("SIM-MD", "SIMMD")):
            connection = await asyncio.open_connection("127.0.0.1", served[name].acceptor.port)
            lines[name] = _Line(target, *connection)
            lines[name].send(clock, "A", [(98, 0), (108, 30)])
        await _settle(list(lines.values()))
        lines["SIM-MD"].send(clock, "V", SUBSCRIBE)
        await _settle(list(lines.values()))
        for step in STEPS:
            if step is None:
                venue.tick()
            elif isinstance(step, float):
                clock.advance(step)
            else:
                lines["SIMA"].send(clock, *step)
            await _settle(list(lines.values()))
    finally:
        for line in lines.values():
            await line.close()
        await venues.close()
    return {name: masked(bytes(line.heard)) for name, line in lines.items()}


def replay(seeds: Sequence[int], folder: Path) -> list[dict[str, Heard]]:
    """``STEPS`` played once per seed, side by side on one loop (each run on its own ports and fresh store in
    ``folder``); every session's bytes as compared, per run."""
    script = folder / "every_fault.txt"
    script.write_text(SCRIPT, encoding="utf-8")

    async def runs() -> list[dict[str, Heard]]:
        return await asyncio.gather(*(run(seed, folder / f"run{n}.sqlite3", script) for n, seed in enumerate(seeds)))

    return asyncio.run(runs())


def digest(heard: dict[str, Heard]) -> str:
    """A short fingerprint of one run's bytes, for comparing runs in different processes."""
    return hashlib.sha256(repr(sorted(heard.items())).encode()).hexdigest()


def main(argv: list[str]) -> None:
    """Replay the seeds given after the folder and print one digest per line."""
    for heard in replay([int(seed) for seed in argv[1:]], Path(argv[0])):
        sys.stdout.write(digest(heard) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
