"""Run the venue simulator on its own: ``python -m app.venue [SESSIONS.toml] [--faults SCRIPT] [--fault RULE] [--seed N]
[--halt [VENUE:]SYMBOL[@TIME]] [--resume [VENUE:]SYMBOL@TIME] [--hours VENUE:HH:MM-HH:MM[@ZONE]] [--store PATH]``.

It listens on the ports the sessions file names (the desktop's default file unless another is given) and
runs until interrupted, so another desktop, or a QuickFIX initiator, can trade against it. With ``--faults``
the order sessions misbehave as the script says, every venue's or those its rules name (``resources/faults/``
has examples); ``--fault "2nd fill: bust"`` adds one rule in the script's words, with or without a script (as often
as wanted); ``--seed`` replaces the script's own seed; ``--halt SIMB:ACME@5s --resume SIMB:ACME@20s`` halts
ACME at SIMB five seconds after the start and lets it trade again at twenty (with or without a script).
``--hours SIMB:09:30-16:00@America/New_York`` has SIMB take orders only in those hours on its trading days (the venues
are non-stop without it). ``--store PATH`` keeps the venues' sessions (sequence numbers, sent messages) and orders of
the day (working and finished) in that SQLite file across restarts, as real venues do; without it they start empty each
time. A script or option with mistakes is refused before anything starts, each mistake
named with its file and line, or its option and value.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path

from app.engine.clock import SystemClock
from app.engine.errors import OemsError
from app.engine.fix.config import default_config_path, load_config
from app.venue.errors import FaultScriptError, VenueOptionError
from app.venue.fault_options import add_fault_options, read_faults, refuse_script
from app.venue.hours_options import add_hours_option, hours_words, read_hours, refuse_hours
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile
from app.venue.simulator import Faults, VenueSimulator


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m app.venue", description="Run the venue simulator on its own.")
    parser.add_argument("sessions", nargs="?", type=Path, default=default_config_path(), help="FIX sessions (TOML)")
    add_fault_options(parser)
    add_hours_option(parser)
    parser.add_argument(
        "--store", type=Path, default=None, help="SQLite file the venues remember sessions and orders in"
    )
    return parser.parse_args(argv)


async def serve(
    path: Path,
    faults: Faults | None = None,
    profiles: Mapping[str, VenueProfile] = DEFAULT_PROFILES,
    store: Path | None = None,
) -> None:
    """Start every venue the file names (as ``profiles`` describe it, remembering in ``store`` if given) and run
    until cancelled."""
    simulator = VenueSimulator(load_config(path), SystemClock(), faults, profiles, store)
    await simulator.start()
    for venue in simulator.venues:
        ports = ", ".join(f"{name} on {s.acceptor.port}" for name, s in venue.served.items())
        print(f"{venue.profile.name}: {ports} ({hours_words(venue.profile)})", flush=True)
    if store is not None:
        print(f"Venue store: {store} ({'new' if simulator.store and simulator.store.fresh else 'restored'})")
    if faults is not None:
        aimed = sum(1 for rule in faults.script.rules if rule.venues)
        count = len(faults.script.rules)
        print(f"Faults from {faults.script.source}: {count} rule(s), {aimed} of them aimed at named venues")
    try:
        await asyncio.Event().wait()
    finally:
        await simulator.close()


def main(argv: list[str]) -> int:
    """Entry point; returns the exit code."""
    args = parse_args(argv)
    try:
        faults = read_faults(args)
        profiles = read_hours(args)
    except FaultScriptError as problem:
        return refuse_script(problem)
    except VenueOptionError as problem:
        return refuse_hours(problem)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        asyncio.run(serve(args.sessions, faults, profiles, args.store))
    except OemsError as problem:
        print(f"The venue simulator cannot start: {problem}", file=sys.stderr)
        return 2
    except sqlite3.Error as problem:
        print(f"The venue simulator cannot use its store {args.store}: {problem}", file=sys.stderr)
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
