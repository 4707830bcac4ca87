"""Every kind of limit the gate knows: its name, what it means in words, and how its value is written.

Limits are stored as text (in events, the snapshot and the limits file) and read through the kind's
``parse``, which says in words what is wrong with a bad value. Thresholds may be set at two levels: a
hard ``block`` and a soft ``warn`` (overridable with a reason). Settings that qualify other limits (the
reference price's age, the rate window) have a default, so a price band never runs without a staleness
bound; so do the kill switch's automatic triggers and retries (a reject storm's count and window, how long
a line may be down, how long a kill cancel may go unanswered) and the trading day's roll. Every other limit
(an account's daily loss among them) is off until it is set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from app.engine.fix.config_values import NON_STOP, time_of_day, time_zone
from app.engine.fix.schedule import SessionSchedule
from app.engine.risk.trading_day import day_roll
from app.engine.risk.verdict import Severity

BOTH: Final = frozenset({Severity.BLOCK, Severity.WARN})
HARD: Final = frozenset({Severity.BLOCK})
SOFT: Final = frozenset({Severity.WARN})
MAX_WINDOW_S: Final = 60
"""The longest window (rates, duplicates) a limit may ask for: the desk keeps this much recent activity."""


def positive_decimal(text: str) -> Decimal:
    """A number above zero."""
    try:
        value = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{text!r} must be above zero")
    return value


def whole_count(text: str) -> int:
    """A whole number of at least one."""
    value = positive_decimal(text)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} must be a whole number")
    return int(value)


def window_seconds(text: str) -> Decimal:
    """A number of seconds above zero and at most ``MAX_WINDOW_S``."""
    value = positive_decimal(text)
    if value > MAX_WINDOW_S:
        raise ValueError(f"{text!r} seconds is longer than the {MAX_WINDOW_S} seconds of activity the desk keeps")
    return value


def reason_text(text: str) -> str:
    """Words saying why (a restricted symbol's reason)."""
    if not text.strip():
        raise ValueError("give the reason in words")
    return text.strip()


_HOURS: Final = re.compile(r"(\S+)-(\S+)\s+(\S+)(\s+weekdays)?")
HOURS_EXAMPLE: Final = '"09:30-16:00 America/New_York weekdays" or "non-stop"'


def trading_hours(text: str) -> SessionSchedule:
    """``"non-stop"`` or ``"HH:MM-HH:MM Zone/Name"``, optionally followed by ``weekdays``."""
    if text.strip() == NON_STOP:
        return SessionSchedule()
    found = _HOURS.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not trading hours; write them like {HOURS_EXAMPLE}")
    start, end, zone, weekdays = found.groups()
    try:
        return SessionSchedule(
            time_of_day("start", start), time_of_day("end", end), time_zone("zone", zone), bool(weekdays)
        )
    except ValueError as err:
        raise ValueError(f"{text!r}: {err}") from None


@dataclass(frozen=True, slots=True)
class LimitKind:
    """One kind of limit: ``what`` completes "the limit on ..." for people."""

    name: str
    what: str
    parse: Callable[[str], Any]
    levels: frozenset[Severity] = HARD
    default: str = ""

    def read(self, text: str) -> Any:
        """The value ``text`` stands for; ValueError saying what is wrong, naming this limit."""
        try:
            return self.parse(text)
        except ValueError as err:
            raise ValueError(f"{self.name} ({self.what}): {err}") from None


LIMIT_KINDS: Final[dict[str, LimitKind]] = {
    kind.name: kind
    for kind in (
        LimitKind("max_order_qty", "the quantity of one order", positive_decimal, BOTH),
        LimitKind("max_order_notional", "the notional (quantity x price) of one order", positive_decimal, BOTH),
        LimitKind("max_long", "the worst-case long: position + working buys + the order", positive_decimal, BOTH),
        LimitKind("max_short", "the worst-case short: working sells + the order - position", positive_decimal, BOTH),
        LimitKind(
            "credit",
            "an account's buying power: each symbol at its worst case (longs at cost, shorts at the mark)",
            positive_decimal,
            BOTH,
        ),
        LimitKind("price_band_pct", "how far a price may be from the reference, in percent", positive_decimal, BOTH),
        LimitKind("max_quote_age_s", "how old, in seconds, a reference price may be", positive_decimal, default="10"),
        LimitKind("order_rate", "new orders per trader in the rate window", whole_count, BOTH),
        LimitKind("message_rate", "orders, amends and cancels per trader in the rate window", whole_count, BOTH),
        LimitKind("rate_window_s", "the rate window, in seconds", window_seconds, default="1"),
        LimitKind("duplicate_window_s", "seconds in which the same order again is a duplicate", window_seconds, SOFT),
        LimitKind("restricted", "trading a restricted symbol (the value is the reason)", reason_text, BOTH),
        LimitKind("tick_size", "the price increment", positive_decimal),
        LimitKind("lot_size", "the quantity increment", positive_decimal),
        LimitKind("market_hours", "when the market is open", trading_hours),
        LimitKind(
            "daily_loss", "an account's realised loss in one trading day before its kill switch trips", positive_decimal
        ),
        LimitKind("trading_day_roll", "when the trading day ends (desk-wide)", day_roll, default="00:00 UTC"),
        LimitKind("reject_storm", "venue rejects in the storm window that halt the venue", whole_count, default="20"),
        LimitKind("reject_storm_window_s", "the reject storm window, in seconds", window_seconds, default="10"),
        LimitKind(
            "line_down_s",
            "seconds a venue's line may be down, orders working, before it is halted",
            positive_decimal,
            default="30",
        ),
        LimitKind(
            "kill_cancel_retry_s",
            "seconds a kill switch's cancel may go unanswered before it is sent again",
            positive_decimal,
            default="5",
        ),
    )
}
"""Every kind of limit, by name."""
