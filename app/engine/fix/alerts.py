"""What a FIX session tells the people watching it: an alert's kind, how loud it is, and its words.

Session cores and the gateway raise alerts; the gateway records each one in the event log (as
``SessionAlertRaised``) with the batch it came with, and the health view shows them.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum


class AlertLevel(StrEnum):
    """How loudly to tell people."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class AlertKind(StrEnum):
    """What happened to the session, so views and filters need not read the words."""

    LOGGED_ON = "logged_on"
    """The logon completed: the session is up."""
    LOGGED_OUT = "logged_out"
    """A Logout was exchanged (either side started it)."""
    CONNECTION_LOST = "connection_lost"
    """The connection closed while the session was up."""
    DISCONNECTED = "disconnected"
    """We closed the connection: a timeout, a silent line, a message breaking the session's rules."""
    UNREACHABLE = "unreachable"
    """A connect attempt failed; the initiator keeps retrying with backoff."""
    INTERNAL_FAULT = "internal_fault"
    """A fault of ours (a bug, a store that cannot be written) closed the connection; the initiator reconnects and
    the counterparty resends what was not stored."""
    GAP = "gap"
    """Messages are missing from the counterparty; a ResendRequest went out."""
    RESEND = "resend"
    """The counterparty asked for messages again and they were resent or gap-filled."""
    SEQ_TOO_LOW = "seq_too_low"
    """The counterparty's MsgSeqNum went backwards: the session stopped for a person to look at."""
    RESET_BY_COUNTERPARTY = "reset_by_counterparty"
    """The counterparty's Logon reset sequence numbers to 1 (141=Y) though we did not ask: taken, so the session goes
    on, but messages sent before it can no longer be resent."""
    RESUMED = "resumed"
    """A person resumed a stopped session."""
    REJECT_SENT = "reject_sent"
    """We refused a message of theirs with a session Reject (35=3)."""
    REJECT_RECEIVED = "reject_received"
    """They refused a message of ours that no order request explains."""
    GARBLED = "garbled"
    """Bytes that are not a FIX message were dropped."""
    DROPPED = "dropped"
    """A message that could not be read or used was dropped."""
    IGNORED = "ignored"
    """A message the desk does not act on (a second Logon, an unexpected type)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Alert:
    """Something the people watching the session should know, in their words."""

    level: AlertLevel
    text: str
    kind: AlertKind
