"""What the pre-trade gate decides: findings, each a rule that warned or blocked with its limit and values.

A finding is data for the trader: the rule, the limit that applied (with where it was set), the value
that broke it, and a sentence saying so. A verdict gathers every finding of one check, so the ticket can
list them all; a hard block denies, a soft warning denies unless a person allowed to override does so
with a typed reason (app/engine/risk/override.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters."""

    PASS = "pass"
    """Nothing found: the order may go."""
    WARN = "warn"
    """A soft limit: denied unless someone allowed to overrides it with a reason."""
    BLOCK = "block"
    """A hard limit: denied, no override."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's objection: ``limit`` and ``value`` are the figures that decided, as text."""

    severity: Severity
    rule: str
    limit: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gate's answer: allowed, or denied by ``rule`` for ``reason``, with every finding behind it.

    ``rule`` and ``reason`` are those of the first block, or failing that the first warning. A verdict
    made without findings (``Verdict(False, rule, reason)``) counts as a block.
    """

    allowed: bool
    rule: str = ""
    reason: str = ""
    findings: tuple[Finding, ...] = ()

    @classmethod
    def of(cls, findings: list[Finding]) -> Verdict:
        """The verdict on these findings: allowed only when there are none."""
        if not findings:
            return ALLOW
        first = next((f for f in findings if f.severity is Severity.BLOCK), findings[0])
        return cls(False, first.rule, first.reason, tuple(findings))

    @property
    def severity(self) -> Severity:
        """PASS when allowed, WARN when only warnings stand in the way, else BLOCK."""
        if self.allowed:
            return Severity.PASS
        if self.findings and all(f.severity is Severity.WARN for f in self.findings):
            return Severity.WARN
        return Severity.BLOCK

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The soft findings."""
        return tuple(f for f in self.findings if f.severity is Severity.WARN)


ALLOW = Verdict(True)
"""The verdict with nothing against the order."""
