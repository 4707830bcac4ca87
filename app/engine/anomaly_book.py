"""The desk's open anomalies: every ``AnomalyRecorded`` nobody has acknowledged yet, kept as a desk view.

Each anomaly is known by its number, its place among all anomalies ever recorded (1 for the first), which
the view counts itself, so the numbers come out the same on replay and after a snapshot. An
``AnomalyAcknowledged`` takes the one it names off the list. A window opening reads the open ones from
here, at once, instead of walking the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.engine.events import AnomalyAcknowledged, AnomalyKind, AnomalyRecorded
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
    """How many anomalies were recorded, and those not yet acknowledged, by number (oldest first)."""

    name = "anomalies"
    event_types: tuple[type, ...] = (AnomalyRecorded, AnomalyAcknowledged)

    def __init__(self) -> None:
        self.recorded = 0
        """Anomalies recorded ever (the last one's number)."""
        self.open: dict[int, OpenAnomaly] = {}
        """Those nobody has acknowledged, by number, oldest first."""

    def apply(self, event: Any, ts: datetime) -> None:
        """Number a recorded anomaly and keep it open, or close the ones an acknowledgement names."""
        if type(event) is AnomalyRecorded:
            self.recorded += 1
            self.open[self.recorded] = OpenAnomaly(self.recorded, ts, event.kind, event.detail, event.order_id)
        elif type(event) is AnomalyAcknowledged:
            self.open.pop(event.number, None)

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
                self.open[number] = OpenAnomaly(number, datetime.fromisoformat(at), AnomalyKind(kind), detail, order_id)
