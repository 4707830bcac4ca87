"""The desk's accounts: every account its limits name, plus those the gate is configured with.

An order for any other account is blocked before it goes out (a mistyped account is never sent). A
supervisor adds an account by setting a limit for it in the Limits editor; a new desk's limits file
(resources/limits.toml) sets limits for its accounts, so the ticket offers them from the first start.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from app.engine.risk.intent import Context, Intent
from app.engine.risk.verdict import Finding, Severity

if TYPE_CHECKING:
    from app.engine.risk.limits import Limits


def desk_accounts(limits: Limits, configured: Collection[str]) -> list[str]:
    """The desk's accounts, sorted: those ``limits`` name and the ``configured`` ones."""
    return sorted(limits.accounts() | frozenset(configured))


class KnownAccountCheck:
    """Blocks an order for an account that is not one of the desk's accounts."""

    rule = "account"

    def __init__(self, configured: Collection[str]) -> None:
        self.configured = frozenset(configured)

    def check(self, intent: Intent, ctx: Context) -> Finding | None:
        """Block an order for an account the desk does not know."""
        account = intent.spec.account
        if account in self.configured or account in ctx.book.limits.accounts():
            return None
        known = ", ".join(desk_accounts(ctx.book.limits, self.configured)) or "none yet"
        reason = (
            f"Account {account} is not one of this desk's accounts: {known}. A supervisor adds an account by "
            "setting a limit for it."
        )
        return Finding(Severity.BLOCK, self.rule, known, account, reason)
