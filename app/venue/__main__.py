"""Run the venue simulator on its own: ``python -m app.venue [SESSIONS.toml]``.

It listens on the ports the sessions file names (the desktop's default file unless another is given) and
runs until interrupted, so another desktop, or a QuickFIX initiator, can trade against it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.errors import OemsError
from app.engine.fix.config import default_config_path, load_config
from app.venue.simulator import VenueSimulator


async def serve(path: Path) -> None:
    """Start every venue the file names and run until cancelled."""
    simulator = VenueSimulator(load_config(path), SystemClock())
    await simulator.start()
    for venue in simulator.venues:
        ports = ", ".join(f"{name} on {s.acceptor.port}" for name, s in venue.served.items())
        print(f"{venue.profile.name}: {ports}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await simulator.close()


def main(argv: list[str]) -> int:
    """Entry point; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    path = Path(argv[0]) if argv else default_config_path()
    try:
        asyncio.run(serve(path))
    except OemsError as problem:
        print(f"The venue simulator cannot start: {problem}", file=sys.stderr)
        return 2
    except OSError as problem:
        print(
            f"The venue simulator cannot listen: {problem.strerror or problem} (is it already running?)",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
