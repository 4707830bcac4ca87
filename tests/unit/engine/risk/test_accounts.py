"""The desk's accounts: those its limits name and those it is configured with; any other account is blocked."""

from __future__ import annotations

from app.engine.clock import FakeClock
from app.engine.ids import AccountId
from app.engine.prices import PriceBook
from app.engine.risk.accounts import desk_accounts
from app.engine.risk.pretrade import PreTradeGate
from app.engine.risk.verdict import Severity
from tests.support.risk_kit import Desk


def test_an_order_for_an_account_the_desk_does_not_know_is_blocked_in_words(desk: Desk) -> None:
    verdict = desk.check(account=AccountId("ACC9"))
    assert not verdict.allowed
    assert verdict.reason == (
        "Account ACC9 is not one of this desk's accounts: ACC1, ACC2, OTHER. A supervisor adds an account by "
        "setting a limit for it."
    )
    assert desk.rules(account=AccountId("ACC9")) == {"account": Severity.BLOCK}
    assert not desk.submit(account=AccountId("ACC9")).accepted
    assert desk.check(account=AccountId("ACC2")).allowed


def test_a_limit_for_an_account_makes_it_one_of_the_desks(desk: Desk) -> None:
    desk.limit("credit", 1_000_000, account="ACC9")
    assert desk.check(account=AccountId("ACC9")).allowed
    assert desk_accounts(desk.engine.book.limits, ["ACC1"]) == ["ACC1", "ACC9"]
    desk.limit("credit", "", account="ACC9")  # removed: the account is no longer named
    assert desk.rules(account=AccountId("ACC9")) == {"account": Severity.BLOCK}


def test_a_gate_with_no_configured_accounts_knows_only_those_its_limits_name(desk: Desk) -> None:
    desk.engine.gate = desk.gate = PreTradeGate(["SIM1"], PriceBook(), FakeClock())
    assert desk.rules() == {"account": Severity.BLOCK}
    assert "accounts: none yet." in desk.check().reason
    desk.limit("max_order_qty", 1_000, account="ACC1")
    assert desk.check().allowed
