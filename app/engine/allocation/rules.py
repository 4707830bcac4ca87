"""What may be allocated, decided before anything is recorded: each refusal says what was wrong, in words.

A block is an order entered with an allocation template. An allocation may be proposed once something is
filled, for at most what is filled (what is left over stays in the block's own account), as many times as
the PM likes: each proposal is a new version. Releasing the latest version moves the positions and locks
the allocation; a version made before the block's latest fill must be proposed again first.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from app.engine.allocation.book import AllocationBook, Block
from app.engine.allocation.split import commission_exact, notional_exact, split_cents, split_quantity
from app.engine.allocation.terms import ZERO, AllocationLeg, AllocationTemplate
from app.engine.events import AllocationProposed, AllocationReleased
from app.engine.ids import AccountId, OrderId, UserId
from app.engine.order import Order

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
    if block.release is not None:
        return _locked(order_id, block)
    filled = order.cum_qty
    if filled <= ZERO:
        return f"Nothing of {order_id} has been filled yet, so there is nothing to allocate."
    basis = block.basis
    if legs is None:
        weights = [leg.target for leg in basis.legs]
        legs = list(zip([leg.account for leg in basis.legs], split_quantity(filled, weights, basis.lot), strict=True))
    elif problem := _legs_problem(legs, order, basis, filled):
        return problem
    return _priced(order, block, user, legs)


def release(
    book: AllocationBook, order: Order | None, order_id: OrderId, version: int, user: UserId
) -> AllocationReleased | str:
    """The release of ``version`` of the block's allocation, or why it cannot be released."""
    found = _block(book, order, order_id)
    if isinstance(found, str):
        return found
    order, block = found
    if block.release is not None:
        return _locked(order_id, block)
    latest = block.latest
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


def _legs_problem(legs: Sequence[LegQty], order: Order, basis: AllocationTemplate, filled: Decimal) -> str | None:
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
        return f"The legs add up to {total}, more than the {filled} filled of {order.order_id}."
    if total <= ZERO:
        return f"The legs of {order.order_id}'s allocation add up to nothing; give at least one account a quantity."
    return None


def _priced(order: Order, block: Block, user: UserId, legs: Sequence[LegQty]) -> AllocationProposed:
    """Each leg at the block's average price, its notional and commission in cents by the residual rule."""
    px, basis = order.avg_px, block.basis
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
    return AllocationProposed(order.order_id, version, user, order.cum_qty, px, priced, notional, commission)
