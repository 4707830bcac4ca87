"""A ClOrdID used again on a cancel or replace: refused as a duplicate (35=9, 102=6), unless the request is a
possible resend (97=Y or 43=Y) of the very same one, which is answered without acting twice."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.engine.fix.values import FixValue
from app.engine.ids import ClOrdId
from app.venue.cl_ord_ids import ClOrdIdLog
from app.venue.orders import CancelRequest, OwnerId
from app.venue.venue_app import Outbound
from tests.unit.venue.fix_kit import PENDING, T0, Client, venue

POSS_RESEND = ((97, "Y"),)
POSS_DUP = ((43, "Y"),)


def _cancel(c: Client, cl: str, orig: str, flags: Sequence[tuple[int, FixValue]] = (), **kw: bool) -> list[Outbound]:
    return c.send("F", [*flags, (41, orig), (11, cl), (55, "ACME"), (54, "1"), (60, T0)], **kw)


def _replace(c: Client, cl: str, orig: str, qty: str, flags: Sequence[tuple[int, FixValue]] = ()) -> list[Outbound]:
    fields: list[tuple[int, FixValue]] = [*flags, (41, orig), (11, cl), (55, "ACME"), (54, "1"), (38, qty)]
    return c.send("G", [*fields, (40, "2"), (44, "99.00"), (59, "0"), (60, T0)])


def _trader() -> Client:
    c1 = Client(venue(), "C1")
    c1.new("a1", "1", "100", "99.00")
    c1.new("a2", "1", "100", "98.00")
    return c1


def _live(c: Client) -> list[str]:
    book = c.app.engine.book("ACME")
    assert book is not None
    return [o.cl_ord_id for o in book.open_orders()]


def test_a_cancel_reusing_the_clordid_of_a_refused_cancel_is_refused_as_a_duplicate() -> None:
    c1 = _trader()
    [unknown] = c1.mine(_cancel(c1, "x1", "nope"))
    [duplicate] = c1.mine(_cancel(c1, "x1", "a2"))
    assert (unknown[35], unknown[102]) == ("9", "1")
    assert (duplicate[35], duplicate[102], duplicate[37], duplicate[39]) == ("9", "6", "TST-O2", "0")
    assert duplicate[58].startswith("ClOrdID x1 is already in use on this session (an earlier cancel request had it)")
    assert _live(c1) == ["a1", "a2"]


def test_a_cancel_reusing_a_new_orders_clordid_is_refused_as_a_duplicate() -> None:
    c1 = _trader()
    [duplicate] = c1.mine(_cancel(c1, "a1", "a2"))
    [own] = c1.mine(_cancel(c1, "a2", "a2"))
    assert [(m[35], m[102]) for m in (duplicate, own)] == [("9", "6"), ("9", "6")]
    assert "(a new order has it)" in own[58]
    assert _live(c1) == ["a1", "a2"]


@pytest.mark.parametrize("flags", [POSS_RESEND, POSS_DUP], ids=["97=Y", "43=Y"])
def test_a_possible_resend_of_a_cancel_that_took_effect_gets_the_orders_status_and_nothing_twice(
    flags: Sequence[tuple[int, FixValue]],
) -> None:
    c1 = _trader()
    [canceled] = c1.mine(_cancel(c1, "k1", "a1"))
    out = _cancel(c1, "k1", "a1", flags)
    [status] = c1.mine(out)
    assert (canceled[150], canceled[39]) == ("4", "4")
    assert (status[35], status[150], status[39], status[11], status[41], status[37]) == (
        "8", "I", "4", "k1", "a1", "TST-O1",
    )  # fmt: skip
    assert [o for o in out if o.session != "C1"] == []  # no second cancel on the drop copy either
    assert _live(c1) == ["a2"]


def test_the_same_cancel_again_without_a_resend_flag_is_a_duplicate() -> None:
    c1 = _trader()
    c1.mine(_cancel(c1, "k1", "a1"))
    [again] = c1.mine(_cancel(c1, "k1", "a1"))
    assert (again[35], again[102]) == ("9", "6")


def test_a_resend_flag_on_a_different_request_does_not_make_it_the_same() -> None:
    c1 = _trader()
    c1.mine(_cancel(c1, "k1", "a1"))
    [other] = c1.mine(_cancel(c1, "k1", "a2", POSS_RESEND))
    assert (other[35], other[102]) == ("9", "6")
    assert _live(c1) == ["a2"]


def test_a_resend_of_a_cancel_still_waiting_is_answered_once_by_the_cancel_itself() -> None:
    c1 = Client(venue(PENDING), "C1")
    c1.new("a1", "1", "100", "99.00")
    [pending] = c1.mine(_cancel(c1, "k1", "a1", release=False))
    assert c1.mine(_cancel(c1, "k1", "a1", POSS_RESEND, release=False)) == []
    assert c1.app.held("C1") == 1
    [canceled] = c1.mine(c1.app.release_next("C1"))
    assert (pending[150], canceled[150], canceled[11]) == ("6", "4", "k1")


def test_a_resend_of_a_refused_cancel_is_looked_at_again() -> None:
    c1 = _trader()
    [first] = c1.mine(_cancel(c1, "x1", "nope"))
    [again] = c1.mine(_cancel(c1, "x1", "nope", POSS_RESEND))
    assert [(m[35], m[102]) for m in (first, again)] == [("9", "1"), ("9", "1")]


def test_a_resend_of_a_replace_that_took_effect_restates_the_replaced_order_once() -> None:
    c1 = _trader()
    [replaced] = c1.mine(_replace(c1, "r1", "a1", "200"))
    [status] = c1.mine(_replace(c1, "r1", "a1", "200", POSS_RESEND))
    [changed] = c1.mine(_replace(c1, "r1", "a1", "300", POSS_RESEND))
    assert (replaced[150], replaced[38]) == ("5", "200")
    assert (status[150], status[11], status[41], status[38]) == ("I", "r1", "a1", "200")
    assert (changed[35], changed[102]) == ("9", "6")


def test_the_log_keeps_the_first_request_per_session_and_forgets_the_oldest() -> None:
    log = ClOrdIdLog(keep=2)
    owner, a1 = OwnerId("C1"), ClOrdId("a1")
    requests = [CancelRequest(owner, ClOrdId(f"k{i}"), a1, "ACME") for i in range(3)]
    for request in requests:
        log.remember("C1", request)
    log.remember("C1", CancelRequest(owner, ClOrdId("k2"), ClOrdId("a2"), "ACME"))
    assert (log.first("C1", ClOrdId("k0")), log.first("C2", ClOrdId("k2"))) == (None, None)
    assert log.first("C1", ClOrdId("k1")) == requests[1]
    assert log.first("C1", ClOrdId("k2")) == requests[2]
