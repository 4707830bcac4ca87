"""Synthetic venue traffic for the fault tests: encoded reports with consecutive MsgSeqNums, and what came out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.engine.enums import ExecType
from app.engine.fix import FixMessage, MsgType, parse_message
from app.engine.fix import tags as t
from app.engine.fix.values import FixValue
from app.venue.faults import Action, FaultInjector, Hold, Skip, Write, parse_script

START = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
NEW, FILL, CANCELED = ExecType.NEW, ExecType.TRADE, ExecType.CANCELED


def report(seq: int, exec_type: str = NEW, cl: str = "C-1", symbol: str = "ACME", at: datetime = START) -> FixMessage:
    """An ExecutionReport from venue SIMA to desk OEMS, as the session would have stored it."""
    return FixMessage(
        MsgType.EXECUTION_REPORT,
        [
            (t.SENDER_COMP_ID, "SIMA"), (t.TARGET_COMP_ID, "OEMS"), (t.MSG_SEQ_NUM, seq), (t.SENDING_TIME, at),
            (t.ORDER_ID, f"V-{cl}"), (t.CL_ORD_ID, cl), (t.EXEC_ID, f"E-{seq}"), (t.EXEC_TYPE, exec_type),
            (t.ORD_STATUS, "1" if exec_type == FILL else "0"), (t.SYMBOL, symbol), (t.SIDE, "1"),
        ],
    )  # fmt: skip


def cancel_request(cl: str, orig: str, symbol: str = "ACME") -> FixMessage:
    """An OrderCancelRequest from the desk."""
    fields: list[tuple[int, FixValue]] = [(t.MSG_SEQ_NUM, 1), (t.ORIG_CL_ORD_ID, orig), (t.CL_ORD_ID, cl)]
    return FixMessage(MsgType.ORDER_CANCEL_REQUEST, [*fields, (t.SYMBOL, symbol), (t.SIDE, "1")])


@dataclass(frozen=True)
class Sent:
    """One message the venue sends: its MsgSeqNum, frame, and when."""

    seq: int
    frame: bytes
    at: datetime


def stream(*exec_types: str, step: timedelta = timedelta(0)) -> list[Sent]:
    """Reports of the given ExecTypes with MsgSeqNums from 1, ``step`` apart, all for C-1 in ACME."""
    out = []
    for n, exec_type in enumerate(exec_types):
        at = START + n * step
        out.append(Sent(n + 1, report(n + 1, exec_type, at=at).encode(), at))
    return out


def injector(script: str, seed: int | None = None) -> FaultInjector:
    """An injector for the script text, started at START."""
    return FaultInjector(parse_script(script), START, seed)


def run(inj: FaultInjector, sent: Iterable[Sent]) -> list[Action]:
    """Every action the injector asks for over the stream, in order."""
    return [action for item in sent for action in inj.on_send(item.seq, item.frame, item.at)]


def seq_of(action: Action) -> int | None:
    """The MsgSeqNum an action writes, holds or skips; None for other actions."""
    if isinstance(action, Skip):
        return action.seq
    if isinstance(action, Write | Hold):
        return parse_message(action.data).seq_num
    return None


def seqs(actions: Iterable[Action]) -> list[int]:
    """The MsgSeqNums written, held or skipped, in order."""
    return [seq for seq in map(seq_of, actions) if seq is not None]
