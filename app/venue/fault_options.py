"""The fault-script options of the simulator's command lines (``python -m app.venue`` and ``python -m app``).

``--faults SCRIPT`` makes the simulated order sessions misbehave as the script says (every venue's, or those a
rule names with ``venue NAME:``); ``--fault RULE`` (as often as wanted) adds one rule in the script's own words, so
every fault kind can be asked for on the command line alone (``--fault "2nd fill: bust"``); ``--seed N`` replaces the
script's own seed. ``--halt [VENUE:]SYMBOL[@TIME]``
halts a symbol (at one venue, or at every venue listing it) from the start or TIME after it, and
``--resume [VENUE:]SYMBOL@TIME`` lets it trade again: each is the script rule ``[venue VENUE:] at TIME: halt
SYMBOL`` added to the script's, so ``--halt SIMB:ACME@5s --resume SIMB:ACME@20s`` needs no script at all. A script
or option with mistakes is refused before anything starts: each mistake is said with its file and line, or with the
option and its value (``--halt SIMB:FLUX@5s: no venue it applies to lists FLUX``), and the command exits with
status 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Mapping
from pathlib import Path

from app.venue.errors import FaultScriptError, ScriptProblem
from app.venue.faults import FaultScript, load_script, parse_script
from app.venue.faults.rules import Effect
from app.venue.profiles import DEFAULT_PROFILES, VenueProfile
from app.venue.simulator import Faults

COMMAND_LINE = "the command line"
"""The source named for rules that come from ``--fault``, ``--halt`` and ``--resume`` alone."""


def add_fault_options(parser: argparse.ArgumentParser) -> None:
    """``--faults SCRIPT``, ``--seed N``, ``--halt`` and ``--resume``, shared with the desktop's command line."""
    parser.add_argument("--faults", type=Path, metavar="SCRIPT", help="make the venues misbehave as this script says")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="RULE",
        help='add one fault script rule, e.g. "2nd fill: bust" or "venue SIMB: 5th message: disconnect"',
    )
    parser.add_argument("--seed", type=int, help="seed for the script's random draws (default: the script's own)")
    parser.add_argument(
        "--halt",
        action="append",
        default=[],
        metavar="[VENUE:]SYMBOL[@TIME]",
        help="halt trading in SYMBOL (at VENUE only) from the start, or TIME after it (e.g. SIMB:ACME@5s)",
    )
    parser.add_argument(
        "--resume",
        action="append",
        default=[],
        metavar="[VENUE:]SYMBOL@TIME",
        help="let a halted SYMBOL trade again TIME after the start (e.g. SIMB:ACME@20s)",
    )


def read_faults(args: argparse.Namespace) -> Faults | None:
    """The fault script the command line names, read, with its ``--fault``, ``--halt`` and ``--resume`` rules added;
    ``FaultScriptError`` lists every mistake."""
    problems: list[ScriptProblem] = []
    parts: list[FaultScript] = []
    texts = [
        (f"--{option} {value}", option, value)
        for option in ("fault", "halt", "resume")
        for value in getattr(args, option)
    ]
    for source, option, value in texts:
        try:
            part = parse_script(_rule_text(option, value), source, DEFAULT_PROFILES)
            rules = tuple(dataclasses.replace(rule, option=source) for rule in part.rules)  # said as the option
            parts.append(checked(dataclasses.replace(part, rules=rules)))
        except FaultScriptError as exc:
            problems += [dataclasses.replace(p, line=None) for p in exc.problems]
    try:
        script = None if args.faults is None else checked(load_script(args.faults, DEFAULT_PROFILES))
    except FaultScriptError as exc:
        problems[:0] = exc.problems
    if problems:
        raise FaultScriptError(problems)
    if script is None and not parts:
        return None
    whole = FaultScript(COMMAND_LINE, ()) if script is None else script
    added = tuple(rule for part in parts for rule in part.rules)
    return Faults(FaultScript(whole.source, whole.rules + added, whole.seed), args.seed)


def checked(script: FaultScript) -> FaultScript:
    """``script``, once every halt and resume in it names a symbol a venue it applies to lists; else
    ``FaultScriptError`` naming each that does not."""
    problems = unlisted_symbols(script, DEFAULT_PROFILES)
    if problems:
        raise FaultScriptError(problems)
    return script


def unlisted_symbols(script: FaultScript, profiles: Mapping[str, VenueProfile]) -> list[ScriptProblem]:
    """A problem for each halt or resume naming a symbol that no venue it applies to lists."""
    problems = []
    for rule in script.rules:
        symbol = rule.fault.symbol
        if rule.fault.effect not in (Effect.HALT, Effect.RESUME) or symbol is None:
            continue
        venues = [profiles[name] for name in rule.venues or profiles if name in profiles]
        if not any(symbol in venue.symbols for venue in venues):
            listed = "; ".join(f"{venue.name} lists {', '.join(venue.symbols)}" for venue in venues)
            line = None if rule.option else rule.line
            problems.append(ScriptProblem(script.source, line, f"no venue it applies to lists {symbol}: {listed}"))
    return problems


def _rule_text(option: str, value: str) -> str:
    """``--halt SIMB:ACME@5s`` as the script line ``venue SIMB: at 5s: halt ACME``; a ``--fault`` is one already."""
    if option == "fault":
        return value
    target, _, when = value.partition("@")
    venue, _, symbol = target.rpartition(":")
    if not symbol or (option == "resume" and not when):
        example = "SIMB:ACME@20s" if option == "resume" else "SIMB:ACME@5s or ACME"
        raise FaultScriptError([ScriptProblem(f"--{option} {value}", None, f"--{option} takes {example}")])
    aimed = f"venue {venue}: " if venue else ""
    return f"{aimed}at {when or '0s'}: {option} {symbol}"


def refuse_script(problem: FaultScriptError) -> int:
    """Say every mistake in a fault script on standard error; the exit code for it."""
    for each in problem.problems:
        print(each, file=sys.stderr)
    print(f"The fault script was refused ({len(problem.problems)} problem(s)); nothing was started.", file=sys.stderr)
    return 2
