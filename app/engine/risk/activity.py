"""What each trader sent in the last minute, for the rate and duplicate-order checks.

The projections note every new order, amend and cancel as it is recorded (with the log's time), so the
counts are a projection of the log like any other and ride in the snapshot: a restart does not reset a
trader's rate. Only ``MAX_WINDOW_S`` seconds are kept; a window is sliding: a check at ``now`` counts
what was sent after ``now - window``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import groupby, repeat
from typing import Any

from app.engine.enums import Side
from app.engine.order import OrderSpec
from app.engine.risk.limit_kinds import MAX_WINDOW_S

Terms = tuple[str, Side, Decimal, Decimal | None]
"""What makes two orders duplicates: symbol, side, quantity, limit price."""

_KEPT = timedelta(seconds=MAX_WINDOW_S)


def terms_of(spec: OrderSpec) -> Terms:
    """An order's duplicate-defining terms."""
    return (spec.symbol, spec.side, spec.qty, spec.limit_px)


class RecentActivity:
    """Per trader, when each new order and each message (order, amend, cancel) was sent; per terms, the last time.

    A ``DeskView`` for the snapshot only: the projections call ``order_sent``/``message_sent`` themselves,
    because the trader is on the order, not on the event.
    """

    name = "risk_activity"
    event_types: tuple[type, ...] = ()

    def __init__(self) -> None:
        self.orders: dict[str, deque[datetime]] = {}
        self.messages: dict[str, deque[datetime]] = {}
        self.terms: dict[Terms, datetime] = {}
        self._terms_seen: deque[tuple[datetime, Terms]] = deque()
        self._texts: dict[datetime, str] = {}
        """The kept times' ISO text as the last ``rows`` wrote them: in a burst a snapshot starts every few seconds
        over tens of thousands of kept times, and formatting them all each time stalled the loop for 100+ ms."""
        self._rows: list[tuple[Any, ...]] | None = None
        """What ``rows`` last gave, until something is sent (a fill burst sends nothing: its snapshots reuse them)."""

    def apply(self, event: Any, ts: datetime) -> None:
        """Follows no event of its own (see the class docstring)."""

    def order_sent(self, spec: OrderSpec, ts: datetime) -> None:
        """A new order went out: it counts as an order and a message, and its terms are remembered."""
        self._rows = None
        _note(self.orders, spec.trader, ts)
        _note(self.messages, spec.trader, ts)
        terms = terms_of(spec)
        self.terms[terms] = ts
        self._terms_seen.append((ts, terms))
        while self._terms_seen and self._terms_seen[0][0] < ts - _KEPT:
            old_ts, old = self._terms_seen.popleft()
            if self.terms.get(old) == old_ts:
                del self.terms[old]

    def message_sent(self, trader: str, ts: datetime) -> None:
        """An amend or cancel went out."""
        self._rows = None
        _note(self.messages, trader, ts)

    def count(self, trader: str, *, orders: bool, since: datetime, cap: int) -> int:
        """How many orders (or messages) ``trader`` sent after ``since``, counting no further than ``cap``."""
        times = (self.orders if orders else self.messages).get(trader)
        n = 0
        if times:
            for ts in reversed(times):
                if ts <= since or n >= cap:
                    break
                n += 1
        return n

    def last_sent(self, spec: OrderSpec) -> datetime | None:
        """When an order on the same terms last went out (within the kept minute), or None."""
        return self.terms.get(terms_of(spec))

    def rows(self) -> list[tuple[Any, ...]]:
        """The kept times as plain rows, compactly: a burst sends many messages at one time, and only the last
        time each terms were sent matters. Rows: ``(kind, trader, time, how many)`` and ``("terms", time, ...)``."""
        if self._rows is not None:
            return self._rows
        rows: list[tuple[Any, ...]] = []
        texts = _Texts(self._texts)
        for kind, by_trader in (("order", self.orders), ("message", self.messages)):
            for trader, times in by_trader.items():
                rows += [(kind, trader, texts[ts], len(list(same))) for ts, same in groupby(times)]
        for (symbol, side, qty, px), ts in sorted(self.terms.items(), key=_when):
            rows.append(("terms", texts[ts], symbol, side.value, str(qty), None if px is None else str(px)))
        self._texts, self._rows = texts, rows  # only the times still kept
        return rows

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote (an older snapshot's rows name one time each)."""
        self._rows = None
        for row in rows:
            if row[0] == "terms":
                _, ts, symbol, side, qty, px = row
                terms: Terms = (symbol, Side(side), Decimal(qty), None if px is None else Decimal(px))
                when = datetime.fromisoformat(ts)
                self.terms[terms] = when
                self._terms_seen.append((when, terms))
            else:
                kind, trader, ts, *count = row
                times = (self.orders if kind == "order" else self.messages).setdefault(trader, deque())
                times.extend(repeat(datetime.fromisoformat(ts), count[0] if count else 1))


class _Texts(dict[datetime, str]):
    """Times to ISO text: as written before when they were, else formatted now."""

    __slots__ = ("_written",)

    def __init__(self, written: dict[datetime, str]) -> None:
        super().__init__()
        self._written = written

    def __missing__(self, ts: datetime) -> str:
        text = self[ts] = self._written.get(ts) or ts.isoformat()
        return text


def _when(item: tuple[Terms, datetime]) -> datetime:
    return item[1]


def _note(by_trader: dict[str, deque[datetime]], trader: str, ts: datetime) -> None:
    times = by_trader.get(trader)
    if times is None:
        times = by_trader[trader] = deque()
    times.append(ts)
    while times[0] < ts - _KEPT:
        times.popleft()
