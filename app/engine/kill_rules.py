"""The kill switch's check on new orders and amends, made ahead of the risk gate.

An order in the scope of a switch that is on is refused, in words naming the switch (who engaged it,
when, over what, why), unless the switch is reduce-only and the order reduces its account's position in
its symbol, counting what is already working on the same side. A verdict, not an exception: the engine
records it as the denial of the order or the amend, under rule ``kill_switch``.
"""

from __future__ import annotations

from decimal import Decimal

from app.engine.ids import OrderId
from app.engine.kill_switch import KillSwitchBoard
from app.engine.kill_terms import KillGrade
from app.engine.ledger import OrderLedger
from app.engine.order import ZERO, Amendment, Order, OrderSpec
from app.engine.positions import Positions
from app.engine.risk import ALLOW, Verdict

RULE = "kill_switch"
"""The rule a kill switch denial is recorded under."""


def check_new(board: KillSwitchBoard, spec: OrderSpec, ledger: OrderLedger, positions: Positions) -> Verdict:
    """The kill switches' verdict on a new order."""
    return _verdict(board, spec, spec.qty, None, ledger, positions)


def check_amend(
    board: KillSwitchBoard, order: Order, amendment: Amendment, ledger: OrderLedger, positions: Positions
) -> Verdict:
    """The kill switches' verdict on new terms for a working order (open quantity: the new qty less what filled)."""
    open_qty = max(amendment.qty - order.cum_qty, ZERO)
    return _verdict(board, order.spec, open_qty, order.order_id, ledger, positions)


def _verdict(
    board: KillSwitchBoard,
    spec: OrderSpec,
    open_qty: Decimal,
    itself: OrderId | None,
    ledger: OrderLedger,
    positions: Positions,
) -> Verdict:
    for switch in board.covering(spec):
        if switch.grade is not KillGrade.REDUCE_ONLY:
            return Verdict(False, RULE, f"Refused by {switch.describe()}.")
        why = _not_reducing(spec, open_qty, itself, ledger, positions)
        if why is not None:
            return Verdict(False, RULE, f"Refused by {switch.describe()}. {why}")
    return ALLOW


def _not_reducing(
    spec: OrderSpec, open_qty: Decimal, itself: OrderId | None, ledger: OrderLedger, positions: Positions
) -> str | None:
    """Why the order would not reduce its position, or None when it does."""
    position = positions.by_key.get((spec.account, spec.symbol))
    net = position.net_qty if position is not None else ZERO
    sign = spec.side.sign
    side = spec.side.label.lower()
    if net == 0 or (net > 0) == (sign > 0):
        stance = "flat" if net == 0 else f"{'long' if net > 0 else 'short'} {abs(net)}"
        return (
            f"Only orders that reduce a position are allowed; {spec.account} is {stance} in {spec.symbol}, "
            f"so a {side} would not reduce it."
        )
    working = sum(
        (
            o.leaves_qty
            for o in ledger.live()
            if o.order_id != itself
            and o.spec.account == spec.account
            and o.spec.symbol == spec.symbol
            and o.spec.side.sign == sign
        ),
        ZERO,
    )
    if working + open_qty > abs(net):
        return (
            f"Only orders that reduce a position are allowed; {spec.account} holds {abs(net)} {spec.symbol} to "
            f"reduce, {working} already working to do it, so {open_qty} more would go past flat."
        )
    return None
