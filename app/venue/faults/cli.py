"""Check a fault script from a shell: ``python -m app.venue.faults check SCRIPT`` says what it will do."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.venue.errors import FaultScriptError
from app.venue.fault_options import checked
from app.venue.faults.script import load_script
from app.venue.profiles import DEFAULT_PROFILES


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m app.venue.faults", description="Work with venue fault scripts.")
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="parse a script and say what each rule will do")
    check_parser.add_argument("script", type=Path, help="the fault script's file")
    args = parser.parse_args(argv)
    return check(args.script)


def check(path: Path) -> int:
    """Print what the script at ``path`` will do (0), or every problem in it (1, on standard error)."""
    try:
        script = checked(load_script(path, DEFAULT_PROFILES))
    except FaultScriptError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"FAILED: {path} has {len(exc.problems)} problem(s); nothing was run.", file=sys.stderr)
        return 1
    count = len(script.rules)
    print(f"OK: {path}: {count} rule{'s' if count != 1 else ''}, seed {script.seed} unless the venue gives one.")
    for line in script.describe():
        print(f"  {line}")
    return 0
