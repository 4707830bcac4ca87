"""A status answer's order terms (1, 40, 44, 99, 59, 126) are read for adopting a foreign order; what is missing or
malformed reads as not given and never refuses the report."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from app.engine.enums import OrdType, TimeInForce
from app.engine.fix.status_terms import status_terms
from app.engine.venue_messages import OrderTerms


def test_the_terms_are_read_from_their_tags() -> None:
    values = {"1": "ACC9", "40": "4", "44": "24.25", "99": "24.5", "59": "6", "126": "20261122-21:00:00"}
    expire = datetime(2026, 11, 22, 21, tzinfo=UTC)
    assert status_terms(values) == OrderTerms(
        "ACC9", OrdType.STOP_LIMIT, Decimal("24.25"), Decimal("24.5"), TimeInForce.GTD, expire
    )


def test_missing_or_malformed_terms_read_as_not_given_and_no_tif_is_a_day_order() -> None:
    assert status_terms({"40": "Z", "44": "abc", "99": "-1", "126": "soon"}) == OrderTerms(tif=TimeInForce.DAY)
    assert status_terms({"59": "9"}).tif is None
