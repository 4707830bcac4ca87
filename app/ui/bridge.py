"""The one bridge from the engine to Qt: committed change sets in, coalesced Qt signals out (prices, which
are not the engine's record, have their own in price_bridge.py; both coalesce through ``Throttle``).

The engine calls its listeners on the thread that drives it, which is the GUI thread (qasync runs both on
one loop). Each change set is folded into what is waiting to be shown; what waits is emitted at most once
per batch, and when batches come faster than the screen can use them (more than ``max_rate`` a second) a
timer holds them back and emits everything gathered since in one go, so views repaint changed rows only.
The signals carry their lists as Python objects, the same list to every slot (slots read them, never change
them): a ``Signal(list)`` copied each list into a Qt list and back for every slot, about 0.6 ms a slot for
300 orders in a burst of fills.
When the engine rebuilds its projections (a reload after a failed batch), ``reloaded`` goes out first, at
the next emit: every view then reads the engine's new projections afresh.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.engine.engine import ChangeSet, Engine
from app.engine.events import ExecutionApplied, ExecutionBreak, ExecutionBreakCleared, Recorded
from app.engine.ids import OrderId
from app.ui.throttle import Throttle


class EngineBridge(QObject):
    """Subscribes to ``engine`` and re-emits its changes as typed, coalesced Qt signals."""

    ordersChanged = Signal(object)  # noqa: N815 - Qt signal naming
    """Ids (``OrderId``) of orders that changed since the last emit, each once, in first-seen order."""
    fillsArrived = Signal(object)  # noqa: N815 - Qt signal naming
    """``Recorded`` events whose ``ExecutionApplied`` moved a position (fills, busts, corrections)."""
    positionsChanged = Signal()  # noqa: N815 - Qt signal naming
    """Some position moved (after ``fillsArrived``)."""
    deskChanged = Signal(object)  # noqa: N815 - Qt signal naming
    """Names of the desk views (``DeskView.name``: "risk_limits", "kill_switch", "users",
    "anomalies", ...) an event changed, each
    once, whoever caused it: another user, the system seeding the limits, an automatic trigger."""
    breaksChanged = Signal(object)  # noqa: N815 - Qt signal naming
    """``Recorded`` drop-copy breaks opened (``ExecutionBreak``) or cleared (``ExecutionBreakCleared``)."""
    reloaded = Signal()
    """The engine replaced its projections: views must re-read the orders and positions (before any other
    signal of the same emit)."""

    def __init__(self, engine: Engine, *, max_rate: float = 30.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._orders: dict[OrderId, None] = {}
        self._fills: list[Recorded] = []
        self._desk: dict[str, None] = {}
        self._views = {kind: view.name for view in engine.book.desk_views for kind in view.event_types}
        self._breaks: list[Recorded] = []
        self._reloaded = False
        self._throttle = Throttle(self._emit, max_rate, self)
        self.emits = 0
        """How many times the bridge has emitted: lets tests and benchmarks see the coalescing."""
        engine.subscribe(self._on_changes)
        engine.subscribe_reloads(self._on_reload)

    def _on_changes(self, changes: ChangeSet) -> None:
        self._orders.update(dict.fromkeys(changes.orders))
        views = self._views
        for recorded in changes.recorded:
            event = recorded.event
            if isinstance(event, ExecutionApplied):
                if event.counted:  # it moved a position
                    self._fills.append(recorded)
            elif isinstance(event, ExecutionBreak | ExecutionBreakCleared):
                self._breaks.append(recorded)
            if (name := views.get(type(event))) is not None:
                self._desk[name] = None
        self._throttle.poke()

    def _on_reload(self) -> None:
        self._reloaded = True
        self._throttle.poke()

    @property
    def idle(self) -> bool:
        """Whether every change the engine published has been emitted."""
        waiting = self._orders or self._fills or self._desk or self._breaks or self._reloaded
        return not (waiting or self._throttle.waiting)

    def flush(self) -> None:
        """Emit everything gathered so far, now."""
        self._throttle.fire()

    def _emit(self) -> None:
        orders, fills, desk, breaks = list(self._orders), self._fills, list(self._desk), self._breaks
        reloaded = self._reloaded
        self._orders, self._fills, self._desk, self._breaks = {}, [], {}, []
        self._reloaded = False
        if not orders and not fills and not desk and not breaks and not reloaded:
            return
        self.emits += 1
        if reloaded:
            self.reloaded.emit()
        if orders:
            self.ordersChanged.emit(orders)
        if fills:
            self.fillsArrived.emit(fills)
            self.positionsChanged.emit()
        if desk:
            self.deskChanged.emit(desk)
        if breaks:
            self.breaksChanged.emit(breaks)
