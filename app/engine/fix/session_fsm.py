"""The FIX session's one transition table: where a session stands, and what moves it.

The session core (``session.py``) asks ``next_state`` for every change of state and never sets one itself.
A pair the table does not hold raises ``IllegalSessionTransition``: a bug in the core, never a counterparty's
doing (whatever a counterparty sends is answered by rules inside a state, not by a new state).
Sequence-number gaps, test requests and resends happen inside ``ACTIVE``; they are counters, not states.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class SessionState(StrEnum):
    """Where a FIX session stands."""

    DISCONNECTED = "disconnected"
    """No connection; the driver may connect (initiator) or wait for one (acceptor)."""
    LOGON_SENT = "logon sent"
    """Initiator: connected and our Logon is out; nothing else is sent until the reply."""
    AWAITING_LOGON = "awaiting logon"
    """Acceptor: connected; the first message must be a Logon."""
    ACTIVE = "active"
    """Logged on: application messages flow."""
    LOGOUT_SENT = "logout sent"
    """Our Logout is out; reports are still processed until the reply or the logout timeout."""
    STOPPED = "stopped"
    """A problem a person must look at (MsgSeqNum too low, say): no reconnecting until someone resumes."""

    @property
    def label(self) -> str:
        """The state as the session health view shows it."""
        return self.value.capitalize()


class SessionEvent(StrEnum):
    """What can move a session from one state to another."""

    CONNECTED_AS_INITIATOR = "connected as initiator"
    CONNECTED_AS_ACCEPTOR = "connected as acceptor"
    LOGON_ACCEPTED = "logon accepted"
    LOGOUT_STARTED = "logout started"
    LOGOUT_RECEIVED = "logout received"
    CONNECTION_LOST = "connection lost"
    FATAL = "fatal problem"
    RESUMED = "resumed by a person"


_S, _E = SessionState, SessionEvent
_CONNECTED: Final = (_S.LOGON_SENT, _S.AWAITING_LOGON, _S.ACTIVE, _S.LOGOUT_SENT)

TABLE: Final[dict[tuple[SessionState, SessionEvent], SessionState]] = {
    (_S.DISCONNECTED, _E.CONNECTED_AS_INITIATOR): _S.LOGON_SENT,
    (_S.DISCONNECTED, _E.CONNECTED_AS_ACCEPTOR): _S.AWAITING_LOGON,
    (_S.LOGON_SENT, _E.LOGON_ACCEPTED): _S.ACTIVE,
    (_S.AWAITING_LOGON, _E.LOGON_ACCEPTED): _S.ACTIVE,
    (_S.ACTIVE, _E.LOGOUT_STARTED): _S.LOGOUT_SENT,
    **{(state, _E.LOGOUT_RECEIVED): _S.DISCONNECTED for state in _CONNECTED},
    **{(state, _E.CONNECTION_LOST): _S.DISCONNECTED for state in _CONNECTED},
    **{(state, _E.FATAL): _S.STOPPED for state in _CONNECTED},
    (_S.STOPPED, _E.CONNECTION_LOST): _S.STOPPED,
    (_S.STOPPED, _E.RESUMED): _S.DISCONNECTED,
}
"""(state, event) -> next state; the only place a session's state changes are decided."""


class IllegalSessionTransition(RuntimeError):  # noqa: N818 - named like the order table's IllegalTransition
    """The session core asked for a change the table does not allow (a programming error)."""


def next_state(state: SessionState, event: SessionEvent) -> SessionState:
    """The state ``event`` moves a session in ``state`` to, or ``IllegalSessionTransition``."""
    try:
        return TABLE[(state, event)]
    except KeyError:
        raise IllegalSessionTransition(f"a FIX session that is {state.value} cannot take '{event.value}'") from None
