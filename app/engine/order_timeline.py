"""One order's audit timeline: every event of its chain, each risk decision, and each raw FIX message in and
out, interleaved by time, with who and when.

``order_timeline(store, order_id)`` reads the order's events (by order id), the messages received naming
any ClOrdID of its chain, and the messages sent with its events. An order has at most a few hundred of
each, and every query uses an index, so the read is short; views still run it off the GUI thread.

A parent (care) order's events are indexed under the parent, so its timeline says when it was staged, each TWAP
and each slice the TWAP took (with the child it sent), and its close. A child a TWAP sent says so on its own
timeline too: "Sent as slice n of TWAP <parent>", read from the parent's ``TwapSliced`` that names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from app.engine.allocation.words import allocation_text
from app.engine.events import (
    EVENT_TYPES,
    ActionRefused,
    AnomalyAcknowledged,
    AnomalyRecorded,
    CancelRequested,
    Event,
    ExecutionApplied,
    LineLost,
    OrderDenied,
    OrderSubmitted,
    ParentClosed,
    ParentStaged,
    ReplaceDenied,
    ReplaceRequested,
    RequestLost,
    RequestRejected,
    SmartRouted,
    TwapSliced,
    TwapStarted,
    TwapStopped,
)
from app.engine.fix import tags
from app.engine.fix.message import parse_message
from app.engine.fix.tags import MsgType
from app.engine.foreign_orders import adoption_text
from app.engine.serialization import from_json
from app.engine.store import EventStore
from app.engine.store_records import StoredEvent

SOH = b"\x01"
_SLICED = TwapSliced.__name__


class Source(IntEnum):
    """Where a timeline entry comes from; at one instant, what came in precedes what it caused."""

    RECEIVED = 0
    """A FIX message from the venue."""
    EVENT = 1
    """An event in the order's log."""
    SENT = 2
    """A FIX message to the venue."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the timeline."""

    ts: datetime
    source: Source
    who: str
    """The user for an event, the session for a FIX message."""
    what: str
    """In words: the event, the risk decision, or the message's type."""
    fix: str = ""
    """The raw FIX message, fields separated by ``|`` with tag names (empty for events)."""


def order_timeline(store: EventStore, order_id: str) -> list[TimelineEntry]:
    """Everything known about ``order_id``, oldest first (empty if the log has no such order)."""
    keyed: list[tuple[datetime, Source, TimelineEntry]] = []
    cl_ord_ids: set[str] = {order_id}
    decided: dict[int, datetime] = {}
    for record, event in _events(store, order_id):
        cl_ord_ids.update(_cl_ord_ids(event))
        ts = decided[record.seq] = datetime.fromisoformat(record.ts)
        what = _slice_text(event) if isinstance(event, TwapSliced) and event.child_id == order_id else describe(event)
        keyed.append((ts, Source.EVENT, TimelineEntry(ts, Source.EVENT, record.user, what)))
    for session, _seq, event_seq, raw in store.outbound_for_events(decided):
        entry = _wire_entry(raw, Source.SENT, session.partition(":")[0], None)
        # SendingTime (52) has milliseconds only: a message goes after the event it was stored with.
        keyed.append((max(entry.ts, decided[event_seq]), Source.SENT, entry))
    for session, _seq, received_ts, raw in store.inbound_messages(cl_ord_ids):
        entry = _wire_entry(raw, Source.RECEIVED, session.partition(":")[0], received_ts)
        keyed.append((entry.ts, Source.RECEIVED, entry))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [entry for _, _, entry in keyed]


def _events(store: EventStore, order_id: str) -> list[tuple[StoredEvent, Event]]:
    """The order's events and, for a child a TWAP sent, its parent's ``TwapSliced`` naming it, in log order."""
    found = [(record, from_json(EVENT_TYPES[record.kind], record.data)) for record in store.read_order(order_id)]
    parents = {e.spec.parent_id for _, e in found if isinstance(e, OrderSubmitted) and e.spec.parent_id}
    for parent_id in parents:
        slices = [(r, from_json(TwapSliced, r.data)) for r in store.read_order(parent_id) if r.kind == _SLICED]
        found += [(record, sliced) for record, sliced in slices if sliced.child_id == order_id]
    found.sort(key=lambda pair: pair[0].seq)
    return found


def _slice_text(event: TwapSliced) -> str:
    """A TWAP's slice as its child's timeline says it."""
    return f"Sent as slice {event.number} of TWAP {event.parent_id} ({event.note})"


def describe(event: Event) -> str:
    """An event of an order in a trader's words."""
    match event:
        case OrderSubmitted(cl_ord_id=cl_ord_id, spec=spec):
            price = f" at {spec.limit_px}" if spec.limit_px is not None else ""
            terms = f"{spec.side.label} {spec.qty} {spec.symbol} {spec.ord_type.name.lower()}{price}"
            return f"Risk gate passed; new order {cl_ord_id} queued for {spec.destination}: {terms}"
        case OrderDenied(rule=rule, reason=reason):
            return f"Risk gate denied the order ({rule}): {reason}"
        case ReplaceDenied(rule=rule, reason=reason):
            return f"Risk gate denied the amend ({rule}): {reason}"
        case CancelRequested(cl_ord_id=cl_ord_id, orig_cl_ord_id=orig):
            return f"Cancel {cl_ord_id} of {orig} queued; cancel pending"
        case ReplaceRequested(cl_ord_id=cl_ord_id, orig_cl_ord_id=orig, amendment=new):
            return f"Amend {cl_ord_id} of {orig} queued (qty {new.qty}, limit {new.limit_px}); amend pending"
        case ExecutionApplied():
            return _execution_text(event)
        case RequestRejected(kind=kind, cl_ord_id=cl_ord_id, reason=reason, text=text):
            return f"Venue rejected the {kind.value} {cl_ord_id}: {reason}" + (f" ({text})" if text else "")
        case RequestLost(kind=kind, cl_ord_id=cl_ord_id, status=status):
            return f"Venue never received the {kind.value} {cl_ord_id} (status: {status.label.lower()}); send it again"
        case LineLost(session=session, status=status):
            return f"Line to {session} lost before the venue answered: {status.label.lower()}"
        case AnomalyRecorded() | AnomalyAcknowledged() | SmartRouted():
            return _note_text(event)
        case ActionRefused(action=action, reason=reason):
            return f"Refused {action.value}: {reason}"
    return allocation_text(event) or _parent_text(event) or adoption_text(event) or type(event).__name__


def _parent_text(event: Event) -> str | None:
    """An event of a parent (care) order, as its timeline says it; None for any other event."""
    match event:
        case ParentStaged(spec=spec):
            price = f" limit {spec.limit_px}" if spec.limit_px is not None else " at market"
            return f"Parent staged: {spec.side.label} {spec.qty} {spec.symbol}{price} for {spec.account}; nothing sent"
        case ParentClosed(canceled=canceled, reason=reason):
            children = "its live children canceled" if canceled else "live children keep working"
            return f"Parent closed, {children}" + (f": {reason}" if reason else "")
        case TwapStarted(minutes=minutes, slices=slices, destination=destination):
            return f"TWAP started: {slices} slices over {minutes} min to {destination}"
        case TwapSliced(number=number, child_id=child_id, note=note):
            sent = f"sent as {child_id}" if child_id is not None else "nothing sent"
            return f"TWAP slice {number}: {sent} ({note})"
        case TwapStopped(reason=reason):
            return f"TWAP stopped: {reason}"
    return None


def _note_text(event: AnomalyRecorded | AnomalyAcknowledged | SmartRouted) -> str:
    """An anomaly, its acknowledgement, or a smart routing decision."""
    if isinstance(event, SmartRouted):
        return event.reason
    if isinstance(event, AnomalyRecorded):
        return f"Anomaly ({event.kind.value}): {event.detail}"
    return f"Anomaly {event.number} acknowledged" + (f": {event.note}" if event.note else "")


def _execution_text(event: ExecutionApplied) -> str:
    kind = event.exec_type.name.replace("_", " ").lower()
    trade = f" {event.last_qty} at {event.last_px}" if event.last_qty else ""
    text = f" ({event.text})" if event.text else ""
    return f"Execution {event.exec_id}: {kind}{trade}; filled {event.cum_qty} -> {event.status.label.lower()}{text}"


def _cl_ord_ids(event: Event) -> tuple[str, ...]:
    found = [getattr(event, name, None) for name in ("cl_ord_id", "orig_cl_ord_id", "reported_cl_ord_id")]
    return tuple(str(i) for i in found if i)


def _wire_entry(raw: bytes, source: Source, session: str, received_ts: str | None) -> TimelineEntry:
    msg = parse_message(raw)
    ts = datetime.fromisoformat(received_ts) if received_ts is not None else msg.sending_time
    verb = "Received" if source is Source.RECEIVED else "Sent"
    return TimelineEntry(ts, source, session, f"{verb} {_type_name(msg.msg_type)}", fix_text(raw))


def _type_name(msg_type: str) -> str:
    try:
        return MsgType(msg_type).name.replace("_", " ").title()
    except ValueError:
        return f"MsgType {msg_type}"


def fix_text(raw: bytes) -> str:
    """A FIX message for people: ``|`` between fields, each tag with its name where we have one."""
    fields = []
    for field in raw.rstrip(SOH).split(SOH):
        tag, _, value = field.decode("ascii", "replace").partition("=")
        name = tags.tag_name(int(tag)) if tag.isdigit() else f"tag {tag}"
        fields.append(f"{tag}={value}" if name.startswith("tag ") else f"{name}={value}")
    return " | ".join(fields)
