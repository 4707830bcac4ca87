"""What may be allocated, decided before anything is recorded: each refusal says what was wrong, in words.

A block is an order entered with an allocation template. An allocation may be proposed once something is
filled, for at most what is filled (what is left over stays in the block's own account), as many times as
the PM likes: each proposal is a new version. Releasing the latest version moves the positions and locks
the allocation; a version made before the block's latest fill must be proposed again first.

A released version stays locked. When the block fills further after a release, the next version is a
supplement: it allocates only the quantity filled since the latest release, at those late fills' average
price, by the same split and residual rule, and its own release moves that quantity. A bust or correction
after a release is flagged but cannot be settled by a supplement (it would take quantity back from accounts
already settled): the released accounts keep it until it is settled with them outside the desk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from app.engine.allocation.book import AllocationBook, Block
from app.engine.allocation.split import commission_exact, notional_exact, split_cents, split_quantity, stated_px
from app.engine.allocation.terms import ZERO, AllocationLeg, AllocationTemplate
from app.engine.enums import ExecType
from app.engine.events import (
    TRADE_EXEC_TYPES,
    AllocationProposed,
    AllocationReleased,
    AnomalyKind,
    AnomalyRecorded,
    Event,
    ExecutionApplied,
)
from app.engine.ids import AccountId, OrderId, UserId
from app.engine.order import Order

_CHANGES_QTY = TRADE_EXEC_TYPES | {ExecType.TRADE_CANCEL, ExecType.TRADE_CORRECT}
"""Reports that change what a block has filled: fills, busts and corrections."""

LegQty = tuple[AccountId, Decimal]
"""An edited leg: an account and its quantity."""


def basis_for(book: AllocationBook, name: str) -> AllocationTemplate | str:
    """The template a new block is entered with, or why there is none."""
    template = book.templates.get(name)
    if template is None:
        known = ", ".join(sorted(book.templates)) or "none yet"
        return f"There is no allocation template {name} (templates: {known}); nothing was sent."
    return template


def proposal(
    book: AllocationBook, order: Order | None, order_id: OrderId, user: UserId, legs: Sequence[LegQty] | None
) -> AllocationProposed | str:
    """The next version of the block's allocation (from its basis, or the edited ``legs``), or why not."""
    found = _block(book, order, order_id)
    if isinstance(found, str):
        return found
    order, block = found
    released_qty = released_px = ZERO
    if block.release is not None:
        if not block.out_of_date(order):
            return _locked(order_id, block) + " Nothing has filled since, so there is no supplement to propose."
        released = block.version(block.release.version).proposed
        released_qty, released_px = released.block_qty, released.avg_px
    filled = order.cum_qty - released_qty
    if filled < ZERO or (released_qty and filled == ZERO):
        return (
            f"{order_id} was busted or corrected after its release ({order.cum_qty} at {order.avg_px} now, "
            f"{released_qty} at {released_px} released); a supplement only allocates quantity filled since the "
            "release, so the difference stays with the released accounts to be settled with them."
        )
    if filled == ZERO:
        return f"Nothing of {order_id} has been filled yet, so there is nothing to allocate."
    basis = block.basis
    if legs is None:
        weights = [leg.target for leg in basis.legs]
        legs = list(zip([leg.account for leg in basis.legs], split_quantity(filled, weights, basis.lot), strict=True))
    elif problem := _legs_problem(legs, order, basis, filled, " since the release" if released_qty else ""):
        return problem
    if not released_qty:
        return _priced(order, block, user, legs, order.avg_px)
    late_px = _late_px(order, released_qty)
    supplement = _priced(order, block, user, legs, late_px)
    return replace(supplement, released_qty=released_qty, late_px=stated_px(late_px))


def _late_px(order: Order, released_qty: Decimal) -> Fraction:
    """The average price of the fills that came after the first ``released_qty`` (in the order they arrived),
    exactly."""
    seen, qty, notional = ZERO, ZERO, Fraction(0)
    for fill in order.fills.values():
        if fill.busted:
            continue
        if seen >= released_qty:
            qty += fill.qty
            notional += Fraction(fill.qty) * Fraction(fill.px)
        seen += fill.qty
    if not qty:  # fills we never received (a quantity break): the venue's average is all there is
        return Fraction(order.avg_px)
    return notional / Fraction(qty)


def late_anomaly(book: AllocationBook, order: Order, events: Sequence[Event]) -> AnomalyRecorded | None:
    """An anomaly when ``events`` (just applied to ``order``) filled, busted or corrected a block already released."""
    block = book.blocks.get(order.order_id)
    if block is None or block.release is None or not block.out_of_date(order):
        return None
    trades = [e for e in events if type(e) is ExecutionApplied and e.exec_type in _CHANGES_QTY]
    if not trades:
        return None
    released = block.version(block.release.version).proposed
    late = order.cum_qty - released.block_qty
    what = ", ".join(f"{e.exec_id} ({e.exec_type.name.lower().replace('_', ' ')})" for e in trades)
    settle = (
        f"the late {late} stays in account {order.spec.account} until a PM proposes and releases a supplement"
        if late > ZERO
        else "a supplement cannot take quantity back, so settle the difference with the released accounts"
    )
    return AnomalyRecorded(
        AnomalyKind.ALLOCATION_OUT_OF_DATE,
        f"Execution {what} changed block {order.order_id} after version {released.version} of its allocation was "
        f"released ({released.block_qty} at {released.avg_px} released, {order.cum_qty} at {order.avg_px} now): "
        f"{settle}.",
        order.order_id,
    )


def release(
    book: AllocationBook, order: Order | None, order_id: OrderId, version: int, user: UserId
) -> AllocationReleased | str:
    """The release of ``version`` of the block's allocation, or why it cannot be released."""
    found = _block(book, order, order_id)
    if isinstance(found, str):
        return found
    order, block = found
    latest = block.latest
    if latest is not None and block.released(latest.proposed.version):
        return _locked(order_id, block)
    if latest is None:
        return f"No allocation of {order_id} has been proposed yet; propose one first."
    if version != latest.proposed.version:
        newest = latest.proposed.version
        return f"Version {version} of {order_id}'s allocation is not the latest ({newest}); release the latest."
    if latest.stale_for(order):
        return (
            f"{order_id} has filled {order.cum_qty} at {order.avg_px} since version {version} was proposed "
            f"({latest.proposed.block_qty} at {latest.proposed.avg_px}); propose it again before releasing."
        )
    return AllocationReleased(order_id, version, user)


def _block(book: AllocationBook, order: Order | None, order_id: OrderId) -> tuple[Order, Block] | str:
    if order is None:
        return f"There is no order {order_id}."
    block = book.blocks.get(order_id)
    if block is None:
        return (
            f"{order_id} is not a block order (it was entered without an allocation template), so it has no allocation."
        )
    return order, block


def _locked(order_id: OrderId, block: Block) -> str:
    assert block.release is not None
    return (
        f"The allocation of {order_id} was released (version {block.release.version}, by {block.release.user}) "
        "and is locked; it cannot be changed."
    )


def _legs_problem(
    legs: Sequence[LegQty], order: Order, basis: AllocationTemplate, filled: Decimal, since: str
) -> str | None:
    allowed = {leg.account for leg in basis.legs} | {order.spec.account}
    seen: set[str] = set()
    for account, qty in legs:
        if account not in allowed:
            return (
                f"Account {account} is not in {order.order_id}'s template {basis.name} ({', '.join(sorted(allowed))})."
            )
        if account in seen:
            return f"Account {account} is named twice in the allocation of {order.order_id}."
        seen.add(account)
        if not qty.is_finite() or qty < ZERO:
            return f"The quantity for {account} cannot be {qty}."
    total = sum((qty for _, qty in legs), ZERO)
    if total > filled:
        return f"The legs add up to {total}, more than the {filled} filled of {order.order_id}{since}."
    if total <= ZERO:
        return f"The legs of {order.order_id}'s allocation add up to nothing; give at least one account a quantity."
    return None


def _priced(
    order: Order, block: Block, user: UserId, legs: Sequence[LegQty], px: Decimal | Fraction
) -> AllocationProposed:
    """Each leg at ``px`` (exact), its notional and commission in cents by the residual rule."""
    basis = block.basis
    rates = [basis.rate_of(account) for account, _ in legs]
    notional, notionals = split_cents([notional_exact(qty, px) for _, qty in legs])
    commission, commissions = split_cents(
        [commission_exact(qty, px, rate) for (_, qty), rate in zip(legs, rates, strict=True)]
    )
    priced = tuple(
        AllocationLeg(account, qty, rate, n, c)
        for (account, qty), rate, n, c in zip(legs, rates, notionals, commissions, strict=True)
    )
    version = len(block.versions) + 1
    return AllocationProposed(order.order_id, version, user, order.cum_qty, order.avg_px, priced, notional, commission)
