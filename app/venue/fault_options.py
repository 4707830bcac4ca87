"""The fault-script options of the simulator's command lines (``python -m app.venue`` and ``python -m app``).

``--faults SCRIPT`` makes the simulated order sessions misbehave as the script says (every venue's, or those a
rule names with ``venue NAME:``); ``--seed N`` replaces the script's own seed. A script with mistakes is refused
before anything starts: each mistake is said with its file and line, and the command exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.venue.errors import FaultScriptError
from app.venue.faults import load_script
from app.venue.profiles import DEFAULT_PROFILES
from app.venue.simulator import Faults


def add_fault_options(parser: argparse.ArgumentParser) -> None:
    """``--faults SCRIPT`` and ``--seed N``, shared with the desktop's command line."""
    parser.add_argument("--faults", type=Path, metavar="SCRIPT", help="make the venues misbehave as this script says")
    parser.add_argument("--seed", type=int, help="seed for the script's random draws (default: the script's own)")


def read_faults(args: argparse.Namespace) -> Faults | None:
    """The fault script the command line names, read; ``FaultScriptError`` lists every mistake in it."""
    if args.faults is None:
        return None
    return Faults(load_script(args.faults, DEFAULT_PROFILES), args.seed)


def refuse_script(problem: FaultScriptError) -> int:
    """Say every mistake in a fault script on standard error; the exit code for it."""
    for each in problem.problems:
        print(each, file=sys.stderr)
    print(f"The fault script was refused ({len(problem.problems)} problem(s)); nothing was started.", file=sys.stderr)
    return 2
