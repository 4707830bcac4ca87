"""Where each FIX session stands, as one plain row per session for the health view (read, never changed).

``session_health(*groups)`` reads the session cores of the order sessions, drop copies and market data
sessions, their initiators and each group's last alerts. It is
cheap (a few attribute reads per session), so a view can call it on a timer instead of following every
message. ``Light`` is the colour a trader reads at a glance: green up, amber on the way up or down, red down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.engine.events import SessionAlertRaised
from app.engine.fix.desk_sessions import SessionGroup
from app.engine.fix.session_fsm import SessionState

_CHANGING = frozenset({SessionState.LOGON_SENT, SessionState.AWAITING_LOGON, SessionState.LOGOUT_SENT})


class Light(StrEnum):
    """A session's colour on the health view."""

    GREEN = "green"
    """Logged on: orders go out now."""
    AMBER = "amber"
    """Logging on or off, connecting for the first time, or closed outside its scheduled hours: not a fault."""
    RED = "red"
    """Down: orders to this venue wait (or a person must act, if it is stopped)."""


@dataclass(frozen=True, slots=True)
class SessionHealth:
    """One session's state and counters at one moment."""

    name: str
    role: str
    state: SessionState
    epoch: int
    next_out: int
    """Our next outbound MsgSeqNum."""
    next_in: int
    """The MsgSeqNum we expect next from the counterparty."""
    last_in: datetime | None
    last_out: datetime | None
    gaps: int
    """Gaps found in what they sent (each asked again with a ResendRequest)."""
    resends: int
    """ResendRequests of theirs we answered."""
    rejects: int
    """Their messages we refused with a session Reject."""
    logons: int
    up_since: datetime | None
    down_since: datetime | None
    attempts: int
    """Failed connect attempts since the session was last up."""
    retry_at: datetime | None
    held: bool
    """A person disconnected it; it stays down until someone connects it."""
    opens_at: datetime | None
    """Outside its scheduled hours: when they next begin."""
    last_error: str
    last_alert: tuple[datetime, SessionAlertRaised] | None

    @property
    def light(self) -> Light:
        """Green, amber or red (see ``Light``)."""
        if self.state is SessionState.ACTIVE:
            return Light.GREEN
        down = self.state is SessionState.DISCONNECTED
        starting = down and (self.opens_at is not None or not (self.logons or self.attempts or self.held))
        return Light.AMBER if self.state in _CHANGING or starting else Light.RED

    @property
    def state_text(self) -> str:
        """The state in a trader's words."""
        if self.held and self.state is SessionState.DISCONNECTED:
            return "disconnected by hand"
        if self.opens_at is not None and self.state is SessionState.DISCONNECTED:
            return f"closed: opens {self.opens_at:%a %H:%M} UTC"
        if self.state is SessionState.STOPPED:
            return "stopped: needs a person"
        return _STATE_WORDS[self.state]


_STATE_WORDS = {
    SessionState.DISCONNECTED: "down",
    SessionState.LOGON_SENT: "logging on",
    SessionState.AWAITING_LOGON: "awaiting logon",
    SessionState.ACTIVE: "up",
    SessionState.LOGOUT_SENT: "logging out",
    SessionState.STOPPED: "stopped",
}


def session_health(*groups: SessionGroup) -> list[SessionHealth]:
    """Every session of ``groups`` (order sessions, drop copies, market data), group by group, each in configuration
    order."""
    return [_health(group, name) for group in groups for name in group.sessions]


def _health(group: SessionGroup, name: str) -> SessionHealth:
    session = group.sessions[name]
    stats, initiator = session.stats, group.initiators.get(name)
    return SessionHealth(
        name=name,
        role=session.config.role.value,
        state=session.state,
        epoch=session.record.epoch,
        next_out=session.next_out,
        next_in=session.next_in,
        last_in=stats.last_received,
        last_out=stats.last_sent,
        gaps=stats.gaps,
        resends=stats.resend_requests_answered,
        rejects=stats.rejects_sent,
        logons=stats.logons,
        up_since=stats.up_since,
        down_since=stats.down_since,
        attempts=initiator.attempts if initiator is not None else 0,
        retry_at=initiator.retry_at if initiator is not None else None,
        held=initiator.held if initiator is not None else False,
        opens_at=initiator.opens_at if initiator is not None else None,
        last_error=initiator.last_error if initiator is not None else "",
        last_alert=group.last_alert.get(name),
    )
