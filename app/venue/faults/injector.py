"""Apply a fault script to a venue session's traffic: pure, deterministic, clock injected.

Wiring, for the session driver (one injector per acceptor session, living as long as the venue)::

    injector = FaultInjector(load_script(path), start=clock.now(), seed=seed)
    # each outbound application message, after it is stored with its MsgSeqNum, instead of writing it:
    for action in injector.on_send(seq, message, clock.now()):
        ...  # Write/Hold/Skip/Disconnect/WipeStore/PossResend here; Bust/UnsolicitedCancel to the venue
    # each inbound application message, before the venue acts on it:
    for action in injector.on_receive(message, clock.now()):
        ...  # FillBeforeCancel: the venue fills the order, then handles the cancel or replace; IgnoreRequest: it
        # does nothing with the message
    # on a timer, at the latest at injector.next_due():
    actions = injector.poll(clock.now())
    # when the connection closes for any reason:
    injector.disconnected()

Execute each list in order. After a ``Disconnect``, skip the list's remaining wire actions (what they carry
is stored and will be resent on request) but still hand venue actions to the venue. ``Hold``s due at the
same time are written in the order given. Messages the session resends (PossDupFlag 43=Y or PossResend
97=Y) pass through untouched and are not counted by rules, so a duplicate never triggers another fault.

When several rules fire on one message, all apply, in script order: ``drop`` wins over ``reorder``, which
wins over ``delay``; ``garble`` spoils whatever bytes are written; a duplicate "right after" follows the
original wherever it goes (PossDup copies first, under the original's MsgSeqNum, then PossResend copies, which
the session stamps with a new MsgSeqNum after the messages of the same write); closing the connection and venue
actions come after the message. Messages held back by ``reorder`` count every later ``on_send`` call; when the
connection closes they are forgotten (they are in the store). Random draws happen only when a rule with a
probability is otherwise met, in script order, so the same script, seed and inputs give the same actions, byte
for byte but for SendingTime.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from app.engine.fix import FixMessage, FixParseError, parse_message
from app.engine.fix.tags import CL_ORD_ID, EXEC_ID, ORIG_CL_ORD_ID, POSS_DUP_FLAG, POSS_RESEND, SYMBOL
from app.engine.ids import ClOrdId, ExecId
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
    Write,
)
from app.venue.faults.rules import Effect, Fault, FaultScript, MessageTrigger, Rule, TimeTrigger
from app.venue.faults.wire import garble_checksum, poss_dup_frame, poss_resend_message


@dataclass(slots=True)
class _Deferred:
    """Actions waiting for ``remaining`` more messages to be sent first."""

    remaining: int
    actions: list[Action]


class FaultInjector:
    """Turns each outbound message into the wire and venue actions a fault script asks for."""

    def __init__(self, script: FaultScript, start: datetime, seed: int | None = None) -> None:
        """``start`` is the venue clock's time that ``at`` and ``after`` offsets count from."""
        self._start = start
        self._rng = random.Random(script.seed if seed is None else seed)
        self._counted: list[tuple[Rule, MessageTrigger]] = [
            (rule, rule.trigger) for rule in script.rules if isinstance(rule.trigger, MessageTrigger)
        ]
        self._counts = [0] * len(self._counted)
        timed = [(start + r.trigger.at, n, r) for n, r in enumerate(script.rules) if isinstance(r.trigger, TimeTrigger)]
        self._timed = [(due, rule) for due, _, rule in sorted(timed, key=lambda entry: entry[:2])]
        self._deferred: list[_Deferred] = []

    def next_due(self) -> datetime | None:
        """When the next time rule is due, for the driver's timer; None when none is left."""
        return self._timed[0][0] if self._timed else None

    def poll(self, now: datetime) -> list[Action]:
        """The actions of every time rule due by ``now``, each rule once."""
        out: list[Action] = []
        while self._timed and self._timed[0][0] <= now:
            rule = self._timed.pop(0)[1]
            if self._draw(rule):
                out += _side_actions(rule.fault, None)
        if any(isinstance(action, Disconnect) for action in out):
            self._deferred.clear()
        return out

    def on_send(self, seq: int, message: FixMessage | bytes, now: datetime) -> list[Action]:
        """What to do instead of writing outbound message ``seq`` (a message, or its encoded frame) at ``now``.

        Time rules due by ``now`` come first. Bytes that do not parse are written untouched.
        """
        out = self.poll(now)
        data, parsed = _both(message)
        deferred: list[_Deferred] = []
        if parsed is None or parsed.get(POSS_DUP_FLAG) == "Y" or parsed.get(POSS_RESEND) == "Y":
            out.append(Write(data))
        else:
            plan = _Plan(seq, data)
            for rule in self._fired(parsed, now, sent=True):
                plan.add(rule.fault, parsed, now)
            deferred = plan.render(out)
        if any(isinstance(action, Disconnect) for action in out):
            self._deferred.clear()
            return out
        out += self._release()
        self._deferred += deferred
        return out

    def on_receive(self, message: FixMessage, now: datetime) -> list[VenueAction]:
        """What the venue does before acting on inbound ``message`` at ``now``: a ``FillBeforeCancel`` or an
        ``IgnoreRequest`` (which wins: a request the venue lost cannot race a fill)."""
        order = message.get(ORIG_CL_ORD_ID) or message.get(CL_ORD_ID)
        effects = {rule.fault.effect for rule in self._fired(message, now, sent=False)}
        if Effect.IGNORE in effects:
            return [IgnoreRequest()]
        if effects and order is not None:
            return [FillBeforeCancel(ClOrdId(order))]
        return []

    def disconnected(self) -> None:
        """The connection closed: forget messages held back by ``reorder`` (they stay in the store)."""
        self._deferred.clear()

    def _fired(self, message: FixMessage, now: datetime, *, sent: bool) -> list[Rule]:
        """Count ``message`` against each rule watching its direction; the rules that fire, in script order."""
        elapsed = now - self._start
        fired = []
        for n, (rule, trigger) in enumerate(self._counted):
            if trigger.kind.sent is not sent or not trigger.matches(message, elapsed):
                continue
            self._counts[n] += 1
            if (trigger.nth is None or trigger.nth == self._counts[n]) and self._draw(rule):
                fired.append(rule)
        return fired

    def _draw(self, rule: Rule) -> bool:
        return rule.chance is None or Decimal(self._rng.random()) < rule.chance

    def _release(self) -> list[Action]:
        """One more message has gone: the held-back actions whose turn has come, oldest first."""
        out: list[Action] = []
        for item in self._deferred:
            item.remaining -= 1
            if item.remaining <= 0:
                out += item.actions
        self._deferred = [item for item in self._deferred if item.remaining > 0]
        return out


@dataclass(slots=True)
class _Plan:
    """What the rules fired on one outbound message make of it."""

    seq: int
    data: bytes
    skip: bool = False
    garble: bool = False
    hold: datetime | None = None
    defer: int = 0
    before: list[Action] = field(default_factory=list)
    copies: list[tuple[int, FixMessage | bytes]] = field(default_factory=list)
    """Duplicates: (messages to wait, a PossResend message or PossDup bytes)."""
    after: list[Action] = field(default_factory=list)

    def add(self, fault: Fault, message: FixMessage, now: datetime) -> None:
        """Fold one fired rule's fault into the plan."""
        effect = fault.effect
        if effect is Effect.DROP or effect is Effect.DISCONNECT_BEFORE:
            self.skip = True
            self.before += [Disconnect()] if effect is Effect.DISCONNECT_BEFORE else []
        elif effect is Effect.GARBLE:
            self.garble = True
        elif effect is Effect.DELAY:
            self.hold = max(self.hold or now, now + fault.delay)
        elif effect is Effect.REORDER:
            self.defer = max(self.defer, fault.count)
        elif effect is Effect.DUPLICATE:
            self.copies.append((fault.count, poss_dup_frame(message, now)))
        elif effect is Effect.POSS_RESEND:
            self.copies.append((fault.count, poss_resend_message(message)))
        else:
            self.after += _side_actions(fault, message)

    def render(self, out: list[Action]) -> list[_Deferred]:
        """Append the actions due now to ``out``; return those that wait for later messages."""
        group = [self._body(self.data)]
        resends: list[Action] = []
        later: list[_Deferred] = []
        for wait, copy in self.copies:
            action = PossResend(copy) if isinstance(copy, FixMessage) else self._body(copy, original=False)
            if wait:
                later.append(_Deferred(wait, [action]))
            else:
                (resends if isinstance(action, PossResend) else group).append(action)
        group += resends  # a new MsgSeqNum comes after every copy under the original's
        out += self.before
        if self.defer and not self.skip:
            later.insert(0, _Deferred(self.defer, group))
        else:
            out += group
        out += self.after
        return later

    def _body(self, data: bytes, *, original: bool = True) -> Action:
        if original and self.skip:
            return Skip(self.seq)
        wire = garble_checksum(data) if original and self.garble else data
        return Write(wire) if self.hold is None else Hold(wire, self.hold)


def _side_actions(fault: Fault, message: FixMessage | None) -> list[Action]:
    """Closing the connection and venue actions; ``message`` is the one that fired the rule, if any."""
    effect = fault.effect
    if effect is Effect.DISCONNECT:
        return [Disconnect()]
    if effect is Effect.RESTART:
        return [Disconnect(), WipeStore()]
    if effect is Effect.BUST or effect is Effect.CORRECT:
        exec_id = fault.exec_id or (message.get(EXEC_ID) if message is not None else None)
        if not exec_id:
            return []
        return [
            Bust(ExecId(exec_id)) if effect is Effect.BUST else Correct(ExecId(exec_id), fault.new_qty, fault.new_px)
        ]
    if effect is Effect.HALT or effect is Effect.RESUME:
        symbol = fault.symbol or (message.get(SYMBOL) if message is not None else None)
        if symbol is None:
            return []
        return [Halt(symbol) if effect is Effect.HALT else Resume(symbol)]
    assert effect is Effect.UNSOLICITED_CANCEL, effect
    order = fault.cl_ord_id or (message.get(CL_ORD_ID) if message is not None and fault.symbol is None else None)
    if order is None and fault.symbol is None:
        return []
    return [UnsolicitedCancel(None if order is None else ClOrdId(order), fault.symbol)]


def _both(message: FixMessage | bytes) -> tuple[bytes, FixMessage | None]:
    """The frame and its message; None for bytes that do not parse."""
    if isinstance(message, FixMessage):
        return message.encode(), message
    try:
        return message, parse_message(message)
    except FixParseError:
        return message, None
