"""Scripted faults for the venue simulator: a script a person reads, an injector the session driver calls.

``script.py`` documents the script format with examples; ``injector.py`` documents how a session driver
wires a ``FaultInjector``; ``actions.py`` lists what it may be asked to do. From a shell,
``python -m app.venue.faults check SCRIPT`` says what a script will do, or what is wrong with it.
"""

from __future__ import annotations

from app.venue.errors import FaultScriptError, ScriptProblem
from app.venue.faults.actions import (
    Action,
    Bust,
    Correct,
    Disconnect,
    FillBeforeCancel,
    Halt,
    Hold,
    IgnoreRequest,
    PossResend,
    Resume,
    Skip,
    UnsolicitedCancel,
    VenueAction,
    WipeStore,
    WireAction,
    Write,
)
from app.venue.faults.injector import FaultInjector
from app.venue.faults.rules import FaultScript, Rule
from app.venue.faults.script import load_script, parse_script

__all__ = [
    "Action",
    "Bust",
    "Correct",
    "Disconnect",
    "FaultInjector",
    "FaultScript",
    "FaultScriptError",
    "FillBeforeCancel",
    "Halt",
    "Hold",
    "IgnoreRequest",
    "PossResend",
    "Resume",
    "Rule",
    "ScriptProblem",
    "Skip",
    "UnsolicitedCancel",
    "VenueAction",
    "WipeStore",
    "WireAction",
    "Write",
    "load_script",
    "parse_script",
]
