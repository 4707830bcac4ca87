"""Execution reports as a venue would send them for one order: consistent quantities, fresh ExecIDs."""

from __future__ import annotations

import itertools
from decimal import Decimal

from app.engine.enums import ExecType, OrderStatus
from app.engine.ids import ClOrdId, ExecId, VenueOrderId
from app.engine.order import RequestKind
from app.engine.venue_messages import CancelReject, ExecutionReport

ZERO = Decimal(0)
_exec_ids = itertools.count(1)


class VenueOrder:
    """The venue's side of one order: it tracks CumQty and AvgPx and writes each report from them."""

    def __init__(self, cl_ord_id: str, qty: Decimal | int) -> None:
        self.cl_ord_id = ClOrdId(cl_ord_id)
        self.qty = Decimal(qty)
        self.cum = ZERO
        self.notional = ZERO
        self.venue_order_id = VenueOrderId(f"V-{cl_ord_id}")

    @property
    def avg(self) -> Decimal:
        return self.notional / self.cum if self.cum else ZERO

    def report(
        self,
        exec_type: ExecType,
        status: OrderStatus | None = None,
        *,
        cl_ord_id: str | None = None,
        orig: str | None = None,
        last_qty: Decimal = ZERO,
        last_px: Decimal = ZERO,
        ref: ExecId | None = None,
    ) -> ExecutionReport:
        """A report of ``exec_type`` stating the order as the venue now has it."""
        live = status is None or status.is_live
        return ExecutionReport(
            exec_id=ExecId(f"X{next(_exec_ids)}"),
            exec_type=exec_type,
            cl_ord_id=ClOrdId(cl_ord_id or self.cl_ord_id),
            orig_cl_ord_id=ClOrdId(orig) if orig else None,
            ord_status=status,
            cum_qty=self.cum,
            leaves_qty=max(self.qty - self.cum, ZERO) if live else ZERO,
            avg_px=self.avg,
            last_qty=last_qty,
            last_px=last_px,
            venue_order_id=self.venue_order_id,
            order_qty=self.qty,
            ref_exec_id=ref,
        )

    def ack(self) -> ExecutionReport:
        return self.report(ExecType.NEW, OrderStatus.NEW)

    def fill(self, qty: Decimal | int, px: Decimal | int = 10) -> ExecutionReport:
        qty, px = Decimal(qty), Decimal(px)
        self.cum += qty
        self.notional += qty * px
        status = OrderStatus.FILLED if self.cum >= self.qty else OrderStatus.PARTIALLY_FILLED
        return self.report(ExecType.TRADE, status, last_qty=qty, last_px=px)

    def bust(self, fill: ExecutionReport) -> ExecutionReport:
        self.cum -= fill.last_qty
        self.notional -= fill.last_qty * fill.last_px
        status = OrderStatus.PARTIALLY_FILLED if self.cum else OrderStatus.NEW
        return self.report(ExecType.TRADE_CANCEL, status, ref=fill.exec_id)

    def correct(self, fill: ExecutionReport, qty: Decimal | int, px: Decimal | int) -> ExecutionReport:
        """A trade correction (150=G) restating ``fill`` as ``qty`` @ ``px``."""
        qty, px = Decimal(qty), Decimal(px)
        self.cum += qty - fill.last_qty
        self.notional += qty * px - fill.last_qty * fill.last_px
        status = OrderStatus.FILLED if self.cum >= self.qty else OrderStatus.PARTIALLY_FILLED
        return self.report(ExecType.TRADE_CORRECT, status, last_qty=qty, last_px=px, ref=fill.exec_id)

    def canceled(self, cl_ord_id: str | None = None) -> ExecutionReport:
        orig = self.cl_ord_id if cl_ord_id else None
        return self.report(ExecType.CANCELED, OrderStatus.CANCELED, cl_ord_id=cl_ord_id, orig=orig)

    def replaced(self, cl_ord_id: str, new_qty: Decimal | int) -> ExecutionReport:
        orig, self.qty = self.cl_ord_id, Decimal(new_qty)
        self.cl_ord_id = ClOrdId(cl_ord_id)
        status = OrderStatus.FILLED if self.cum >= self.qty else OrderStatus.REPLACED
        return self.report(ExecType.REPLACED, status, orig=orig)

    def reject_request(self, cl_ord_id: str, kind: RequestKind, reason: str = "0") -> CancelReject:
        return CancelReject(ClOrdId(cl_ord_id), self.cl_ord_id, kind, reason, text="Too late to cancel")
