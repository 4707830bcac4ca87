"""Commands into the engine (imperative: what a person asks for) and the results they get back.

A result that is not accepted says why in words a trader understands, field by field where it can.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.engine.ids import ClOrdId, OrderId, UserId
from app.engine.order import Amendment, FieldError, OrderSpec
from app.engine.risk.limit_keys import LimitKey


@dataclass(frozen=True, slots=True)
class SubmitOrder:
    """Send a new order. A ClOrdID already known makes this a duplicate: the existing order comes back.

    ``override_reason``, typed by the user, sends the order past the risk gate's warnings (never its
    blocks) when the user's role may override them. ``allocation_template`` names the template that makes the
    order a block: its pre-trade allocation basis.
    """

    spec: OrderSpec
    user: UserId
    cl_ord_id: ClOrdId | None = None
    override_reason: str = ""
    allocation_template: str = ""


@dataclass(frozen=True, slots=True)
class CancelOrder:
    """Ask the venue to cancel a working order."""

    order_id: OrderId
    user: UserId


@dataclass(frozen=True, slots=True)
class ReplaceOrder:
    """Ask the venue to amend a working order's quantity or prices (``override_reason`` as for ``SubmitOrder``)."""

    order_id: OrderId
    amendment: Amendment
    user: UserId
    override_reason: str = ""


@dataclass(frozen=True, slots=True)
class SetLimit:
    """Set, change or (with an empty ``value``) remove one risk limit; only a role that may edit limits."""

    key: LimitKey
    value: str
    user: UserId


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What became of a command: accepted, or refused with the reason."""

    accepted: bool
    order_id: OrderId | None = None
    message: str = ""
    problems: tuple[FieldError, ...] = field(default=())
    duplicate: bool = False

    @classmethod
    def refused(cls, message: str, order_id: OrderId | None = None) -> CommandResult:
        """A command that changed nothing, and why."""
        return cls(False, order_id, message)
