"""The kill switch dialog: choose what to stop (scope) and how hard (grade), say why, and type the scope's name.

Engage stays disabled until the typed confirmation matches the scope ("ALL", or the venue, account,
trader or symbol), so a switch never goes on by a slip of the hand. What the engine answers is shown;
the dialog closes once the switch is on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.engine.commands import CommandResult
from app.engine.engine import Engine
from app.engine.ids import UserId
from app.engine.kill_terms import KillGrade, Scope, ScopeKind

_KIND_LABELS = {
    ScopeKind.ALL: "Everything",
    ScopeKind.VENUE: "Venue",
    ScopeKind.ACCOUNT: "Account",
    ScopeKind.TRADER: "Trader",
    ScopeKind.SYMBOL: "Symbol",
}


class QtKillSwitchDialog(QDialog):
    """Engage a kill switch through ``engine`` as ``user``; ``choices`` offers targets for each kind of scope."""

    def __init__(
        self,
        engine: Engine,
        user: UserId,
        choices: Mapping[ScopeKind, Sequence[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine, self._user, self._choices = engine, user, choices
        self.result_of_send: CommandResult | None = None
        self.setWindowTitle("Kill switch")
        self.kind = QComboBox()
        for kind, label in _KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.target = QComboBox(editable=True)
        self.grade = QComboBox()
        for grade in KillGrade:
            self.grade.addItem(grade.label.capitalize(), grade)
        self.grade.setCurrentIndex(list(KillGrade).index(KillGrade.CANCEL_WORKING))
        self.reason = QLineEdit(placeholderText="Why: kept in the audit trail")
        self.prompt = QLabel()
        self.confirmation = QLineEdit()
        self.problems = QLabel(wordWrap=True)
        self.problems.setStyleSheet("color: #dc2626;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.engage_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.engage_button.setText("Engage")
        form = QFormLayout(self)
        form.addRow("Stop", self.kind)
        form.addRow("Which", self.target)
        form.addRow("Grade", self.grade)
        form.addRow("Reason", self.reason)
        form.addRow(self.prompt, self.confirmation)
        form.addRow(self.problems)
        form.addRow(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.target.currentTextChanged.connect(self._check)
        self.confirmation.textChanged.connect(self._check)
        self.buttons.accepted.connect(self.engage)
        self.buttons.rejected.connect(self.reject)
        self._kind_changed()

    def scope(self) -> Scope:
        """The scope as chosen so far."""
        kind = ScopeKind(self.kind.currentData())
        return Scope(kind) if kind is ScopeKind.ALL else Scope(kind, self.target.currentText().strip())

    def _kind_changed(self) -> None:
        kind = ScopeKind(self.kind.currentData())
        self.target.clear()
        self.target.addItems(list(self._choices.get(kind, ())))
        self.target.setEnabled(kind is not ScopeKind.ALL)
        self._check()

    def _check(self) -> None:
        scope = self.scope()
        problem = scope.problem()
        self.prompt.setText(f"Type {scope.name or 'its name'} to confirm")
        self.engage_button.setEnabled(problem is None and scope.confirmed_by(self.confirmation.text()))
        self.problems.setText(problem or "")

    def engage(self) -> None:
        """Engage the switch; close if the engine took it, else say why and stay open."""
        scope = self.scope()
        grade = KillGrade(self.grade.currentData())
        self.result_of_send = self._engine.engage_kill_switch(
            scope, grade, self._user, self.confirmation.text(), self.reason.text().strip()
        )
        if self.result_of_send.accepted:
            self.accept()
        else:
            self.problems.setText(self.result_of_send.message)
