"""A fault script on one acceptor session's wire: the ``Outlet`` between the session's stored messages and its socket.

Every application message the session sends (already stored with its MsgSeqNum) goes through the session's
``FaultInjector`` and comes out as it says: written, held back until a time, left unwritten (the counterparty
sees a gap and asks for it again), written with a wrong checksum, or cut off with the connection. Session-level
messages (Logon, Heartbeat, ResendRequest, SequenceReset, Reject, Logout) are written as they are, and so are
messages the session resends (the injector lets 43=Y and 97=Y through untouched).

What is not the wire's to do goes to the venue through ``act``, after the messages of the same write:
``WipeStore`` (the venue restarts the session with an empty store), ``PossResend`` (the venue sends the message
again under a new MsgSeqNum), and the venue actions (``Bust``, ``UnsolicitedCancel``, ``Halt``, ``Resume``).
Held messages belong to the connection they were meant for: when it closes they are forgotten (they are in the
store), and so are messages ``reorder`` holds back (``FaultInjector.disconnected``).

Time comes from the venue's injected clock: ``due`` says when the next held message or time rule is due, the
driver calls ``fire`` then, and ``wake`` tells the driver that ``due`` may have moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from app.engine.clock import Clock
from app.engine.fix.session import Outgoing
from app.engine.fix.tags import ADMIN_MSG_TYPES
from app.venue.faults import Action, Disconnect, FaultInjector, Hold, PossResend, Skip, Write

Act = Callable[[Action], None]
"""Carries out what is the venue's to do: ``WipeStore``, ``PossResend`` and the venue actions."""


class Line(Protocol):
    """The connection a session writes on (``transport.Connection``)."""

    def put(self, data: bytes) -> None:
        """Write bytes now, unless the connection is closing."""
        ...

    def close(self) -> None:
        """Close the connection."""
        ...


class FaultWire:
    """One acceptor session's outlet: its application messages pass a fault injector on their way out."""

    def __init__(self, injector: FaultInjector, clock: Clock, act: Act, wake: Callable[[], None]) -> None:
        self.injector, self.clock = injector, clock
        self._act, self._wake = act, wake
        self._line: Line | None = None
        self._held: list[tuple[datetime, int, Line, bytes]] = []
        self._holds = 0

    def put(self, connection: Line, outgoing: Sequence[Outgoing]) -> None:
        """Write ``outgoing`` on ``connection`` as the fault script says (the transport's ``Outlet``)."""
        if connection is not self._line:
            self._new_line(connection)
        now = self.clock.now()
        later: list[Action] = []
        for message in outgoing:
            if message.msg_type in ADMIN_MSG_TYPES:
                actions: list[Action] = [Write(message.raw)]
            else:
                actions = self.injector.on_send(message.seq, message.raw, now)
            if self._carry_out(actions, later):
                break  # the rest is stored; the counterparty asks for it after the next logon
        self._hand_over(later)
        self._wake()

    def due(self) -> datetime | None:
        """When ``fire`` next has something to do: a held message or a time rule; None when nothing waits."""
        held = self._held[0][0] if self._held else None
        return min((t for t in (held, self.injector.next_due()) if t is not None), default=None)

    def fire(self) -> None:
        """Write the held messages now due, in the order they were held, then act on the time rules due."""
        now = self.clock.now()
        while self._held and self._held[0][0] <= now:
            _, _, line, data = self._held.pop(0)
            line.put(data)
        later: list[Action] = []
        self._carry_out(self.injector.poll(now), later)
        self._hand_over(later)

    def _new_line(self, connection: Line) -> None:
        """A new connection: what was held for the last one is not written on this one."""
        self._line = connection
        self._held.clear()
        self.injector.disconnected()

    def _carry_out(self, actions: list[Action], later: list[Action]) -> bool:
        """Write, hold or cut as ``actions`` say; keep the rest for the venue. True once the connection is cut."""
        cut = False
        for action in actions:
            if isinstance(action, Write | Hold | PossResend) and cut:
                continue
            if isinstance(action, Write):
                self._write(action.data)
            elif isinstance(action, Hold):
                self._hold(action)
            elif isinstance(action, Disconnect):
                cut = True
                self._cut()
            elif not isinstance(action, Skip):
                later.append(action)
        return cut

    def _write(self, data: bytes) -> None:
        if self._line is not None:
            self._line.put(data)

    def _hold(self, hold: Hold) -> None:
        if self._line is None:
            return
        self._holds += 1
        self._held.append((hold.until, self._holds, self._line, hold.data))
        self._held.sort(key=lambda held: held[:2])

    def _cut(self) -> None:
        if self._line is not None:
            self._line.close()
        self._held.clear()
        self.injector.disconnected()

    def _hand_over(self, later: list[Action]) -> None:
        for action in later:
            self._act(action)
