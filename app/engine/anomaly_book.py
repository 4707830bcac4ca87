"""The desk's open anomalies: every ``AnomalyRecorded`` nobody has acknowledged yet, kept as a desk view.

Each anomaly is known by its number, its place among all anomalies ever recorded (1 for the first), which
the view counts itself, so the numbers come out the same on replay and after a snapshot. An
``AnomalyAcknowledged`` takes the one it names off the list; an ``AnomaliesAcknowledged`` (a supervisor's "all
of this kind") every open one of its kind up to the number it names. A window opening reads the open ones from
here, at once, instead of walking the log; the open ones per order and per kind are kept as they change, so a
blotter row's marker and the counts by kind cost nothing however many are open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.engine.events import AnomaliesAcknowledged, AnomalyAcknowledged, AnomalyKind, AnomalyRecorded
from app.engine.ids import OrderId


@dataclass(frozen=True, slots=True)
class OpenAnomaly:
    """One anomaly still waiting for someone to acknowledge it."""

    number: int
    """Its place among all anomalies recorded: 1 for the first."""
    at: datetime
    kind: AnomalyKind
    detail: str
    order_id: OrderId | None


class AnomalyBook:
    """How many anomalies were recorded, and those not yet acknowledged, by number (oldest first), by order and
    by kind."""

    name = "anomalies"
    event_types: tuple[type, ...] = (AnomalyRecorded, AnomalyAcknowledged, AnomaliesAcknowledged)

    def __init__(self) -> None:
        self.recorded = 0
        """Anomalies recorded ever (the last one's number)."""
        self.open: dict[int, OpenAnomaly] = {}
        """Those nobody has acknowledged, by number, oldest first."""
        self.kinds: Counter[AnomalyKind] = Counter()
        """How many are open of each kind."""
        self._by_order: dict[OrderId, dict[int, None]] = {}

    def apply(self, event: Any, ts: datetime) -> None:
        """Number a recorded anomaly and keep it open, or close the ones an acknowledgement names."""
        if type(event) is AnomalyRecorded:
            self.recorded += 1
            self._keep(OpenAnomaly(self.recorded, ts, event.kind, event.detail, event.order_id))
        elif type(event) is AnomalyAcknowledged:
            self._close(event.number)
        elif type(event) is AnomaliesAcknowledged:
            for number in self.of_kind(event.kind, event.through):
                self._close(number)

    def _keep(self, anomaly: OpenAnomaly) -> None:
        self.open[anomaly.number] = anomaly
        self.kinds[anomaly.kind] += 1
        if anomaly.order_id is not None:
            self._by_order.setdefault(anomaly.order_id, {})[anomaly.number] = None

    def _close(self, number: int) -> None:
        anomaly = self.open.pop(number, None)
        if anomaly is None:
            return
        self.kinds[anomaly.kind] -= 1
        if not self.kinds[anomaly.kind]:
            del self.kinds[anomaly.kind]
        if anomaly.order_id is not None:
            numbers = self._by_order[anomaly.order_id]
            del numbers[number]
            if not numbers:
                del self._by_order[anomaly.order_id]

    def about(self, order_id: OrderId) -> tuple[int, OpenAnomaly | None]:
        """How many anomalies about ``order_id`` are open, and the newest of them."""
        numbers = self._by_order.get(order_id)
        if not numbers:
            return 0, None
        return len(numbers), self.open[next(reversed(numbers))]

    def of_kind(self, kind: AnomalyKind, through: int) -> list[int]:
        """The open anomalies of ``kind`` numbered ``through`` or less, oldest first."""
        return [n for n, a in self.open.items() if n <= through and a.kind is kind]

    def problem(self, numbers: Sequence[int]) -> str | None:
        """Why ``numbers`` cannot be acknowledged (none given, or one that is not open), or None."""
        if not numbers:
            return "Choose the anomalies to acknowledge; none was chosen."
        closed = [n for n in numbers if n not in self.open]
        if not closed:
            return None
        recorded = [n for n in closed if 1 <= n <= self.recorded]
        if recorded:
            return f"Anomaly {recorded[0]} is already acknowledged; nothing was changed."
        return f"There is no anomaly {closed[0]} (the desk has recorded {self.recorded}); nothing was changed."

    def rows(self) -> list[tuple[Any, ...]]:
        """The count, then each open anomaly, as plain values."""
        rows: list[tuple[Any, ...]] = [("recorded", self.recorded)]
        rows += [("open", a.number, a.at.isoformat(), a.kind.value, a.detail, a.order_id) for a in self.open.values()]
        return rows

    def load_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Restore what ``rows`` wrote."""
        for row in rows:
            if row[0] == "recorded":
                self.recorded = row[1]
            else:
                _, number, at, kind, detail, order_id = row
                self._keep(OpenAnomaly(number, datetime.fromisoformat(at), AnomalyKind(kind), detail, order_id))
