"""What the fault injector asks its callers to do: wire actions for the session driver, venue actions for the venue.

The session driver executes the wire actions in list order: ``Write`` and ``Hold`` put bytes on the socket
(now, or at a time), ``Skip`` leaves a stored message unwritten, ``Disconnect`` closes the connection (the
driver then ignores the rest of the list's wire actions: what they carried is in the outbound store),
``WipeStore`` forgets the outbound store and sets both sequence numbers back to 1, and ``PossResend`` sends
an application message again under a new MsgSeqNum. The venue application executes ``Bust``, ``Correct``,
``UnsolicitedCancel``, ``FillBeforeCancel``, ``Halt`` and ``Resume`` against its matching engine; they make
reports of their own, which go through the injector like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.engine.fix import FixMessage
from app.engine.ids import ClOrdId, ExecId
from app.venue.faults.rules import Change


@dataclass(frozen=True, slots=True)
class Write:
    """Write these bytes to the socket now."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Hold:
    """Write these bytes at ``until`` (venue clock); messages sent meanwhile go out first."""

    data: bytes
    until: datetime


@dataclass(frozen=True, slots=True)
class Skip:
    """Do not write message ``seq``: it stays in the outbound store, so the counterparty sees a gap and asks."""

    seq: int


@dataclass(frozen=True, slots=True)
class Disconnect:
    """Close the connection now, without a Logout."""


@dataclass(frozen=True, slots=True)
class WipeStore:
    """Forget every stored outbound message and set both sequence numbers back to 1, as a venue restart would."""


@dataclass(frozen=True, slots=True)
class PossResend:
    """Send ``message`` (an earlier report, already marked PossResend 97=Y) again under the next MsgSeqNum."""

    message: FixMessage


@dataclass(frozen=True, slots=True)
class Bust:
    """The venue cancels the trade it reported with ExecID ``exec_id``: an ExecutionReport 150=H, 19=exec_id."""

    exec_id: ExecId


@dataclass(frozen=True, slots=True)
class Correct:
    """The venue corrects the trade it reported with ExecID ``exec_id``: an ExecutionReport 150=G, 19=exec_id, with
    the corrected LastQty and LastPx."""

    exec_id: ExecId
    qty: Change | None
    px: Change | None

    def to(self, qty: Decimal, px: Decimal) -> tuple[Decimal, Decimal]:
        """The corrected (quantity, price) of a fill of ``qty`` at ``px``."""
        return (qty if self.qty is None else self.qty.apply(qty)), (px if self.px is None else self.px.apply(px))


@dataclass(frozen=True, slots=True)
class UnsolicitedCancel:
    """The venue cancels resting orders on its own: the order ``cl_ord_id``, or every one in ``symbol``."""

    cl_ord_id: ClOrdId | None = None
    symbol: str | None = None


@dataclass(frozen=True, slots=True)
class FillBeforeCancel:
    """Before acting on the cancel or replace just received, fill the order ``cl_ord_id`` names (a race lost)."""

    cl_ord_id: ClOrdId


@dataclass(frozen=True, slots=True)
class Halt:
    """The venue halts trading in ``symbol``: new orders and replaces are refused, resting orders stay unmatched."""

    symbol: str


@dataclass(frozen=True, slots=True)
class Resume:
    """The venue lets ``symbol`` trade again after a halt."""

    symbol: str


WireAction = Write | Hold | Skip | Disconnect | WipeStore | PossResend
"""Actions the session driver executes."""


@dataclass(frozen=True, slots=True)
class IgnoreRequest:
    """Do nothing with the request just received, and answer nothing (the venue lost it)."""


VenueAction = Bust | Correct | UnsolicitedCancel | FillBeforeCancel | IgnoreRequest | Halt | Resume
"""Actions the venue application executes against its matching engine."""
Action = WireAction | VenueAction
"""Anything the injector returns."""
