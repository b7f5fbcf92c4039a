"""Stance per target (with evidence quotes), the article's note and its flags, for the current annotator.

"not set" is distinct from every value. Keys in the article view do the same (S, N, U, D); this panel shows the
result and offers the mouse route.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.scheme import Scheme
from annotator.gui.article import ArticleState

FLAGS = ("unclear", "duplicate", "not relevant")
NOT_SET = "(not set)"


class NoteEdit(QPlainTextEdit):
    """The note is saved when the editor loses focus, on Ctrl+Enter or Esc (which also returns to the article), as
    one undoable change. `doc_id` is the article the text belongs to: a note is never saved on another article."""

    committed = Signal(str, str)  # document id, note
    leave = Signal()  # Esc: back to the article

    doc_id: str | None = None
    unsaved = False  # the last save failed (full disk, read-only file): the typed text stays on screen

    def commit(self) -> None:
        if self.doc_id is not None:
            self.unsaved = False
            self.committed.emit(self.doc_id, self.toPlainText())  # receivers set `unsaved` when saving failed
            if not self.unsaved:
                self.document().setModified(False)  # saved: a note written elsewhere may now replace it

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.commit()
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and event.modifiers() & Qt.ControlModifier:
            self.commit()
            return
        if event.key() == Qt.Key_Escape:
            self.commit()
            self.leave.emit()
            return
        super().keyPressEvent(event)


class StancePanel(QWidget):
    stance_chosen = Signal(str, object)  # target, value or None
    target_chosen = Signal(str)
    note_committed = Signal(str, str)  # document id, note
    flag_toggled = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stancePanel")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("stanceTable")
        self.table.setHorizontalHeaderLabels(["Stance target", "Value", "Evidence"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setSelectionMode(QTableWidget.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.note = NoteEdit()
        self.note.setObjectName("noteEdit")
        self.note.setPlaceholderText("Note on this article (N)")
        self.note.setMaximumHeight(70)
        self.flags = {name: QCheckBox(name) for name in FLAGS}
        flags = QHBoxLayout()
        flags.addWidget(QLabel("Flags:"))
        for box in self.flags.values():
            flags.addWidget(box)
            box.clicked.connect(lambda _checked, n=box.text(): self.flag_toggled.emit(n))
        flags.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addLayout(flags)
        self.note.committed.connect(self.note_committed)
        self.table.itemSelectionChanged.connect(self._target_selected)
        self._updating = False
        self._targets: tuple[str, ...] = ()
        self.readonly = False

    def set_readonly(self, readonly: bool) -> None:
        """A read-only window shows the stance, note and flags but cannot change them, on screen either."""
        self.readonly = readonly
        self.note.setReadOnly(readonly)
        for box in self.flags.values():
            box.setEnabled(not readonly)
        for row in range(self.table.rowCount()):
            widget = self.table.cellWidget(row, 1)
            if widget is not None:
                widget.setEnabled(not readonly)

    def set_state(self, state: ArticleState | None, scheme: Scheme, current_target: str | None) -> None:
        self._updating = True
        targets = scheme.stance_targets
        if targets != self._targets:
            self._targets = targets
            self.table.setRowCount(len(targets))
            # every target visible without scrolling (up to six; more scroll)
            rows = min(len(targets), 6)
            self.table.setMinimumHeight(
                self.table.horizontalHeader().sizeHint().height()
                + rows * self.table.verticalHeader().defaultSectionSize()
                + 4
            )
            for row, target in enumerate(targets):
                self.table.setItem(row, 0, QTableWidgetItem(target))
                combo = QComboBox()
                combo.addItem(NOT_SET, None)
                for value in scheme.stance_values:
                    combo.addItem(value, value)
                combo.activated.connect(lambda _i, t=target, c=combo: self.stance_chosen.emit(t, c.currentData()))
                combo.setEnabled(not self.readonly)
                self.table.setCellWidget(row, 1, combo)
                self.table.setItem(row, 2, QTableWidgetItem(""))
        for row, target in enumerate(targets):
            value = state.stance.get(target) if state else None
            combo = self.table.cellWidget(row, 1)
            combo.setCurrentIndex(max(0, combo.findData(value)) if value is not None else 0)
            # a trained classifier's suggestion shows in the unset entry; it is no value until accepted
            suggested = state.suggested_stance.get(target) if state and value is None else None
            combo.setItemText(0, f"{NOT_SET}: suggested {suggested[0]} ({suggested[1]:.2f})" if suggested else NOT_SET)
            evidence = state.stance_evidence.get(target, []) if state else []
            text = state.document.text if state else ""
            quotes = " · ".join("“" + " ".join(text[e.start : e.end].split())[:60] + "”" for e in evidence)
            self.table.item(row, 2).setText(quotes)  # plain item text, never markup
            if target == current_target:
                self.table.selectRow(row)
        if state is not None:
            self.show_note(state)
            for name, box in self.flags.items():
                box.setChecked(name in state.flags)
        self._updating = False

    def show_note(self, state: ArticleState) -> None:
        """The article's note, unless it is being typed; another article always shows its own note (the window
        saved the previous one before leaving it). A focused editor the user has not typed in takes the stored
        note too: otherwise leaving it would save its stale text over a note another process just wrote."""
        typing = (self.note.hasFocus() or self.note.unsaved) and self.note.document().isModified()
        if state.document.id != self.note.doc_id or (not typing and self.note.toPlainText() != state.note):
            self.note.doc_id = state.document.id
            self.note.setPlainText(state.note)  # also clears the document's modified flag

    def _target_selected(self) -> None:
        if self._updating:
            return
        rows = {i.row() for i in self.table.selectedItems()}
        if rows:
            self.target_chosen.emit(self._targets[min(rows)])
