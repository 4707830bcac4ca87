"""The risk limits editor: every limit in force as a table, and a form to set, change or remove one.

Anyone may read the limits; only a role that may change them gets a working form (others see why not).
Each change goes to the engine as a command and is recorded as an event naming who changed what, from
which value to which. Selecting a row puts that limit in the form; an empty value removes it. "Load limits
file (merge)..." sets every limit a limits file names (app/engine/risk/limits_file.py), each change audited the
same way, and leaves the others as they are (the button's note says so); "Replace all limits with file..." makes
the file the whole set, removing every limit it does not name, after a confirmation that says how many. A file
with a mistake is named with its line and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.commands import CommandResult, SetLimit
from app.engine.engine import Engine
from app.engine.errors import ConfigError
from app.engine.ids import UserId
from app.engine.risk.limit_keys import FIELDS, LimitKey, Scope
from app.engine.risk.limit_kinds import LIMIT_KINDS
from app.engine.risk.limits_file import load_limits
from app.engine.risk.verdict import Severity
from app.engine.roles import Action, allows, refusal

COLUMNS = ("Limit", "Level", *(name.capitalize() for name in FIELDS), "Value")
_LEVELS = (Severity.BLOCK, Severity.WARN)


class QtLimitsEditor(QWidget):
    """The limits of ``engine``'s desk, edited as ``user``."""

    def __init__(self, engine: Engine, user: UserId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine, self._user = engine, user
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.kind = QComboBox()
        self.kind.addItems(list(LIMIT_KINDS))
        self.meaning = QLabel(wordWrap=True)
        self.level = QComboBox()
        self.level.addItems([level.value for level in _LEVELS])
        self.scope = {name: QLineEdit(placeholderText="any") for name in FIELDS}
        self.value = QLineEdit(placeholderText="empty removes the limit")
        self.set_button = QPushButton("Set limit")
        self.load_button = QPushButton("Load limits file (merge)...")
        self.load_button.setToolTip("Sets every limit the file names; limits it does not name stay as they are.")
        self.replace_button = QPushButton("Replace all limits with file...")
        self.replace_button.setToolTip("The file becomes the whole set: every limit it does not name is removed.")
        self.confirm: Callable[[str], bool] = self._ask
        """Asks the supervisor to confirm replacing all limits (the question in words); tests answer it."""
        self.message = QLabel(wordWrap=True)
        self._lay_out()
        self.kind.currentTextChanged.connect(self._on_kind)
        self.table.itemSelectionChanged.connect(self._on_selected)
        self.set_button.clicked.connect(self.apply_change)
        self.load_button.clicked.connect(lambda: self._choose_file(self.load_file))
        self.replace_button.clicked.connect(lambda: self._choose_file(self.replace_with_file))
        self.value.returnPressed.connect(self.apply_change)
        self._on_kind(self.kind.currentText())
        self._allow_editing()
        self.reload()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Limit", self.kind)
        form.addRow("", self.meaning)
        form.addRow("Level", self.level)
        for name, line in self.scope.items():
            form.addRow(name.capitalize(), line)
        form.addRow("Value", self.value)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        box.addLayout(form)
        box.addWidget(self.set_button)
        box.addWidget(self.load_button)
        box.addWidget(QLabel("Loading a file merges it: limits it does not name stay as they are.", wordWrap=True))
        box.addWidget(self.replace_button)
        box.addWidget(self.message)

    def set_user(self, user: UserId) -> None:
        """Edit as ``user`` from now on (read-only for a role that may not change limits)."""
        self._user = user
        self._allow_editing()

    def _allow_editing(self) -> None:
        role = self._engine.directory.role_of(self._user)
        may = allows(role, Action.EDIT_LIMITS)
        buttons = (self.set_button, self.load_button, self.replace_button)
        for widget in (self.kind, self.level, self.value, *buttons, *self.scope.values()):
            widget.setEnabled(may)
        self._say("" if may else refusal(self._user, role, Action.EDIT_LIMITS), ok=may)

    def reload(self) -> None:
        """Show every limit in force, as the engine holds them now."""
        items = self._engine.book.limits.items()
        self.table.setRowCount(len(items))
        for row, (key, text) in enumerate(items):
            cells = (key.name, key.level.value, *key.scope.values(), text)
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(cell))

    def key(self) -> LimitKey:
        """The limit the form names."""
        scope = Scope(*(self.scope[name].text().strip() for name in FIELDS))
        return LimitKey(self.kind.currentText(), _LEVELS[self.level.currentIndex()], scope)

    def apply_change(self) -> CommandResult:
        """Ask the engine to set the form's limit to its value; say what it answered."""
        return self._answered(self._engine.set_limit(SetLimit(self.key(), self.value.text(), self._user)))

    def load_file(self, path: Path) -> CommandResult:
        """Ask the engine to set every limit the limits file at ``path`` names; say what it answered."""
        return self._answered(self._engine.load_limits(partial(load_limits, path), path.name, self._user))

    def replace_with_file(self, path: Path) -> CommandResult | None:
        """Make the limits file at ``path`` the whole set once the supervisor confirms (None if they do not): every
        limit it names set, every other removed, each change audited."""
        read = partial(load_limits, path)
        try:
            limits = read()
        except ConfigError:  # the engine says what is wrong with it, where, and changes nothing
            return self._answered(self._engine.load_limits(read, path.name, self._user, replace_all=True))
        changes = self._engine.book.limits.changes_to(limits, replace_all=True)
        removed = [key.describe() for key, _, new in changes if not new]
        question = (
            f"Replace ALL limits with {path.name}? {len(changes) - len(removed)} limits it names will be set or "
            f"changed, and {len(removed)} limits in force that it does not name will be removed"
            + (f": {', '.join(removed)}." if removed else ".")
        )
        if changes and not self.confirm(question):
            self._say(f"Limits not replaced with {path.name}; nothing changed.", ok=True)
            return None
        return self._answered(self._engine.load_limits(lambda: limits, path.name, self._user, replace_all=True))

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Replace all limits", question)
        return answer == QMessageBox.StandardButton.Yes

    def _answered(self, result: CommandResult) -> CommandResult:
        """Say what the engine answered; show the limits again if they changed."""
        self._say(result.message, ok=result.accepted)
        if result.accepted:
            self.reload()
        return result

    def _choose_file(self, then: Callable[[Path], object]) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Limits file", "", "Limits files (*.toml);;All files (*)")
        if chosen:
            then(Path(chosen))

    def _on_kind(self, name: str) -> None:
        kind = LIMIT_KINDS[name]
        default = f" Default {kind.default}." if kind.default else ""
        self.meaning.setText(f"The limit on {kind.what}.{default}")

    def _on_selected(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) != 1:
            return
        row = rows.pop()
        texts = [item.text() if (item := self.table.item(row, column)) else "" for column in range(len(COLUMNS))]
        self.kind.setCurrentText(texts[0])
        self.level.setCurrentText(texts[1])
        for name, text in zip(FIELDS, texts[2:6], strict=True):
            self.scope[name].setText(text)
        self.value.setText(texts[6])

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #16a34a;" if ok else "color: #dc2626;")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Show the limits as they are now whenever the editor comes into view."""
        self.reload()
        super().showEvent(event)
