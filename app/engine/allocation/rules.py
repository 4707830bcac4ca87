"""What may be allocated, decided before anything is recorded: each refusal says what was wrong, in words.

A block is an order entered with an allocation template. An allocation may be proposed once something is
filled, for at most what is filled (what is left over stays in the block's own account), as many times as
the PM likes: each proposal is a new version. Releasing the latest version moves the positions and locks
the allocation; a version made before the block's latest fill must be proposed again first.

A released version stays locked. When the block fills further after a release, the next version is a
supplement: it allocates only the fills that arrived since the latest release (each version names the fills it
accounts for), at their own average price, by the same split and residual rule, and its own release moves that
quantity. A supplement never prices fills the desk has not received: when the venue states more filled than the
fills that reached the desk, it is refused until they arrive.

A bust or correction of a released fill is settled by a corrective version: it takes back from (or gives to) the
accounts the difference between what was released and what those fills stand at now, pro rata by what each
account was released (the split rule), at the difference's own price (its notional over its quantity), and is
released like a supplement. A late fill and a bust pending together are settled in turn, the corrective version
first: one version has one price and one split, and a take-back at the busted fill's price by the released legs
cannot share them with late fills at their own price by the template. A correction in price only moves no
quantity: its corrective version reprices what each account holds of the block by the same price difference (the
notional's change over the quantity released), so each account's average moves by it and nothing is realised.

A version after a release names only the fills new or changed since that release (and the busted ones), so its
event stays small however many fills the block has; the book rebuilds the whole set from the version it builds on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from app.engine.allocation.book import AllocationBook, Block, standing_fills
from app.engine.allocation.split import notional_exact, split_cents, split_quantity, stated_px
from app.engine.allocation.terms import (
    ZERO,
    AllocationLeg,
    AllocationTemplate,
    CommissionBasis,
    CommissionRate,
    SettledFill,
)
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
    book: AllocationBook,
    order: Order | None,
    order_id: OrderId,
    user: UserId,
    legs: Sequence[LegQty] | None,
    rates: Mapping[AccountId, CommissionRate] | None = None,
) -> AllocationProposed | str:
    """The next version of the block's allocation (from its basis, or the edited ``legs``), or why not; ``rates``
    are the commission rates the PM set on accounts' legs (the others take the template's)."""
    found = _block(book, order, order_id)
    if isinstance(found, str):
        return found
    order, block = found
    rates = dict(rates or {})
    if problem := next(filter(None, (rate.problem(account) for account, rate in rates.items())), None):
        return problem
    standing = standing_fills(order)
    if block.release is None:
        if order.cum_qty == ZERO:
            return f"Nothing of {order_id} has been filled yet, so there is nothing to allocate."
        chosen = _legs_for(order, block, legs, order.cum_qty, "")
        if isinstance(chosen, str):
            return chosen
        exact = _average(order, standing.values())
        first = _priced(order, block, user, chosen, exact, rates)
        return replace(first, late_px=stated_px(exact), settled=tuple(standing.values()))
    if not block.out_of_date(order):
        return _locked(order_id, block) + " Nothing has filled since, so there is no supplement to propose."
    settled = block.settled(order)
    if block.released_fills_changed(order):
        return _corrective(order, block, user, (legs, rates), settled, standing)
    late = [fill for exec_id, fill in standing.items() if exec_id not in settled]
    if not late:
        released = block.version(block.release.version).proposed
        return (
            f"The venue now states {order_id} filled {order.cum_qty} at {order.avg_px}, but no fill since version "
            f"{released.version} was released ({released.block_qty} at {released.avg_px}) has reached the desk, so "
            "there are no late fills to price a supplement at; ask the venue for the missing fills first."
        )
    filled = sum((fill.qty for fill in late), ZERO)
    chosen = _legs_for(order, block, legs, filled, " since the release")
    if isinstance(chosen, str):
        return chosen
    late_px = _notional(late) / Fraction(filled)
    supplement = _priced(order, block, user, chosen, late_px, rates)
    named, since = _named(block, late, standing.values())
    return replace(
        supplement, released_qty=order.cum_qty - filled, late_px=stated_px(late_px), settled=named, since=since
    )


def _named(
    block: Block, changed: Iterable[SettledFill], whole: Iterable[SettledFill]
) -> tuple[tuple[SettledFill, ...], int]:
    """The fills a version after a release names, and the version it builds on: only those ``changed`` since the
    latest release when that release named its own fills (so a version's size does not grow with the block's fill
    count), else the ``whole`` set it accounts for."""
    assert block.release is not None
    if block.version(block.release.version).fills:
        return tuple(changed), block.release.version
    return tuple(whole), 0


def _corrective(
    order: Order,
    block: Block,
    user: UserId,
    edited: tuple[Sequence[LegQty] | None, dict[AccountId, CommissionRate]],
    settled: dict[str, SettledFill],
    standing: dict[str, SettledFill],
) -> AllocationProposed | str:
    """The version that settles the busts and corrections of released fills with the accounts that hold them, or
    why it cannot: the difference goes pro rata by what each account was released, at the difference's own price."""
    assert block.release is not None
    released = block.release.version
    now = [standing[exec_id] for exec_id in settled if exec_id in standing]
    qty = sum((fill.qty for fill in now), ZERO) - sum((fill.qty for fill in settled.values()), ZERO)
    difference = _notional(now) - _notional(settled.values())
    held = _held(order, block)
    if not any(part > ZERO for part in held.values()):
        return f"No account holds any of {order.order_id} from its releases, so there is nothing to correct."
    if qty == ZERO:  # in price only: each account's holding of the block is repriced by the same difference
        pro_rata = [(account, part) for account, part in held.items() if part > ZERO]
        px = difference / Fraction(sum((part for _, part in pro_rata), ZERO))
    else:
        parts = split_quantity(abs(qty), [max(part, ZERO) for part in held.values()], block.basis.lot)
        pro_rata = [(account, part.copy_sign(qty)) for account, part in zip(held, parts, strict=True) if part]
        px = difference / Fraction(qty)
    legs, rates = edited
    charged = _charged(block)
    if (legs is not None and list(legs) != pro_rata) or any(charged.get(a, r) != r for a, r in rates.items()):
        split = ", ".join(f"{account} {part}" for account, part in pro_rata)
        return (
            f"A corrective version of {order.order_id} goes pro rata by the released legs ({split}) at the "
            "commission rates they were released at; it cannot be edited."
        )
    corrective = _priced(order, block, user, pro_rata, px, charged, reprices=qty == ZERO)
    corrected = [fill for fill in now if fill != settled[fill.exec_id]]
    named, since = _named(block, corrected, now)
    return replace(
        corrective,
        released_qty=order.cum_qty - qty,
        late_px=stated_px(px),
        settled=named,
        since=since,
        corrects=released,
        busted=tuple(exec_id for exec_id in settled if exec_id not in standing),
        corrected=tuple(fill.exec_id for fill in corrected),
    )


def _charged(block: Block) -> dict[AccountId, CommissionRate]:
    """The commission rate each account was last released at (a corrective version charges or refunds by it)."""
    return {
        leg.account: leg.rate for release, _ in block.releases for leg in block.version(release.version).proposed.legs
    }


def _held(order: Order, block: Block) -> dict[AccountId, Decimal]:
    """What each account was given of the block by its releases so far (what a release left unallocated is held by
    the block's own account), in the order the accounts were first given something."""
    held: dict[AccountId, Decimal] = {}
    for release, _ in block.releases:
        proposed = block.version(release.version).proposed
        for leg in proposed.legs:
            held[leg.account] = held.get(leg.account, ZERO) + leg.qty
        rest = proposed.qty - sum((leg.qty for leg in proposed.legs), ZERO)
        if rest:
            held[order.spec.account] = held.get(order.spec.account, ZERO) + rest
    return held


def _average(order: Order, fills: Iterable[SettledFill]) -> Fraction:
    """The block's exact average price: its standing ``fills``' notional over their quantity (the venue's AvgPx may
    be rounded), or the venue's AvgPx while some of what it states filled has not reached the desk."""
    fills = list(fills)
    filled = sum((fill.qty for fill in fills), ZERO)
    return _notional(fills) / Fraction(filled) if filled == order.cum_qty else Fraction(order.avg_px)


def _notional(fills: Iterable[SettledFill]) -> Fraction:
    """What ``fills`` traded for, exactly."""
    return sum((Fraction(fill.qty) * Fraction(fill.px) for fill in fills), Fraction(0))


def _legs_for(
    order: Order, block: Block, legs: Sequence[LegQty] | None, filled: Decimal, since: str
) -> Sequence[LegQty] | str:
    """The edited ``legs`` if they are sound, else pro rata by the block's basis over ``filled``; or why not."""
    basis = block.basis
    if legs is None:
        weights = [leg.target for leg in basis.legs]
        return list(zip([leg.account for leg in basis.legs], split_quantity(filled, weights, basis.lot), strict=True))
    return _legs_problem(legs, order, basis, filled, since) or legs


def late_anomaly(book: AllocationBook, order: Order, events: Sequence[Event]) -> AnomalyRecorded | None:
    """An anomaly when ``events`` (just applied to ``order``) filled, busted or corrected a block already released."""
    block = book.blocks.get(order.order_id)
    if block is None or block.release is None or not block.out_of_date(order):
        return None
    trades = [e for e in events if type(e) is ExecutionApplied and e.exec_type in _CHANGES_QTY]
    if not trades:
        return None
    released = block.version(block.release.version).proposed
    settled = block.settled(order)
    what = ", ".join(f"{e.exec_id} ({_kind_of(e)})" for e in trades)
    if any(e.ref_exec_id in settled for e in trades):
        settle = (
            "the released accounts keep what they were given until a PM proposes and releases a corrective version "
            "(the difference pro rata by the released legs, at its own price)"
        )
    else:
        late = order.cum_qty - released.block_qty
        settle = f"the late {late} stays in account {order.spec.account} until a PM proposes and releases a supplement"
    return AnomalyRecorded(
        AnomalyKind.ALLOCATION_OUT_OF_DATE,
        f"Execution {what} changed block {order.order_id} after version {released.version} of its allocation was "
        f"released ({released.block_qty} at {released.avg_px} released, {order.cum_qty} at {order.avg_px} now): "
        f"{settle}.",
        order.order_id,
    )


def _kind_of(trade: ExecutionApplied) -> str:
    """What a report did, in words: "trade", or "trade cancel of X60" for a bust (the fill it busted)."""
    kind = trade.exec_type.name.lower().replace("_", " ")
    return f"{kind} of {trade.ref_exec_id}" if trade.ref_exec_id else kind


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
    order: Order,
    block: Block,
    user: UserId,
    legs: Sequence[LegQty],
    px: Decimal | Fraction,
    rates: Mapping[AccountId, CommissionRate],
    *,
    reprices: bool = False,
) -> AllocationProposed:
    """Each leg at ``px`` (exact), its notional and commission in cents by the residual rule (the commission's total
    half-even); each account's commission at its rate in ``rates``, else the template's. A version that ``reprices``
    moves no shares, so it charges no commission per share (only basis points of the notional's change)."""
    chosen = [rates.get(account) or block.basis.rate_of(account) for account, _ in legs]
    notional, notionals = split_cents([notional_exact(qty, px) for _, qty in legs])
    commission, commissions = split_cents(
        [
            Fraction(0) if reprices and rate.basis is CommissionBasis.PER_SHARE else rate.exact(qty, px)
            for (_, qty), rate in zip(legs, chosen, strict=True)
        ],
        half_even=True,
    )
    priced = tuple(
        AllocationLeg(
            account,
            qty,
            rate.amount if rate.basis is CommissionBasis.BPS else ZERO,
            n,
            c,
            rate.amount if rate.basis is CommissionBasis.PER_SHARE else None,
        )
        for (account, qty), rate, n, c in zip(legs, chosen, notionals, commissions, strict=True)
    )
    version = len(block.versions) + 1
    return AllocationProposed(order.order_id, version, user, order.cum_qty, order.avg_px, priced, notional, commission)
