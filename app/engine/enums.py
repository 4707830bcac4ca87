"""The order vocabulary, with FIX 4.4 code values where FIX defines one (Side 54, OrdType 40, TIF 59, ...)."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    """Side (54)."""

    BUY = "1"
    """Buy."""
    SELL = "2"
    """Sell from a long position."""
    SELL_SHORT = "5"
    """Sell borrowed shares."""

    @property
    def sign(self) -> int:
        """+1 for a buy, -1 for a sell: the direction a fill moves the position."""
        return SIDE_SIGNS[self]

    @property
    def label(self) -> str:
        """The word a trader reads."""
        return _SIDE_LABELS[self]


_SIDE_LABELS = {Side.BUY: "Buy", Side.SELL: "Sell", Side.SELL_SHORT: "Sell short"}
SIDE_SIGNS: dict[Side, int] = {Side.BUY: 1, Side.SELL: -1, Side.SELL_SHORT: -1}
"""``Side.sign`` as a table, for code that reads it for every fill."""


class OrdType(StrEnum):
    """OrdType (40)."""

    MARKET = "1"
    """Execute at the best available price."""
    LIMIT = "2"
    """Execute at the limit price or better."""
    STOP = "3"
    """Becomes a market order when the stop price trades."""
    STOP_LIMIT = "4"
    """Becomes a limit order when the stop price trades."""

    @property
    def needs_limit_price(self) -> bool:
        """Whether Price (44) is required."""
        return self in (OrdType.LIMIT, OrdType.STOP_LIMIT)

    @property
    def needs_stop_price(self) -> bool:
        """Whether StopPx (99) is required."""
        return self in (OrdType.STOP, OrdType.STOP_LIMIT)


class TimeInForce(StrEnum):
    """TimeInForce (59)."""

    DAY = "0"
    """Working until the venue's close."""
    GTC = "1"
    """Good till canceled: survives the close."""
    IOC = "3"
    """Immediate or cancel: what does not fill at once is canceled."""
    FOK = "4"
    """Fill or kill: the whole quantity at once, or nothing."""
    GTD = "6"
    """Good till date: expires at ExpireTime (126)."""


class ExecType(StrEnum):
    """ExecType (150) in FIX 4.4: what happened in this execution report."""

    NEW = "0"
    """The venue accepted the order."""
    PARTIAL_FILL_LEGACY = "1"
    """Pre-4.4 partial fill; read as TRADE."""
    FILL_LEGACY = "2"
    """Pre-4.4 fill; read as TRADE."""
    DONE_FOR_DAY = "3"
    """No further executions today."""
    CANCELED = "4"
    """The order is canceled."""
    REPLACED = "5"
    """A cancel/replace took effect."""
    PENDING_CANCEL = "6"
    """The venue received the cancel and is working on it."""
    REJECTED = "8"
    """The venue refused the order."""
    SUSPENDED = "9"
    """The order is on the venue but not executing."""
    PENDING_NEW = "A"
    """The venue received the order and has not yet accepted it."""
    EXPIRED = "C"
    """Time in force ran out."""
    RESTATED = "D"
    """The venue changed the order on its own (quantity, price, state)."""
    PENDING_REPLACE = "E"
    """The venue received the replace and is working on it."""
    TRADE = "F"
    """A fill: LastQty (32) at LastPx (31)."""
    TRADE_CORRECT = "G"
    """An earlier fill (ExecRefID 19) is corrected."""
    TRADE_CANCEL = "H"
    """An earlier fill (ExecRefID 19) is busted."""
    ORDER_STATUS = "I"
    """An answer to a status request; nothing happened."""

    @property
    def is_trade(self) -> bool:
        """Whether this report carries a fill (legacy 1 and 2 included)."""
        return self in (ExecType.TRADE, ExecType.PARTIAL_FILL_LEGACY, ExecType.FILL_LEGACY)


class OrderStatus(StrEnum):
    """Where an order stands: the venue's states (OrdStatus 39) plus the local ones a desk needs."""

    PENDING_NEW = "pending_new"
    """Sent (durably); the venue has not accepted it yet."""
    NEW = "new"
    """Accepted by the venue, nothing filled."""
    PARTIALLY_FILLED = "partially_filled"
    """Some quantity filled, the rest working."""
    FILLED = "filled"
    """Completely filled."""
    PENDING_CANCEL = "pending_cancel"
    """A cancel was sent; the order still works until the venue confirms."""
    CANCELED = "canceled"
    """The venue confirmed the cancel."""
    PENDING_REPLACE = "pending_replace"
    """An amend was sent; the old terms still work until the venue confirms."""
    REPLACED = "replaced"
    """The venue confirmed the amend; working on the new terms, nothing filled since."""
    REJECTED = "rejected"
    """The venue refused the order."""
    EXPIRED = "expired"
    """Time in force ran out at the venue."""
    DONE_FOR_DAY = "done_for_day"
    """Not working for the rest of the day; may be restated tomorrow."""
    SUSPENDED = "suspended"
    """On the venue but not executing."""
    DENIED = "denied"
    """Stopped by the pre-trade risk gate; never sent."""
    UNKNOWN = "unknown"
    """Sent, then the line dropped before an answer: the venue may or may not have it."""

    @property
    def is_terminal(self) -> bool:
        """Whether the order is finished for good: nothing more will change its state."""
        return self in TERMINAL_STATUSES

    @property
    def is_live(self) -> bool:
        """Whether the order may still execute: its LeavesQty counts as working."""
        return self in LIVE_STATUSES

    @property
    def is_pending(self) -> bool:
        """Whether a request of ours awaits the venue's answer, or the answer was lost."""
        return self in PENDING_STATUSES

    @property
    def label(self) -> str:
        """The words a trader reads."""
        return self.value.replace("_", " ").capitalize()


# The properties above as sets, for the hot paths that ask them of every report (a set test is far cheaper
# than a property that reaches for enum members).
TERMINAL_STATUSES = frozenset(
    {
        OrderStatus.FILLED,
        OrderStatus.CANCELED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
        OrderStatus.DENIED,
    }
)
"""``is_terminal``."""
LIVE_STATUSES = frozenset(OrderStatus) - TERMINAL_STATUSES - {OrderStatus.DONE_FOR_DAY}
"""``is_live``."""
PENDING_STATUSES = frozenset(
    {
        OrderStatus.PENDING_NEW,
        OrderStatus.PENDING_CANCEL,
        OrderStatus.PENDING_REPLACE,
        OrderStatus.UNKNOWN,
    }
)
"""``is_pending``."""

# OrdStatus (39) as FIX 4.4 spells it, for reading reports.
ORD_STATUS_FROM_FIX: dict[str, OrderStatus] = {
    "0": OrderStatus.NEW,
    "1": OrderStatus.PARTIALLY_FILLED,
    "2": OrderStatus.FILLED,
    "3": OrderStatus.DONE_FOR_DAY,
    "4": OrderStatus.CANCELED,
    "5": OrderStatus.REPLACED,
    "6": OrderStatus.PENDING_CANCEL,
    "8": OrderStatus.REJECTED,
    "9": OrderStatus.SUSPENDED,
    "A": OrderStatus.PENDING_NEW,
    "C": OrderStatus.EXPIRED,
    "E": OrderStatus.PENDING_REPLACE,
}
