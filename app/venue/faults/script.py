"""Read a fault script: one rule per line, ``WHEN: WHAT``, in words a person can check against a test's story.

Example (``resources/faults/*.txt`` has one script per fault)::

    # every kind of rule at once, for show
    seed 7
    2nd fill: drop
    every execution report on ACME with probability 0.1: garble
    1st ack for C-9: delay 250ms
    3rd execution report: reorder
    1st fill: duplicate with possresend past 2
    2nd fill: bust
    3rd fill: correct px +0.05
    1st cancel request: fill first
    at 5s: disconnect
    10th message: restart with empty store
    at 8s: halt ACME
    at 20s: resume ACME

Lines: blank, a comment (``#`` to the end of the line), ``seed N`` (at most once; the seed for the
probability draws when the caller gives none), or a rule. Keywords are case-insensitive; venue names,
ClOrdIDs, symbols and tag values are matched exactly. A rule splits at its first colon followed by a space
(or ending the line).

A rule applies to every venue's order session alike, unless it starts with ``venue NAME:`` (or
``venue NAME, NAME:``): then only those venues misbehave, and the others stay sound::

    venue SIMB: 2nd fill: drop
    venue SIMB, SIMC: at 5s: disconnect

WHEN is one of:

* ``at DURATION``: once, when the venue clock is that long after the injector's start.
* ``Nth KIND [filters]``: the Nth message of that kind passing the filters (``1st``, ``2nd``, ``17th`` ...).
* ``every KIND [filters]``: each message of that kind passing the filters.

KIND, for messages the venue sends: ``message`` (any application message), ``execution report`` (35=8),
``ack`` (150=0), ``fill`` (150=F), ``cancel ack`` (150=4), ``replace ack`` (150=5), ``order reject``
(150=8), ``cancel reject`` (35=9); for messages it receives: ``new order`` (35=D), ``cancel request``
(35=F), ``replace request`` (35=G).

Filters, in any order, each at most once except ``with TAG=VALUE``: ``for CLORDID`` (ClOrdID 11 or
OrigClOrdID 41), ``on SYMBOL`` (55), ``with TAG=VALUE`` (e.g. ``with 39=2``), ``after DURATION`` (only from
then on), ``with probability P`` (0 < P <= 1, drawn from the seeded generator each time the rest matches;
also allowed after ``at DURATION``). A rule counts every message passing its kind and filters, whether the
draw lets it fire or not. DURATION is a number and a unit: ``250ms``, ``1.5s``, ``2m``.

WHAT, on a message the venue sends:

* ``drop``: stored but not written, so the counterparty sees a sequence gap.
* ``garble``: written with a wrong CheckSum (10) and the right length; the counterparty's framer drops it.
* ``delay DURATION``: held back that long; later messages overtake it.
* ``reorder`` or ``reorder past N``: held back until the next message (or N messages) has gone out.
* ``duplicate`` (``with possdup``, the default, or ``with possresend``) ``[past N]``: sent again, right after
  or after N more messages: PossDup keeps MsgSeqNum and adds 43=Y and 122; PossResend (97=Y) takes a new one.
* ``disconnect``: written, then the connection closes. ``disconnect before``: closes instead of writing it.
* ``restart with empty store``: written, the connection closes, the store is wiped (sequence numbers to 1).
* ``bust``: the venue busts this fill (150=H); the trigger must be a ``fill``.
* ``correct [qty Q] [px P]``: the venue corrects this fill (150=G, ExecRefID 19 = its ExecID) to LastQty Q and
  LastPx P, CumQty and AvgPx recomputed, the drop copy told too; at least one of the two; a signed value shifts the
  fill's own (``px +0.05``, ``qty -10``), an unsigned one replaces it. The trigger must be a ``fill``.
* ``unsolicited cancel``: the venue cancels this message's order on its own.
* ``halt [SYMBOL]`` / ``resume [SYMBOL]``: the venue halts trading in SYMBOL (or this message's symbol), or lets
  it trade again: while halted, new orders and replaces are rejected as halted, resting orders stay and do not
  match, cancels still work, and market data subscribers get a SecurityStatus (35=f, 326=2, then 326=3).

On a message the venue receives (``cancel request``, ``replace request``): ``fill first``: the venue fills
the order before acting on the request. On any request it receives: ``ignore``: the venue never acts on it
nor answers (a request lost inside the venue; only the desk's own retry gets it done). At a time:
``disconnect``, ``restart with empty store``, ``bust EXECID``, ``correct EXECID [qty Q] [px P]``,
``unsolicited cancel CLORDID``,
``unsolicited cancel on SYMBOL``, ``halt SYMBOL`` or ``resume SYMBOL``.

Every problem is reported with the file and line (``FaultScriptError.problems``); a script with any bad line
is refused as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final

from app.venue.errors import FaultScriptError, ScriptProblem
from app.venue.faults.rules import KINDS, Change, Effect, Fault, FaultScript, Kind, MessageTrigger, Rule, TimeTrigger

_SPLIT: Final = re.compile(r":(?=\s|$)")
_ORDINAL: Final = re.compile(r"([1-9][0-9]{0,8})(st|nd|rd|th)")
_DURATION: Final = re.compile(r"([0-9]{1,9}(?:\.[0-9]{1,3})?)(ms|s|m)")
_COUNT: Final = re.compile(r"[1-9][0-9]{0,4}")
_AMOUNT: Final = re.compile(r"[+-]?[0-9]{1,12}(?:\.[0-9]{1,8})?")
_CORRECTED: Final = {"qty": "quantity", "px": "price"}
_FIELD: Final = re.compile(r"([1-9][0-9]{0,8})=(\S+)")
_SEED: Final = re.compile(r"-?[0-9]{1,19}")
_NAMES: Final = re.compile(r"[\s,]+")
_VENUE: Final = re.compile(r"venue(?=[\s,:]|$)", re.IGNORECASE)
_UNIT_MS: Final = {"ms": 1, "s": 1000, "m": 60_000}
_LONGEST_KIND: Final = max(len(name.split()) for name in KINDS)
_FILTER_WORDS: Final = frozenset({"for", "on", "after", "with probability"})
_FILTERS: Final = "'for CLORDID', 'on SYMBOL', 'with TAG=VALUE', 'after DURATION' or 'with probability P'"


class _LineError(Exception):
    """A problem on the line being read; becomes a ``ScriptProblem`` with the line number."""


def load_script(path: Path, venues: Collection[str] | None = None) -> FaultScript:
    """Read and parse the script at ``path``; ``FaultScriptError`` names the file and line of each problem.

    With ``venues``, a rule aimed at a venue not among them is a problem too.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FaultScriptError([ScriptProblem(str(path), 0, f"cannot read the script: {exc}")]) from exc
    return parse_script(text, str(path), venues)


def parse_script(text: str, source: str = "<script>", venues: Collection[str] | None = None) -> FaultScript:
    """Parse a script's text; ``source`` names it in errors. Raises ``FaultScriptError`` listing every bad line.

    With ``venues`` (the names the simulator runs), a rule aimed at any other venue is refused.
    """
    rules: list[Rule] = []
    problems: list[ScriptProblem] = []
    seeds: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            if line.split()[0].lower() == "seed":
                seeds.append(_seed(line, bool(seeds)))
            else:
                rules.append(_rule(number, line, venues))
        except _LineError as exc:
            problems.append(ScriptProblem(source, number, str(exc)))
    if not rules and not problems:
        problems.append(ScriptProblem(source, 0, "the script has no rules"))
    if problems:
        raise FaultScriptError(problems)
    return FaultScript(source, tuple(rules), seeds[0] if seeds else 0)


def _seed(line: str, again: bool) -> int:
    words = line.split()
    if again:
        raise _LineError("the seed is given twice; give it once")
    if len(words) != 2 or _SEED.fullmatch(words[1]) is None:
        raise _LineError(f"'seed' takes one whole number, as in 'seed 7', not {line!r}")
    return int(words[1])


def _rule(number: int, line: str, known: Collection[str] | None) -> Rule:
    aimed: tuple[str, ...] = ()
    if _VENUE.match(line):
        aimed, line = _venues(line, known)
    parts = _SPLIT.split(line, maxsplit=1)
    if len(parts) != 2 or not parts[1].strip():
        raise _LineError(f"a rule is 'WHEN: WHAT', as in '2nd fill: drop'; found no 'WHAT' after a colon in {line!r}")
    words = parts[0].split()
    if not words:
        raise _LineError("the rule has nothing before its colon: say when it fires, e.g. '2nd fill' or 'at 5s'")
    trigger, chance = _when(words)
    fault = _what(parts[1].split(), trigger)
    return Rule(number, trigger, fault, chance, aimed)


def _venues(line: str, known: Collection[str] | None) -> tuple[tuple[str, ...], str]:
    """The venues ``venue NAME[, NAME]: RULE`` aims at, and the rule after the colon."""
    parts = _SPLIT.split(line, maxsplit=1)
    names = [name for name in _NAMES.split(parts[0])[1:] if name]
    if len(parts) != 2 or not names or len(_SPLIT.split(parts[1], maxsplit=1)) != 2:
        raise _LineError(
            f"a rule for one venue is 'venue NAME: WHEN: WHAT', as in 'venue SIMB: 2nd fill: drop'; not {line!r}"
        )
    if known is not None:
        unknown = [name for name in names if name not in known]
        if unknown:
            listed = ", ".join(sorted(known))
            raise _LineError(f"there is no simulated venue {', '.join(unknown)}; the venues are {listed}")
    return tuple(dict.fromkeys(names)), parts[1].strip()


# WHEN


def _when(words: list[str]) -> tuple[MessageTrigger | TimeTrigger, Decimal | None]:
    head = words[0].lower()
    if head == "at":
        if len(words) < 2:
            raise _LineError("'at' needs a time, as in 'at 5s'")
        chance = _chance_only(words[2:])
        return TimeTrigger(_duration(words[1])), chance
    nth: int | None
    if head == "every":
        nth = None
    elif (found := _ORDINAL.fullmatch(head)) is not None:
        nth = int(found.group(1))
    else:
        raise _LineError(
            f"a rule starts with 'at DURATION', 'every KIND' or an ordinal like '3rd KIND', not {words[0]!r}"
        )
    kind, rest = _kind(words[1:])
    return _filters(kind, nth, rest)


def _kind(words: list[str]) -> tuple[Kind, list[str]]:
    for size in range(min(_LONGEST_KIND, len(words)), 0, -1):
        kind = KINDS.get(" ".join(words[:size]).lower())
        if kind is not None:
            return kind, words[size:]
    known = ", ".join(repr(name) for name in KINDS)
    given = repr(" ".join(words)) if words else "nothing"
    raise _LineError(f"expected a message kind ({known}) but found {given}")


def _chance_only(words: list[str]) -> Decimal | None:
    if not words:
        return None
    if len(words) == 3 and [w.lower() for w in words[:2]] == ["with", "probability"]:
        return _probability(words[2])
    raise _LineError(f"after 'at DURATION' only 'with probability P' may follow, not {' '.join(words)!r}")


def _filters(kind: Kind, nth: int | None, words: list[str]) -> tuple[MessageTrigger, Decimal | None]:
    found: dict[str, str] = {}
    fields: list[tuple[int, str]] = []
    at = 0
    while at < len(words):
        word = words[at].lower()
        if word == "with" and words[at + 1 : at + 2] and words[at + 1].lower() == "probability":
            word, at = "with probability", at + 1
        if at + 1 == len(words):
            raise _LineError(f"{words[at]!r} at the end of the trigger needs a value: {_FILTERS}")
        value = words[at + 1]
        if word == "with":
            fields.append(_field(value))
        elif word in _FILTER_WORDS:
            if word in found:
                raise _LineError(f"the filter {word!r} is given twice")
            found[word] = value
        else:
            raise _LineError(f"unexpected {words[at]!r} after the message kind: filters are {_FILTERS}")
        at += 2
    after, chance = found.get("after"), found.get("with probability")
    trigger = MessageTrigger(
        kind,
        nth,
        cl_ord_id=found.get("for"),
        symbol=found.get("on"),
        fields=tuple(fields),
        not_before=None if after is None else _duration(after),
    )
    return trigger, None if chance is None else _probability(chance)


def _field(text: str) -> tuple[int, str]:
    found = _FIELD.fullmatch(text)
    if found is None:
        raise _LineError(f"'with' takes TAG=VALUE, as in 'with 39=2', or 'probability P'; not {text!r}")
    return int(found.group(1)), found.group(2)


def _probability(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 < value <= 1:
        raise _LineError(f"a probability is a number above 0 and at most 1, as in 0.25; not {text!r}")
    return value


def _duration(text: str) -> timedelta:
    found = _DURATION.fullmatch(text.lower())
    if found is None:
        raise _LineError(f"a duration is a number and a unit (ms, s or m), as in 250ms, 1.5s or 2m; not {text!r}")
    ms = Decimal(found.group(1)) * _UNIT_MS[found.group(2)]
    if ms != ms.to_integral_value():
        raise _LineError(f"durations are whole milliseconds; {text!r} is not")
    return timedelta(milliseconds=int(ms))


def _count(text: str, what: str) -> int:
    if _COUNT.fullmatch(text) is None:
        raise _LineError(f"{what} needs a whole number of messages from 1 to 99999, not {text!r}")
    return int(text)


# WHAT


def _what(words: list[str], trigger: MessageTrigger | TimeTrigger) -> Fault:
    fault = _fault(words, trigger)
    _check_fits(fault, trigger, " ".join(words))
    return fault


def _fault(words: list[str], trigger: MessageTrigger | TimeTrigger) -> Fault:
    said = [w.lower() for w in words]
    head, args = said[0], words[1:]
    plain = _PLAIN.get(" ".join(said))
    if plain is not None:
        return Fault(plain)
    if head == "delay" and len(args) == 1:
        span = _duration(args[0])
        if not span:
            raise _LineError("'delay' needs a time above zero, as in 'delay 250ms'")
        return Fault(Effect.DELAY, delay=span)
    if head == "reorder":
        return Fault(Effect.REORDER, count=_past(said[1:], "reorder", default=1))
    if head == "duplicate":
        return _duplicate(said[1:])
    if head == "bust" and len(args) <= 1:
        return Fault(Effect.BUST, exec_id=args[0] if args else None)
    if head == "correct":
        return _correct(args)
    if said[:2] == ["unsolicited", "cancel"]:
        return _unsolicited_cancel(words[2:])
    if head in ("halt", "resume") and len(args) <= 1:
        return Fault(Effect.HALT if head == "halt" else Effect.RESUME, symbol=args[0] if args else None)
    raise _LineError(f"unknown fault {' '.join(words)!r}: faults are {_FAULTS}")


_PLAIN: Final = {
    "drop": Effect.DROP,
    "garble": Effect.GARBLE,
    "disconnect": Effect.DISCONNECT,
    "ignore": Effect.IGNORE,
    "disconnect before": Effect.DISCONNECT_BEFORE,
    "restart with empty store": Effect.RESTART,
    "fill first": Effect.FILL_FIRST,
}
"""Faults said in fixed words, taking no arguments."""
_FAULTS: Final = (
    "'drop', 'garble', 'delay DURATION', 'reorder [past N]', 'duplicate [with possdup|possresend] [past N]', "
    "'disconnect [before]', 'restart with empty store', 'bust [EXECID]', 'correct [EXECID] [qty Q] [px P]', "
    "'unsolicited cancel [CLORDID | on SYMBOL]', 'halt [SYMBOL]', 'resume [SYMBOL]', 'fill first' and 'ignore'"
)


def _past(said: list[str], what: str, default: int) -> int:
    if not said:
        return default
    if len(said) == 2 and said[0] == "past":
        return _count(said[1], f"'{what} past'")
    raise _LineError(f"'{what}' may be followed only by 'past N', not {' '.join(said)!r}")


def _duplicate(said: list[str]) -> Fault:
    effect = Effect.DUPLICATE
    if said[:1] == ["with"]:
        flag = said[1] if len(said) > 1 else "nothing"
        if flag not in ("possdup", "possresend"):
            raise _LineError(f"'duplicate with' takes 'possdup' (43=Y) or 'possresend' (97=Y), not {flag!r}")
        effect = Effect.POSS_RESEND if flag == "possresend" else Effect.DUPLICATE
        said = said[2:]
    return Fault(effect, count=_past(said, "duplicate", default=0))


def _correct(args: list[str]) -> Fault:
    exec_id = args[0] if args and args[0].lower() not in _CORRECTED else None
    pairs = args[1:] if exec_id is not None else args
    changes: dict[str, Change] = {}
    for at in range(0, len(pairs), 2):
        name = pairs[at].lower()
        if name not in _CORRECTED or at + 1 == len(pairs):
            raise _LineError(
                f"'correct' takes '[EXECID] [qty Q] [px P]', as in 'correct px +0.05'; not {' '.join(args)!r}"
            )
        if name in changes:
            raise _LineError(f"'correct' gives {name!r} twice")
        changes[name] = _change(pairs[at + 1], _CORRECTED[name])
    if not changes:
        raise _LineError("'correct' needs what to correct: 'qty Q', 'px P' or both, as in 'correct px +0.05'")
    return Fault(Effect.CORRECT, exec_id=exec_id, new_qty=changes.get("qty"), new_px=changes.get("px"))


def _change(text: str, what: str) -> Change:
    if _AMOUNT.fullmatch(text) is None:
        raise _LineError(
            f"the {what} to correct to is a number (100.05), or a signed one to shift the fill's (+0.05, -10); "
            f"not {text!r}"
        )
    amount = Decimal(text)
    shift = text[0] in "+-"
    if not shift and amount <= 0:
        raise _LineError(f"a corrected {what} is above zero; {text!r} is not (a fill corrected to nothing is a bust)")
    return Change(amount, shift)


def _unsolicited_cancel(args: list[str]) -> Fault:
    if not args:
        return Fault(Effect.UNSOLICITED_CANCEL)
    if len(args) == 1 and args[0].lower() != "on":
        return Fault(Effect.UNSOLICITED_CANCEL, cl_ord_id=args[0])
    if len(args) == 2 and args[0].lower() == "on":
        return Fault(Effect.UNSOLICITED_CANCEL, symbol=args[1])
    raise _LineError(f"'unsolicited cancel' takes nothing, a ClOrdID or 'on SYMBOL', not {' '.join(args)!r}")


_AT_A_TIME: Final = frozenset(
    {Effect.DISCONNECT, Effect.RESTART, Effect.BUST, Effect.CORRECT, Effect.UNSOLICITED_CANCEL, Effect.HALT,
     Effect.RESUME}
)  # fmt: skip


def _check_fits(fault: Fault, trigger: MessageTrigger | TimeTrigger, said: str) -> None:
    """Refuse a fault its trigger gives nothing to act on."""
    effect = fault.effect
    if isinstance(trigger, TimeTrigger):
        if effect not in _AT_A_TIME:
            raise _LineError(
                f"{said!r} acts on a message, but 'at' names a time; use a message trigger like '2nd fill'"
            )
        if effect in (Effect.BUST, Effect.CORRECT) and fault.exec_id is None:
            raise _LineError(f"'{effect}' at a time needs the ExecID of the fill, as in '{effect} E-12'")
        if effect is Effect.UNSOLICITED_CANCEL and fault.cl_ord_id is None and fault.symbol is None:
            raise _LineError(
                "'unsolicited cancel' at a time needs an order, as in 'unsolicited cancel C-3' or 'on ACME'"
            )
        if effect in (Effect.HALT, Effect.RESUME) and fault.symbol is None:
            raise _LineError(f"'{effect}' at a time needs the symbol, as in '{effect} ACME'")
        return
    name = trigger.kind.name
    if not trigger.kind.sent and effect not in (Effect.FILL_FIRST, Effect.IGNORE):
        raise _LineError(f"the venue receives a {name!r}, so only 'fill first' or 'ignore' can act on it, not {said!r}")
    if trigger.kind.sent and effect is Effect.IGNORE:
        raise _LineError(f"'ignore' acts on a request the venue receives, not on a {name!r} it sends")
    if effect is Effect.FILL_FIRST and name not in ("cancel request", "replace request"):
        raise _LineError(f"'fill first' acts on a 'cancel request' or 'replace request', not a {name!r}")
    if effect in (Effect.BUST, Effect.CORRECT) and fault.exec_id is None and name != "fill":
        raise _LineError(
            f"'{effect}' without an ExecID acts on the fill that fired the rule: the trigger must be a 'fill', "
            f"not {name!r}"
        )
