"""Shorthand for the venue application tests: a quiet test venue and FIX clients that talk to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from app.engine.clock import FakeClock
from app.engine.fix import FixMessage
from app.engine.fix.values import FixValue
from app.venue.profiles import Listing, VenueProfile
from app.venue.venue_app import Outbound, VenueApplication

T0 = "20260105-14:30:00.000"
"""TransactTime (60) of every report while the fake clock stands at its start."""

QUIET = VenueProfile(
    name="TST",
    ack_latency_ms=0,
    pending_acks=False,
    fee_per_share=Decimal("0.002"),
    tick=Decimal("0.01"),
    lot=Decimal("10"),
    liquidity=None,
    listings=(Listing("ACME", Decimal("100")), Listing("BOLT", Decimal("10"))),
    seed=7,
)
"""A venue without market makers, so every order in its books is a test's own; acts on receipt."""
PENDING = replace(QUIET, pending_acks=True)
"""The same venue acknowledging through pending states (150=A / 6 / E)."""

DROP = "DROPCOPY"


def venue(profile: VenueProfile = QUIET, clock: FakeClock | None = None) -> VenueApplication:
    """A venue application on a fake clock, with a drop-copy session."""
    return VenueApplication(profile, clock or FakeClock(), DROP)


def body(msg: FixMessage) -> list[tuple[int, str]]:
    """Every field after BeginString, in order: what a test compares exactly."""
    return list(msg.fields[1:])


def to(out: list[Outbound], session: str) -> list[FixMessage]:
    """The messages addressed to ``session``, in order."""
    return [o.message for o in out if o.session == session]


def tag(msgs: list[FixMessage], number: int) -> list[str | None]:
    """One tag's value in each message."""
    return [m.get(number) for m in msgs]


class Client:
    """One order session of a venue: sends numbered messages; by default lets held requests take effect."""

    def __init__(self, app: VenueApplication, session: str = "C1") -> None:
        self.app = app
        self.session = session
        self.seq = 1

    def send(self, msg_type: str, fields: Sequence[tuple[int, FixValue]], *, release: bool = True) -> list[Outbound]:
        """Send one message (MsgSeqNum 34 added); with ``release``, this session's held requests take effect."""
        self.seq += 1
        out = self.app.on_message(self.session, FixMessage(msg_type, [(34, self.seq), *fields]))
        while release and self.app.held(self.session):
            out += self.app.release_next(self.session)
        return out

    def mine(self, out: list[Outbound]) -> list[FixMessage]:
        """The messages for this session."""
        return to(out, self.session)

    def new(
        self,
        cl: str,
        side: str,
        qty: str,
        price: str | None = None,
        *,
        symbol: str = "ACME",
        tif: str = "0",
        extra: Sequence[tuple[int, FixValue]] = (),
        release: bool = True,
    ) -> list[Outbound]:
        """A NewOrderSingle: limit with a price, market without."""
        fields: list[tuple[int, FixValue]] = [(11, cl), (55, symbol), (54, side), (38, qty)]
        fields += [(40, "2"), (44, price)] if price is not None else [(40, "1")]
        fields += [(59, tif), (60, T0), *extra]
        return self.send("D", fields, release=release)

    def cancel(
        self, cl: str, orig: str, *, side: str = "1", symbol: str = "ACME", release: bool = True
    ) -> list[Outbound]:
        """An OrderCancelRequest."""
        fields: list[tuple[int, FixValue]] = [(41, orig), (11, cl), (55, symbol), (54, side), (60, T0)]
        return self.send("F", fields, release=release)

    def replace(
        self,
        cl: str,
        orig: str,
        qty: str,
        price: str,
        *,
        side: str = "1",
        symbol: str = "ACME",
        release: bool = True,
    ) -> list[Outbound]:
        """An OrderCancelReplaceRequest of a limit order."""
        fields: list[tuple[int, FixValue]] = [(41, orig), (11, cl), (55, symbol), (54, side), (38, qty)]
        fields += [(40, "2"), (44, price), (59, "0"), (60, T0)]
        return self.send("G", fields, release=release)
