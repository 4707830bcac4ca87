"""Each account's P&L in the current trading day, for the daily loss trigger.

The day's P&L is measured against where the day started, not against what positions cost: it is the
realised P&L of today's fills, plus the unrealised P&L of the open positions at their marks, less the part
of that unrealised P&L a position carried into the day already had at the day's opening mark. So a position
bought last week at 10 and carried into today at a prior close of 8 loses today only what it falls below 8.

- **Realised today**: the projections hand every fill's change in realised P&L here with the fill's time
  from the log and the desk's trading day roll; the total starts again from zero with the first fill of the
  next trading day (see trading_day.py).
- **Carried into the day**: before an account's first fill in a symbol in a trading day, the position as it
  stood (quantity and average cost) is kept; with no fill today, the position now is what was carried.
- **Opening mark**: a ``DayOpeningMark`` event per symbol and trading day (app/engine/opening_marks.py
  records it): the last mark before the roll (the prior close as the desk saw it), else the day's first
  mark. A carried position in a symbol with no opening mark yet is measured from its average cost, as is a
  position with no mark at all (which adds nothing, as before a price arrives).

Everything here is a projection of the log: a replay gives the same numbers. It rides in the snapshot as
plain rows (a ``DeskView``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.engine.events import DayOpeningMark
from app.engine.order import ZERO
from app.engine.positions import Position, Positions
from app.engine.risk.trading_day import DayRoll


class DailyPnl:
    """Realised P&L per account for the trading day of its latest fill, what each position carried into its
    day, and each symbol's opening mark."""

    name = "daily_pnl"
    event_types: tuple[type, ...] = (DayOpeningMark,)

    def __init__(self) -> None:
        self.by_account: dict[str, tuple[date, Decimal]] = {}
        self.carried: dict[tuple[str, str], tuple[date, Decimal, Decimal]] = {}
        """(account, symbol) -> the trading day of its latest fill, and the quantity and average cost before the
        first fill of that day."""
        self.opening: dict[str, tuple[date, Decimal]] = {}
        """symbol -> the trading day of its latest opening mark, and that mark."""
        self._span: tuple[DayRoll, datetime, datetime, date] | None = None
        """A roll, an instant and the end of its trading day, and that day: any time from the instant to the end
        is in the same day, so most fills skip the time zone arithmetic."""
        self._last: tuple[DayRoll | None, datetime | None, date] = (None, None, date.min)
        """The roll and the very instant last asked about, and its day: a batch's fills all carry the one time the
        clock read for the batch, so after its first fill they skip even the comparison of aware datetimes (each
        one asks the time zone for its offset)."""

    def apply(self, event: DayOpeningMark, ts: datetime) -> None:
        """A symbol's opening mark for a trading day."""
        self.opening[event.symbol] = (date.fromisoformat(event.day), event.px)

    def before_fill(self, position: Position, day: date) -> None:
        """A fill of trading ``day`` (``day_of`` its time) is about to move ``position``: keep what it was, if this
        is its day's first fill."""
        key = (position.account, position.symbol)
        held = self.carried.get(key)
        if held is None or held[0] != day:
            self.carried[key] = (day, position.net_qty, position.avg_cost)

    def realised(self, account: str, amount: Decimal, day: date) -> None:
        """A fill of trading ``day`` moved ``account``'s realised P&L by ``amount``."""
        held = self.by_account.get(account)
        total = held[1] if held is not None and held[0] == day else ZERO
        self.by_account[account] = (day, total + amount)

    def today(self, account: str, now: datetime, roll: DayRoll) -> Decimal:
        """``account``'s realised P&L so far in the trading day ``now`` is in (zero if it has not traded)."""
        held = self.by_account.get(account)
        return held[1] if held is not None and held[0] == self.day_of(now, roll) else ZERO

    def unrealised_today(self, account: str, positions: Positions, now: datetime, roll: DayRoll) -> Decimal:
        """How much ``account``'s open positions have made or lost at their marks since the day began."""
        day = self.day_of(now, roll)
        total = ZERO
        for (held_by, symbol), position in positions.by_key.items():
            if held_by != account:
                continue
            now_pnl = positions.unrealized_pnl(position)
            if now_pnl is None:
                continue  # no mark yet: it adds nothing
            carried = self.carried.get((account, symbol))
            qty, cost = (
                (carried[1], carried[2])
                if carried is not None and carried[0] == day
                else (
                    position.net_qty,
                    position.avg_cost,
                )
            )
            opening = self.opening.get(symbol)
            if qty and opening is not None and opening[0] == day:
                now_pnl -= (opening[1] - cost) * qty  # what the carried position had made or lost by the open
            total += now_pnl
        return total

    def opened(self, symbol: str, day: date) -> bool:
        """Whether ``symbol`` has its opening mark for ``day``."""
        opening = self.opening.get(symbol)
        return opening is not None and opening[0] == day

    def day_of(self, ts: datetime, roll: DayRoll) -> date:
        """The trading day ``ts`` falls in."""
        last = self._last
        if last[1] is ts and last[0] is roll:
            return last[2]
        span = self._span
        if span is None or span[0] is not roll or not span[1] <= ts < span[2]:  # the limits keep one roll
            span = self._span = (roll, ts, roll.ends(ts), roll.trading_day(ts))
        self._last = (roll, ts, span[3])
        return span[3]

    def rows(self) -> list[tuple[Any, ...]]:
        """As plain rows: (account, day, realised), ("carried", account, symbol, day, qty, cost) and ("opening",
        symbol, day, px); told apart by their length (the first kind is what earlier snapshots hold)."""
        rows: list[tuple[Any, ...]] = [
            (account, day.isoformat(), str(total)) for account, (day, total) in self.by_account.items()
        ]
        rows += [
            ("carried", account, symbol, day.isoformat(), str(qty), str(cost))
            for (account, symbol), (day, qty, cost) in self.carried.items()
        ]
        rows += [("opening", symbol, day.isoformat(), str(px)) for symbol, (day, px) in self.opening.items()]
        return rows

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        for row in rows:
            if len(row) == 3:
                account, day, total = row
                self.by_account[account] = (date.fromisoformat(day), Decimal(total))
            elif len(row) == 6:
                _, account, symbol, day, qty, cost = row
                self.carried[(account, symbol)] = (date.fromisoformat(day), Decimal(qty), Decimal(cost))
            else:
                _, symbol, day, px = row
                self.opening[symbol] = (date.fromisoformat(day), Decimal(px))
