"""Turn the matching engine's results into the venue's ExecutionReports (35=8) and OrderCancelRejects (35=9).

Each report restates the order as it stood (37, 11/41, 55, 54, 38, 40, 44, 99, 59, 126), says what happened
(150) and where the order now is (39), and carries the quantities: CumQty (14), AvgPx (6), LeavesQty (151),
which is 38 - 14 while the order lives and 0 once it is finished. Fills add LastQty/LastPx (32/31), the
match id both sides share as SecondaryExecID (527: FIX 4.4 has no TrdMatchID 880 on a 35=8, and a
validating counterparty such as QuickFIX rejects it) and the venue's fee for that fill (12 with 13=3,
absolute); a busted trade is 150=H with ExecRefID (19) naming the fill, a corrected one 150=G with ExecRefID and
the corrected LastQty/LastPx. TransactTime (60) comes from the
venue's injected clock. While a cancel or replace of an order is acknowledged but not yet acted on, its
reports say 39=6 or 39=E, as FIX 4.4 ranks those states above the working ones, and its fills stay under the
old ClOrdID. A triggered stop is not reported: FIX 4.4 has no ExecType for it; its fills say what happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.engine.clock import Clock
from app.engine.enums import ORD_STATUS_FROM_FIX, ExecType, OrderStatus
from app.engine.fix import FixMessage, MsgType
from app.engine.fix import tags as t
from app.engine.fix.values import FixValue, format_utc_timestamp
from app.engine.ids import ClOrdId, VenueOrderId
from app.venue.fix_requests import NONE_ID
from app.venue.orders import NewOrder, OrderState, OwnerId
from app.venue.results import (
    Accepted,
    Busted,
    Canceled,
    CancelReason,
    Corrected,
    Expired,
    ExpireReason,
    Rejected,
    Replaced,
    RequestKind,
    Result,
    Trade,
    Triggered,
)

ORD_STATUS_CODE: dict[OrderStatus, str] = {status: code for code, status in ORD_STATUS_FROM_FIX.items()}
"""OrdStatus (39) as FIX 4.4 spells each venue state."""

_AVG_PX_STEP = Decimal("1e-8")
_ZERO = Decimal(0)
_ABSOLUTE = "3"  # CommType (13): Commission (12) is an amount
_RESPONSE_TO = {RequestKind.CANCEL: "1", RequestKind.REPLACE: "2"}
_CANCELED_WHY = {
    CancelReason.REQUESTED: None,
    CancelReason.MASS_CANCEL: "canceled by a mass cancel",
    CancelReason.IOC_REMAINDER: "immediate-or-cancel: the quantity that did not fill at once is canceled",
    CancelReason.FOK_UNFILLED: "fill-or-kill: the book could not fill the whole quantity at once",
    CancelReason.NO_LIQUIDITY: "market order: no more orders on the other side to trade with",
    CancelReason.BY_VENUE: "canceled by the venue's operations, not at the client's request",
}
_EXPIRED_WHY = {
    ExpireReason.DAY_CLOSE: "DAY order expired at the close",
    ExpireReason.GTD_TIME: "GTD order reached its expiry time",
}


@dataclass(frozen=True, slots=True)
class Addressed:
    """A message for the session of one order owner; ``execution`` marks the ones drop copies mirror."""

    owner: OwnerId
    message: FixMessage
    execution: bool


class ReportWriter:
    """Writes one venue's reports; remembers each order's Account (1) and which orders have a request pending."""

    def __init__(self, clock: Clock, fee_per_share: Decimal, house: frozenset[OwnerId] = frozenset()) -> None:
        self.clock = clock
        self.fee_per_share = fee_per_share
        self.house = house
        """Owners who get no reports: the venue's own market makers."""
        self.accounts: dict[VenueOrderId, str] = {}
        """Account (1) each client order named, echoed on its reports."""
        self.pending: dict[VenueOrderId, OrderStatus] = {}
        """Orders with an acknowledged cancel or replace not yet acted on, and which one."""
        self._stamped: tuple[datetime | None, str] = (None, "")

    # ----------------------------------------------------------------- results

    def results(
        self, results: Iterable[Result], request: NewOrder | None = None, account: str | None = None
    ) -> list[Addressed]:
        """The reports for ``results``, in order; ``request`` is the new order they answer, with its account."""
        out: list[Addressed] = []
        for r in results:
            if isinstance(r, Trade):
                fills = (f for f in (r.buy, r.sell) if f.order.owner not in self.house)
                out.extend(self._fill(r, f.order, f.exec_id) for f in fills)
            elif not isinstance(r, Triggered) and _owner(r) not in self.house:
                out.append(self._report(r, request, account))
        return out

    def _report(self, r: _OrderResult, request: NewOrder | None, account: str | None) -> Addressed:
        if isinstance(r, Rejected):
            return self._rejected(r, request, account)
        if isinstance(r, Accepted):
            if account is not None:
                self.accounts[r.order.order_id] = account
            msg = self.execution(r.order, ExecType.NEW, r.exec_id)
        elif isinstance(r, Canceled):
            why = _CANCELED_WHY[r.reason]
            msg = self.execution(r.order, ExecType.CANCELED, r.exec_id, orig=r.orig_cl_ord_id, text=why)
        elif isinstance(r, Replaced):
            msg = self.execution(r.order, ExecType.REPLACED, r.exec_id, orig=r.orig_cl_ord_id)
        elif isinstance(r, Busted):
            text = f"the venue canceled trade {r.ref_exec_id}"
            msg = self.execution(
                r.order, ExecType.TRADE_CANCEL, r.exec_id, fill=[(t.EXEC_REF_ID, r.ref_exec_id)], text=text
            )
        elif isinstance(r, Corrected):
            text = f"the venue corrected trade {r.ref_exec_id} to {r.qty} @ {r.price}"
            fill: list[tuple[int, FixValue]] = [
                (t.EXEC_REF_ID, r.ref_exec_id),
                (t.LAST_QTY, r.qty),
                (t.LAST_PX, r.price),
            ]
            msg = self.execution(r.order, ExecType.TRADE_CORRECT, r.exec_id, fill=fill, text=text)
        else:
            msg = self.execution(r.order, ExecType.EXPIRED, r.exec_id, text=_EXPIRED_WHY[r.reason])
        return Addressed(r.order.owner, msg, execution=True)

    def _fill(self, trade: Trade, order: OrderState, exec_id: str) -> Addressed:
        fee = self.fee_per_share * trade.qty
        fill: list[tuple[int, FixValue]] = [
            (t.LAST_QTY, trade.qty),
            (t.LAST_PX, trade.price),
            (t.SECONDARY_EXEC_ID, trade.trade_id),
            (t.COMMISSION, fee),
            (t.COMM_TYPE, _ABSOLUTE),
        ]
        return Addressed(order.owner, self.execution(order, ExecType.TRADE, exec_id, fill=fill), execution=True)

    def _rejected(self, r: Rejected, request: NewOrder | None, account: str | None) -> Addressed:
        if r.kind is not RequestKind.NEW:
            return Addressed(r.owner, self.cancel_reject(r), execution=False)
        if request is None:
            raise ValueError(f"the rejection of new order {r.cl_ord_id} needs that order to be reported")
        state = request_state(request, OrderStatus.REJECTED)
        extra = [(t.ORD_REJ_REASON, r.reason.ord_rej_reason)]
        msg = self.execution(state, ExecType.REJECTED, r.exec_id, account=account, text=r.text, before_account=extra)
        return Addressed(r.owner, msg, execution=True)

    # ----------------------------------------------------------------- messages

    def execution(
        self,
        order: OrderState,
        exec_type: ExecType,
        exec_id: str,
        *,
        cl_ord_id: ClOrdId | None = None,
        orig: ClOrdId | None = None,
        account: str | None = None,
        fill: Sequence[tuple[int, FixValue]] = (),
        text: str | None = None,
        before_account: Sequence[tuple[int, FixValue]] = (),
        extra: Sequence[tuple[int, FixValue]] = (),
    ) -> FixMessage:
        """An ExecutionReport restating ``order``; ``cl_ord_id`` and ``orig`` name the request it answers.

        ``account`` stands in for the Account (1) remembered for the order; ``before_account`` fields go
        right after 39 (OrdRejReason), ``extra`` ones at the end (status request ids).
        """
        status = self.status(order)
        fields: list[tuple[int, FixValue]] = [(t.ORDER_ID, order.order_id), (t.CL_ORD_ID, cl_ord_id or order.cl_ord_id)]
        if orig is not None:
            fields.append((t.ORIG_CL_ORD_ID, orig))
        fields += ((t.EXEC_ID, exec_id), (t.EXEC_TYPE, exec_type.value), (t.ORD_STATUS, ORD_STATUS_CODE[status]))
        fields += before_account
        account = account or self.accounts.get(order.order_id)
        if account is not None:
            fields.append((t.ACCOUNT, account))
        fields += _terms(order)
        fields += fill
        leaves = order.leaves_qty if status.is_live else _ZERO
        fields += ((t.LEAVES_QTY, leaves), (t.CUM_QTY, order.cum_qty), (t.AVG_PX, _avg_px(order.avg_px)))
        fields.append((t.TRANSACT_TIME, self._transact_time()))
        if text:
            fields.append((t.TEXT, text))
        fields += extra
        return FixMessage(MsgType.EXECUTION_REPORT, fields)

    def _transact_time(self) -> str:
        """TransactTime (60) as written: the clock's time, formatted once per distinct reading."""
        now = self.clock.now()
        if now != self._stamped[0]:
            self._stamped = (now, format_utc_timestamp(now))
        return self._stamped[1]

    def status(self, order: OrderState) -> OrderStatus:
        """OrdStatus (39) to report: a working order with a cancel or replace pending is pending that."""
        working = order.status in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)
        return self.pending.get(order.order_id, order.status) if working else order.status

    def cancel_reject(self, r: Rejected) -> FixMessage:
        """The OrderCancelReject (35=9) for a refused cancel or replace."""
        state = r.order
        status = ORD_STATUS_CODE[OrderStatus.REJECTED if state is None else self.status(state)]
        msg = FixMessage(MsgType.ORDER_CANCEL_REJECT)
        msg.append(t.ORDER_ID, NONE_ID if state is None else state.order_id)
        msg.append(t.CL_ORD_ID, r.cl_ord_id)
        if r.orig_cl_ord_id is not None:
            msg.append(t.ORIG_CL_ORD_ID, r.orig_cl_ord_id)
        msg.extend(((t.ORD_STATUS, status), (t.CXL_REJ_RESPONSE_TO, _RESPONSE_TO[r.kind])))
        msg.extend(((t.CXL_REJ_REASON, r.reason.cxl_rej_reason), (t.TEXT, r.text)))
        return msg


def request_state(order: NewOrder, status: OrderStatus) -> OrderState:
    """A new order the book has not accepted (pending or refused) as an `OrderState`: no OrderID, nothing done."""
    zero = Decimal(0)
    return OrderState(
        order_id=VenueOrderId(NONE_ID),
        owner=order.owner,
        cl_ord_id=order.cl_ord_id,
        symbol=order.symbol,
        side=order.side,
        ord_type=order.ord_type,
        tif=order.tif,
        qty=order.qty,
        price=order.price,
        stop_px=order.stop_px,
        expire_at=order.expire_at,
        cum_qty=zero,
        leaves_qty=order.qty if status.is_live else zero,
        avg_px=zero,
        status=status,
        triggered=False,
    )


def _terms(order: OrderState) -> list[tuple[int, FixValue]]:
    """55, 54, 38, 40, 44, 99, 59, 126: the order's terms as the report restates them."""
    terms: list[tuple[int, FixValue]] = [
        (t.SYMBOL, order.symbol),
        (t.SIDE, order.side.value),
        (t.ORDER_QTY, order.qty),
        (t.ORD_TYPE, order.ord_type.value),
    ]  # an enum's .value is plain text, which the message takes as it is
    if order.price is not None:
        terms.append((t.PRICE, order.price))
    if order.stop_px is not None:
        terms.append((t.STOP_PX, order.stop_px))
    terms.append((t.TIME_IN_FORCE, order.tif.value))
    if order.expire_at is not None:
        terms.append((t.EXPIRE_TIME, order.expire_at))
    return terms


def _avg_px(avg: Decimal) -> Decimal:
    """AvgPx as computed, or rounded to 8 places when the division left more (100 / 3 has no end)."""
    exponent = avg.as_tuple().exponent
    return avg if isinstance(exponent, int) and exponent >= -8 else avg.quantize(_AVG_PX_STEP)


_OrderResult = Accepted | Rejected | Canceled | Replaced | Expired | Busted | Corrected
"""Results reported by one message to one order's owner."""


def _owner(r: _OrderResult) -> OwnerId:
    return r.owner if isinstance(r, Rejected) else r.order.owner
