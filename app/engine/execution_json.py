"""``ExecutionApplied`` as its log text, written by hand: the one event a fill burst records hundreds of per batch.

The text is byte for byte what ``serialization.to_json`` gives (its row: the layout number, then the values by
position; a test compares them over generated events, so the chain hash covers the same bytes whichever writes it);
this one spends less per event: optional fields are written inline rather than through a helper call, and the
venue's TransactTime, the same for many reports in a row, is formatted once while it repeats (an aware datetime's
``isoformat`` costs as much as the rest of the event).
"""

from __future__ import annotations

from datetime import UTC, datetime
from json.encoder import encode_basestring as _s

from app.engine.enums import ExecType, OrderStatus
from app.engine.events import ExecutionApplied

_OPEN = f"[{ExecutionApplied.LOG_ROW_LAYOUT},"
"""A row's start: its layout number, written once here."""
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_last_time: list[tuple[datetime, str]] = [(_EARLIEST, f'"{_EARLIEST.isoformat()}"')]
"""The newest TransactTime written and its text (one entry: reports of one burst share theirs)."""
_ENUM_TEXT: dict[ExecType | OrderStatus | None, str] = {
    member: _s(member) for kind in (ExecType, OrderStatus) for member in kind
}
_ENUM_TEXT[None] = "null"
"""Each exec type and status as JSON text, written once here (a lookup costs less than encoding it per event)."""


def execution_json(o: ExecutionApplied) -> str:
    """The canonical JSON text of ``o``, as ``to_json(o)`` writes it."""
    when = o.transact_time
    text = "null" if when is None else _time_text(when)
    venue_id, accepted, ref = o.venue_order_id, o.accepted_cl_ord_id, o.ref_exec_id
    enum = _ENUM_TEXT
    limit_px, stop_px = o.limit_px, o.stop_px
    limit = "null" if limit_px is None else f'"{limit_px!s}"'
    stop = "null" if stop_px is None else f'"{stop_px!s}"'
    return (
        f"{_OPEN}{_s(o.order_id)},{_s(o.exec_id)},{enum[o.exec_type]},{_s(o.reported_cl_ord_id)},"
        f"{enum[o.venue_status]},{enum[o.status]},{enum[o.resume_status]},"
        f'"{o.last_qty!s}","{o.last_px!s}","{o.cum_qty!s}","{o.leaves_qty!s}","{o.avg_px!s}","{o.qty!s}",'
        f'{limit},{stop},"{o.tally_qty!s}",{"true" if o.counted else "false"},'
        f"{'null' if venue_id is None else _s(venue_id)},{'null' if accepted is None else _s(accepted)},"
        f"{'null' if ref is None else _s(ref)},{text},{_s(o.text)}]"
    )


def _time_text(when: datetime) -> str:
    """``when`` as JSON text; the same time as the last one (same zone object too) reuses its text."""
    last, text = _last_time[0]
    if when is last or (when == last and when.tzinfo is last.tzinfo and when.fold == last.fold):
        return text
    text = f'"{when.isoformat()}"'
    _last_time[0] = (when, text)
    return text
