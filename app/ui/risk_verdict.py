"""The risk gate's verdict on an order or an amend, as the ticket and the amend dialog both show it.

Each finding is a line (blocks red, warnings amber; a green line when it passes). When only warnings stand
in the way and the user's role may override them, a reason box appears below: a reason typed there goes
with the order or amend, and the engine records the override under the user's name.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app.engine.risk.verdict import Finding, Severity, Verdict
from app.engine.roles import Action, Role, allows

_FINDING_COLOURS = {Severity.BLOCK: "#dc2626", Severity.WARN: "#d97706"}
_FINDING_WORDS = {Severity.BLOCK: "Blocked", Severity.WARN: "Warning"}


class QtRiskVerdict(QWidget):
    """The findings (``findings``, rich text) and the override reason box (``override``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.override = QLineEdit(placeholderText="Reason to override the warnings (recorded with your name)")
        self.override.setObjectName("override_reason")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.findings)
        column.addWidget(self.override)
        self.override.setVisible(False)

    def show_verdict(self, verdict: Verdict | None, role: Role | None) -> None:
        """Show ``verdict`` (None: nothing to check yet); offer the reason box if only warnings stand in the way and
        ``role`` may override them."""
        if verdict is None:
            self.findings.setText("")
            self.override.setVisible(False)
            return
        self.findings.setText(findings_html(verdict))
        self.override.setVisible(verdict.severity is Severity.WARN and allows(role, Action.OVERRIDE_WARNING))

    def reason(self) -> str:
        """The override reason to send: what is typed in the box while it is offered, else nothing."""
        return self.override.text() if self.override.isVisibleTo(self) else ""


def findings_html(verdict: Verdict) -> str:
    """The verdict as lines: a green pass, or each finding coloured by severity."""
    if verdict.allowed:
        return '<span style="color: #16a34a;">Risk check: passes.</span>'
    findings = verdict.findings or (Finding(Severity.BLOCK, verdict.rule, "", "", verdict.reason),)
    lines = [
        f'<span style="color: {_FINDING_COLOURS[f.severity]};">{_FINDING_WORDS[f.severity]} ({f.rule}): '
        f"{html.escape(f.reason, quote=False)}</span>"
        for f in findings
    ]
    return "<br>".join(lines)
