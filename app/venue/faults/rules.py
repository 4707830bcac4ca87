"""A parsed fault script: rules of a trigger (a message or a time) and one fault, each able to say what it does.

``script.py`` builds these from text; ``injector.py`` applies them. Nothing here reads the clock or draws
random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

from app.engine.enums import ExecType
from app.engine.fix import FixMessage, MsgType
from app.engine.fix.tags import CL_ORD_ID, EXEC_TYPE, ORIG_CL_ORD_ID, SYMBOL, tag_name


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of application message a rule counts: sent by the venue, or received by it."""

    name: str
    """The words a script uses for it, e.g. ``fill``."""
    sent: bool
    """True for messages the venue sends, False for messages it receives."""
    msg_type: str | None
    """MsgType (35) it must have; None for any application message."""
    exec_type: str | None = None
    """ExecType (150) it must have, for execution reports."""

    def matches(self, message: FixMessage) -> bool:
        """Whether ``message`` is of this kind (its direction is the caller's business)."""
        if self.msg_type is not None and message.msg_type != self.msg_type:
            return False
        return self.exec_type is None or message.get(EXEC_TYPE) == self.exec_type

    def describe(self) -> str:
        """What the kind means on the wire, e.g. ``fill (35=8, 150=F)``."""
        wire = [f"35={self.msg_type}"] if self.msg_type else []
        wire += [f"150={self.exec_type}"] if self.exec_type else []
        return f"{self.name} ({', '.join(wire)})" if wire else f"{self.name} (any application message)"


_REPORT = MsgType.EXECUTION_REPORT
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("message", True, None),
        Kind("execution report", True, _REPORT),
        Kind("ack", True, _REPORT, ExecType.NEW),
        Kind("fill", True, _REPORT, ExecType.TRADE),
        Kind("cancel ack", True, _REPORT, ExecType.CANCELED),
        Kind("replace ack", True, _REPORT, ExecType.REPLACED),
        Kind("order reject", True, _REPORT, ExecType.REJECTED),
        Kind("cancel reject", True, MsgType.ORDER_CANCEL_REJECT),
        Kind("new order", False, MsgType.NEW_ORDER_SINGLE),
        Kind("cancel request", False, MsgType.ORDER_CANCEL_REQUEST),
        Kind("replace request", False, MsgType.ORDER_CANCEL_REPLACE_REQUEST),
    )
}
"""Every kind a script may name, by its words."""


class Effect(StrEnum):
    """What a rule does when it fires."""

    DROP = "drop"
    """Leave the message unwritten (it stays stored): the counterparty sees a sequence gap."""
    GARBLE = "garble"
    """Write the message with a wrong CheckSum (10): the counterparty's framer drops it."""
    DELAY = "delay"
    """Hold the message back for a time."""
    REORDER = "reorder"
    """Hold the message back until the next ``count`` messages have gone out."""
    DUPLICATE = "duplicate"
    """Send the message again with PossDupFlag (43=Y) and OrigSendingTime (122), same MsgSeqNum."""
    POSS_RESEND = "duplicate with possresend"
    """Send the message again under a new MsgSeqNum with PossResend (97=Y)."""
    DISCONNECT = "disconnect"
    """Write the message, then close the connection."""
    DISCONNECT_BEFORE = "disconnect before"
    """Close the connection instead of writing the message (it stays stored)."""
    RESTART = "restart with empty store"
    """Write the message, close the connection, and wipe the store: sequence numbers go back to 1."""
    BUST = "bust"
    """The venue busts a fill (150=H)."""
    CORRECT = "correct"
    """The venue corrects a fill's quantity or price (150=G)."""
    UNSOLICITED_CANCEL = "unsolicited cancel"
    """The venue cancels a resting order on its own."""
    FILL_FIRST = "fill first"
    """The venue fills the order before acting on the cancel or replace just received."""
    IGNORE = "ignore"
    """The venue takes the request in (its MsgSeqNum counts) but never acts on it or answers: lost inside it."""
    HALT = "halt"
    """The venue halts trading in a symbol: new orders and replaces refused, resting orders stay unmatched."""
    RESUME = "resume"
    """The venue lets a halted symbol trade again."""


@dataclass(frozen=True, slots=True)
class Change:
    """A corrected quantity or price: ``amount`` itself, or (``shift``) the fill's own plus ``amount``."""

    amount: Decimal
    shift: bool = False

    def apply(self, old: Decimal) -> Decimal:
        """The corrected value of ``old``."""
        return old + self.amount if self.shift else self.amount

    def describe(self, what: str) -> str:
        """In words, e.g. ``price up 0.05`` or ``quantity to 50``."""
        if not self.shift:
            return f"{what} to {self.amount}"
        return f"{what} {'up' if self.amount > 0 else 'down'} {abs(self.amount)}"


@dataclass(frozen=True, slots=True)
class Fault:
    """A rule's effect with its arguments."""

    effect: Effect
    delay: timedelta = timedelta(0)
    """How long DELAY holds the message."""
    count: int = 0
    """How many later messages REORDER (and a deferred duplicate) let go first."""
    exec_id: str | None = None
    """BUST, CORRECT: the ExecID of the fill; None for the fill that fired the rule."""
    new_qty: Change | None = None
    """CORRECT: the fill's corrected LastQty (None keeps it)."""
    new_px: Change | None = None
    """CORRECT: the fill's corrected LastPx (None keeps it)."""
    cl_ord_id: str | None = None
    """UNSOLICITED_CANCEL: the order to cancel; None (and no symbol) cancels the message's order."""
    symbol: str | None = None
    """UNSOLICITED_CANCEL: cancel every resting order in this symbol. HALT, RESUME: the symbol (None: the
    message's)."""

    def describe(self, *, at_time: bool = False) -> str:
        """What the fault does, in words; ``at_time`` when a time, not a message, fires it."""
        effect = self.effect
        if at_time and effect in (Effect.DISCONNECT, Effect.RESTART):
            return _DESCRIPTIONS[effect].removeprefix("write it, ").replace("then close", "close")
        if effect is Effect.DELAY:
            return f"hold it back for {_duration(self.delay)}, letting later messages overtake it"
        if effect is Effect.REORDER:
            return f"hold it back until {_next(self.count)} gone out first"
        if effect in (Effect.DUPLICATE, Effect.POSS_RESEND):
            return _DESCRIPTIONS[effect] + (
                f", after {_next(self.count)} gone out" if self.count else ", right after it"
            )
        if effect is Effect.BUST:
            return f"the venue busts fill {self.exec_id} (150=H)" if self.exec_id else _DESCRIPTIONS[effect]
        if effect is Effect.CORRECT:
            changes = [c.describe(w) for c, w in ((self.new_qty, "quantity"), (self.new_px, "price")) if c is not None]
            which = f"fill {self.exec_id}" if self.exec_id else "this fill right after it"
            return f"the venue corrects {which} (150=G): {' and '.join(changes)}"
        if effect is Effect.UNSOLICITED_CANCEL and (self.cl_ord_id or self.symbol):
            target = f"order {self.cl_ord_id}" if self.cl_ord_id else f"every resting order in {self.symbol}"
            return f"the venue cancels {target} on its own (150=4)"
        if effect in (Effect.HALT, Effect.RESUME) and self.symbol:
            return _DESCRIPTIONS[effect].replace("this message's symbol", self.symbol)
        return _DESCRIPTIONS[effect]


_DESCRIPTIONS = {
    Effect.DROP: "drop it: stored but not written, so the counterparty sees a sequence gap and asks for a resend",
    Effect.GARBLE: "write it with a wrong CheckSum (10), so the counterparty's framer drops it",
    Effect.DUPLICATE: "send it again with PossDupFlag (43=Y), OrigSendingTime (122) and the same MsgSeqNum",
    Effect.POSS_RESEND: "send it again under a new MsgSeqNum with PossResend (97=Y)",
    Effect.DISCONNECT: "write it, then close the connection",
    Effect.DISCONNECT_BEFORE: "close the connection instead of writing it (it stays stored)",
    Effect.RESTART: "write it, close the connection and wipe the store: sequence numbers go back to 1",
    Effect.BUST: "the venue busts this fill (150=H) right after it",
    Effect.UNSOLICITED_CANCEL: "the venue cancels this order on its own (150=4) right after it",
    Effect.FILL_FIRST: "the venue fills the order before acting on the request (a fill racing the cancel)",
    Effect.IGNORE: "the venue never acts on the request nor answers it (lost inside the venue)",
    Effect.HALT: (
        "the venue halts trading in this message's symbol: new orders and replaces are refused, resting orders "
        "stay and do not match, market data says so (35=f, 326=2)"
    ),
    Effect.RESUME: "the venue lets this message's symbol trade again (35=f, 326=3)",
}


@dataclass(frozen=True, slots=True)
class MessageTrigger:
    """Fires on the ``nth`` message of ``kind`` passing every filter, or on each one when ``nth`` is None."""

    kind: Kind
    nth: int | None
    cl_ord_id: str | None = None
    """Only messages whose ClOrdID (11) or OrigClOrdID (41) is this."""
    symbol: str | None = None
    """Only messages whose Symbol (55) is this."""
    fields: tuple[tuple[int, str], ...] = ()
    """Only messages carrying each of these ``(tag, value)`` pairs."""
    not_before: timedelta | None = None
    """Only messages sent or received at least this long after the injector started."""

    def matches(self, message: FixMessage, elapsed: timedelta) -> bool:
        """Whether ``message``, at ``elapsed`` since the start, passes the kind and every filter."""
        if not self.kind.matches(message):
            return False
        if self.cl_ord_id is not None and self.cl_ord_id not in (message.get(CL_ORD_ID), message.get(ORIG_CL_ORD_ID)):
            return False
        if self.symbol is not None and message.get(SYMBOL) != self.symbol:
            return False
        if self.not_before is not None and elapsed < self.not_before:
            return False
        return all(message.get(tag) == value for tag, value in self.fields)

    def describe(self) -> str:
        """The trigger in words, e.g. ``the 3rd fill (35=8, 150=F) in ACME``."""
        which = f"the {ordinal(self.nth)}" if self.nth else "every"
        words = [which, self.kind.describe()]
        if self.cl_ord_id is not None:
            words.append(f"for ClOrdID {self.cl_ord_id}")
        if self.symbol is not None:
            words.append(f"in {self.symbol}")
        words += [f"with {tag_name(tag)} = {value}" for tag, value in self.fields]
        if self.not_before is not None:
            words.append(f"from {_duration(self.not_before)} after the start")
        return " ".join(words)


@dataclass(frozen=True, slots=True)
class TimeTrigger:
    """Fires once, when the venue clock reaches ``at`` after the injector's start."""

    at: timedelta

    def describe(self) -> str:
        """The trigger in words."""
        return f"at {_duration(self.at)} after the start"


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of a script: when, what, and the chance it happens when the trigger is met."""

    line: int
    trigger: MessageTrigger | TimeTrigger
    fault: Fault
    chance: Decimal | None = None
    """Probability in (0, 1] that the rule fires when its trigger is met; None means always."""
    venues: tuple[str, ...] = ()
    """The venues whose order sessions the rule applies to; empty for every venue."""
    option: str | None = None
    """The command-line option the rule came from (``--halt SIMB:ACME@5s``) instead of a script line."""

    def applies_to(self, venue: str) -> bool:
        """Whether the rule applies to the order session of ``venue``."""
        return not self.venues or venue in self.venues

    def describe(self) -> str:
        """The rule in words, e.g. ``the 2nd fill (35=8, 150=F): drop it: ...``."""
        odds = f" (with probability {self.chance})" if self.chance is not None else ""
        at_time = isinstance(self.trigger, TimeTrigger)
        where = f"at {' and '.join(self.venues)} only, " if self.venues else ""
        return f"{where}{self.trigger.describe()}{odds}: {self.fault.describe(at_time=at_time)}"


@dataclass(frozen=True, slots=True)
class FaultScript:
    """A parsed script: its rules in order, and the seed it asks for unless the caller gives one."""

    source: str
    rules: tuple[Rule, ...]
    seed: int = 0

    def for_venue(self, venue: str) -> FaultScript:
        """The script as ``venue``'s order session runs it: without the rules aimed at other venues."""
        return FaultScript(self.source, tuple(r for r in self.rules if r.applies_to(venue)), self.seed)

    def describe(self) -> list[str]:
        """One line per rule saying what it will do, prefixed with its line number (or its command-line option)."""
        return [f"{rule.option or f'line {rule.line}'}: {rule.describe()}" for rule in self.rules]


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _next(n: int) -> str:
    return "the next message has" if n == 1 else f"the next {n} messages have"


def _duration(span: timedelta) -> str:
    ms = span // timedelta(milliseconds=1)
    return f"{Decimal(ms) / 1000}s" if ms % 1000 else f"{ms // 1000}s"
