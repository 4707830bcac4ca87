"""Identifier types, so an account id can never be passed where a ClOrdID belongs."""

from __future__ import annotations

from typing import NewType

OrderId = NewType("OrderId", str)
"""Our own id for an order, stable across every amendment (the first ClOrdID of its chain)."""
ClOrdId = NewType("ClOrdId", str)
"""ClOrdID (11): one per request we send; unique across restarts."""
VenueOrderId = NewType("VenueOrderId", str)
"""OrderID (37): the venue's id for the order."""
ExecId = NewType("ExecId", str)
"""ExecID (17): the venue's id for one execution report; the key that makes inbound exactly-once."""
AccountId = NewType("AccountId", str)
"""Account (1)."""
UserId = NewType("UserId", str)
"""The person (or the system) who caused an event."""

SYSTEM_USER = UserId("system")
"""The user named on events no person caused: venue reports, recovery, timers."""
