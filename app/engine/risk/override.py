"""From the gate's verdict to the engine's decision: which findings are recorded, and whether a warning is overridden.

A hard block always denies. Soft warnings deny unless the command carries a typed reason AND the user's
role may override risk warnings; then each warning is overridden by name, and the override is recorded
with the user and the reason. Every finding is recorded (``RiskFlagged``) whatever the outcome, so the
order's timeline shows what the gate saw; a clean pass records nothing beyond the order itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.events import ActionRefused, Event, RiskFlagged, WarningOverridden
from app.engine.ids import OrderId, UserId
from app.engine.risk.verdict import Severity, Verdict
from app.engine.roles import Action, Role, allows, refusal


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether the order (or amend) goes, why not, and the events that record the decision."""

    allowed: bool
    rule: str = ""
    reason: str = ""
    events: tuple[Event, ...] = ()


PASSED = Decision(True)


def decide(verdict: Verdict, order_id: OrderId, user: UserId, role: Role | None, override_reason: str) -> Decision:
    """The decision on ``verdict`` for ``user`` (whose role is ``role``), who gave ``override_reason`` (or "")."""
    if verdict.allowed:
        return PASSED
    flagged: tuple[Event, ...] = tuple(RiskFlagged(order_id, finding) for finding in verdict.findings)
    if verdict.severity is not Severity.WARN:
        return Decision(False, verdict.rule, verdict.reason, flagged)
    why = override_reason.strip()
    if not why:
        hint = " To send it anyway, someone allowed to override risk warnings must give a reason."
        return Decision(False, verdict.rule, verdict.reason + hint, flagged)
    if not allows(role, Action.OVERRIDE_WARNING):
        refused = refusal(user, role, Action.OVERRIDE_WARNING)
        events = (*flagged, ActionRefused(Action.OVERRIDE_WARNING, refused, order_id))
        return Decision(False, verdict.rule, f"{verdict.reason} {refused}", events)
    overrides = tuple(WarningOverridden(order_id, finding.rule, why, user) for finding in verdict.warnings)
    return Decision(True, events=flagged + overrides)
