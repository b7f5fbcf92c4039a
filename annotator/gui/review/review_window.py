"""The review (adjudication) window: every annotator's version of each disputed item side by side, settled by key.

Layout: articles with open disagreements | the article text (plain text, never markup) over a table with one row
per unit (span cluster, event cluster, stance target) and one column per annotator plus gold. Keys:
1-9 take annotator 1-9's version of the current unit, 0 or X reject every candidate, Backspace/Delete undo the
decision, Shift+Delete remove the gold span under the text cursor, N / P next / previous open disagreement, PageDown / PageUp next / previous article, A accept agreed items
now. With text selected, a label key (the scheme's) makes that selection a gold span of the reviewer's own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core import operations
from annotator.core.adjudication import (
    ArticleReview,
    Unit,
    compared_documents,
    gold_items,
    project_disagreements,
)
from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD
from annotator.core.project import Project
from annotator.core.words import snap_to_words
from annotator.gui.changes import change_hub
from annotator.gui.commands import RecordedCommand
from annotator.gui.positions import PositionMap
from annotator.gui.window_keys import add_window_keys, fit_to_screen

OPEN, AGREED, DECIDED = "open", "agreed", "decided"
STATE_COLORS = {OPEN: "#ffd6d6", AGREED: "#e6e6e6", DECIDED: "#d4f2d4"}
VERSION_COLORS = ("#fff2b3", "#cfe3ff", "#f6d0f0", "#d0f4f0", "#ffe0c2", "#e0d6ff")
HELP = (
    "1–9 take that annotator's version · 0 / X reject all · Backspace undo · Shift+Del remove gold span at cursor · "
    "N / P next / previous disagreement · "
    "PgDn / PgUp next / previous article · A accept agreed · select text + label key: own gold span"
)


class CountJob(QThread):
    """Counts the open disagreements of every compared article on a read-only connection of its own (a few
    milliseconds an article: seconds for a large project, so not on the UI thread)."""

    counted = Signal(object)  # {document id: open disagreements}

    def __init__(self, project_path: str | Path, parent=None):
        super().__init__(parent)
        self.project_path = project_path
        self.stopped = False

    def run(self) -> None:
        with Project.open(self.project_path, readonly=True) as project:
            counts = project_disagreements(project, stop=lambda: self.stopped)
        if not self.stopped:
            self.counted.emit(counts)


class ReviewWindow(QMainWindow):
    document_loaded = Signal(str)
    unit_decided = Signal(str)  # the unit's key
    counts_ready = Signal()  # the project's open disagreements are counted

    def __init__(
        self,
        project_path: str | Path,
        document_id: str | None = None,
        *,
        project: Project | None = None,
        undo_stack: QUndoStack | None = None,
        auto_accept: bool = True,
    ):
        super().__init__()
        # Opened from the main window, the review shares its project (one way into the file) and its undo
        # stack (Ctrl+Z in either window undoes the last action of both); standalone it has its own.
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        change_hub().changed.connect(self._changes_arrived)
        change_hub().external.connect(self._file_changed)
        self.setObjectName("reviewWindow")
        fit_to_screen(self, 1280, 820)
        self._owns_project = project is None
        self.project = project if project is not None else Project.open(project_path)
        self.review: ArticleReview | None = None
        self.positions: PositionMap | None = None
        self.text = ""

        self.doc_list = QListWidget(objectName="reviewDocuments")
        self.text_view = QPlainTextEdit(objectName="reviewText")
        self.text_view.setReadOnly(True)
        self.text_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.unit_table = QTableWidget(objectName="reviewUnits")
        self.unit_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unit_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_table.verticalHeader().setVisible(False)
        self.stance_combo = QComboBox(objectName="reviewStance")
        self.stance_combo.addItems(list(self.project.scheme.stance_values))
        self.stance_combo.setEnabled(False)
        self.stance_combo.activated.connect(self._stance_chosen)
        self.progress_label = QLabel(objectName="reviewProgress")
        self.progress_label.setTextFormat(Qt.PlainText)

        center = QWidget()
        box = QVBoxLayout(center)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.text_view)
        split.addWidget(self.unit_table)
        split.setSizes([480, 300])
        box.addWidget(split)
        row = QHBoxLayout()
        row.addWidget(QLabel("Gold stance for the selected target:"))
        row.addWidget(self.stance_combo)
        row.addStretch(1)
        box.addLayout(row)
        help_label = QLabel(HELP)
        help_label.setWordWrap(True)
        box.addWidget(help_label)
        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(self.doc_list)
        outer.addWidget(center)
        outer.setSizes([260, 1020])
        self.setCentralWidget(outer)
        self.statusBar().addPermanentWidget(self.progress_label)
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence.StandardKey.Undo])
        undo.setObjectName("reviewUndo")
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        redo.setObjectName("reviewRedo")
        self.addAction(undo)
        self.addAction(redo)
        add_window_keys(self)

        menu = self.menuBar().addMenu("&Review")
        self.auto_accept_action = QAction("Accept items all annotators agree on automatically", self)
        self.auto_accept_action.setCheckable(True)
        self.auto_accept_action.setChecked(auto_accept)
        self.auto_accept_action.toggled.connect(self._auto_accept_toggled)
        menu.addAction(self.auto_accept_action)
        accept_now = QAction("Accept agreed items in this article", self)
        accept_now.triggered.connect(self.accept_agreed)
        menu.addAction(accept_now)

        for widget in (self.text_view, self.unit_table, self.doc_list):
            widget.installEventFilter(self)
        self.unit_table.currentCellChanged.connect(lambda row, *_: self._show_unit(row))
        self.doc_list.currentItemChanged.connect(self._doc_chosen)

        ids = compared_documents(self.project)
        self.counts: dict[str, int] = {}  # open disagreements per article, once counted
        self.touched: set[str] = set()  # articles reviewed here: their counts are fresher than the job's
        first = document_id or (ids[0] if ids else None)
        if first is None and self.project.document_count():
            first = self.project.document_ids()[0]
        if first is not None and first not in ids:
            ids.insert(0, first)
        self.doc_list.blockSignals(True)
        for doc_id in ids:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, doc_id)
            self.doc_list.addItem(item)
            self._label_doc(item)
        self.doc_list.blockSignals(False)
        self.counting = True
        self.count_job = CountJob(self.project.path, self)
        self.count_job.counted.connect(self._counted)
        self.count_job.start()
        if first is not None:
            self.load_document(first)

    def _counted(self, counts: dict[str, int]) -> None:
        self.counting = False
        for doc_id, n in counts.items():
            if doc_id not in self.touched:
                self.counts[doc_id] = n
        for i in range(self.doc_list.count()):
            self._label_doc(self.doc_list.item(i))
        if self.review is not None:
            self._update_progress()
        self.counts_ready.emit()

    # -- articles ----------------------------------------------------------------------------------------------
    def _label_doc(self, item: QListWidgetItem) -> None:
        doc_id = item.data(Qt.ItemDataRole.UserRole)
        n = self.counts.get(doc_id)
        item.setText(f"{doc_id}  ({n} open)" if n is not None else f"{doc_id}  (…)")

    def _doc_item(self, doc_id: str) -> QListWidgetItem | None:
        for i in range(self.doc_list.count()):
            if self.doc_list.item(i).data(Qt.ItemDataRole.UserRole) == doc_id:
                return self.doc_list.item(i)
        return None

    def _doc_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None and (self.review is None or item.data(Qt.ItemDataRole.UserRole) != self.review.doc_id):
            self.load_document(item.data(Qt.ItemDataRole.UserRole))

    def load_document(self, doc_id: str) -> None:
        self.review = ArticleReview.load(self.project, doc_id)
        if self.auto_accept_action.isChecked() and not self.project.readonly:
            self.review.accept_agreed()
        self.text = self.project.document(doc_id).text
        self.positions = PositionMap(self.text)
        self.text_view.setPlainText(self.text)  # plain text: article text is never markup
        self.setWindowTitle(f"Review: {doc_id} — {self.project.path.name}")
        item = self._doc_item(doc_id)
        if item is not None:
            self.doc_list.blockSignals(True)
            self.doc_list.setCurrentItem(item)
            self.doc_list.blockSignals(False)
        self._refresh(select=self._first_open_row())
        self.document_loaded.emit(doc_id)

    def move_article(self, step: int) -> None:
        row = self.doc_list.currentRow() + step
        if 0 <= row < self.doc_list.count():
            self.load_document(self.doc_list.item(row).data(Qt.ItemDataRole.UserRole))

    # -- units -------------------------------------------------------------------------------------------------
    def state(self, unit: Unit) -> str:
        assert self.review is not None
        if self.review.decided(unit):
            return DECIDED
        return AGREED if unit.agreed else OPEN

    def current_unit(self) -> Unit | None:
        row = self.unit_table.currentRow()
        if self.review is None or not 0 <= row < len(self.review.units):
            return None
        return self.review.units[row]

    def _first_open_row(self, after: int = -1) -> int:
        assert self.review is not None
        units = self.review.units
        for row in [*range(after + 1, len(units)), *range(0, after + 1)]:
            if self.state(units[row]) == OPEN:
                return row
        return max(min(after, len(units) - 1), 0)

    def describe(self, unit: Unit, items: tuple) -> str:
        if not items:
            return "—"
        if unit.kind == "stance":
            return str(items[0])
        if unit.kind == "span":
            # offsets too: versions differing by a space or a character look alike otherwise
            return "; ".join(f"{label} “{self._snippet(s, e)}” {s}–{e}" for s, e, label in items)
        parts = []
        for ts, te, type_, args in items:
            roles = ", ".join(f"{role}: {self._snippet(s, e)}" for role, s, e in args)
            parts.append(f"{type_} “{self._snippet(ts, te)}”" + (f" ({roles})" if roles else ""))
        return "; ".join(parts)

    def _snippet(self, start: int, end: int, limit: int = 40) -> str:
        text = " ".join(self.text[start:end].split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _refresh(self, select: int | None = None) -> None:
        """Rebuild the unit table, the text highlights and the progress for the current article."""
        review = self.review
        assert review is not None
        row = self.unit_table.currentRow() if select is None else select
        headers = ["state", "kind", "where", *review.annotators, "gold"]
        table = self.unit_table
        table.blockSignals(True)
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(
            [h if i < 3 or i == len(headers) - 1 else f"{i - 2}: {h}" for i, h in enumerate(headers)]
        )
        table.setRowCount(len(review.units))
        for r, unit in enumerate(review.units):
            state = self.state(unit)
            where = unit.target if unit.kind == "stance" else self._snippet(unit.start, unit.end)
            cells = [state, unit.kind, where]
            gold = self._gold_version(unit)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setBackground(QBrush(QColor(STATE_COLORS[state])))
                table.setItem(r, c, item)
            distinct = list(dict.fromkeys(unit.versions.values()))
            for k, who in enumerate(review.annotators):
                version = unit.versions.get(who, ())
                item = QTableWidgetItem(self.describe(unit, version))
                if not unit.agreed:  # differences: one colour per distinct version
                    item.setBackground(QBrush(QColor(VERSION_COLORS[distinct.index(version) % len(VERSION_COLORS)])))
                if state == DECIDED and version == gold:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(r, 3 + k, item)
            gold_item = QTableWidgetItem(self.describe(unit, gold) if state == DECIDED or gold else "")
            if state == DECIDED:
                gold_item.setBackground(QBrush(QColor(STATE_COLORS[DECIDED])))
            table.setItem(r, 3 + len(review.annotators), gold_item)
        table.resizeColumnsToContents()
        table.blockSignals(False)
        if review.units:
            table.setCurrentCell(max(0, min(row, len(review.units) - 1)), 0)
            self._show_unit(table.currentRow())
        else:
            self._show_unit(-1)
        self._paint_text()
        self._update_progress()

    def _gold_version(self, unit: Unit) -> tuple:
        assert self.review is not None
        return gold_items(self.review.gold, unit)

    def _paint_text(self) -> None:
        """Colour each span/event unit in the text by its state (character formats: cheap to paint)."""
        assert self.review is not None and self.positions is not None
        doc = self.text_view.document()
        cursor = QTextCursor(doc)
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.setCharFormat(QTextCharFormat())
        for unit in self.review.units:
            if unit.kind == "stance":
                continue
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(QColor(STATE_COLORS[self.state(unit)])))
            if unit.kind == "event":
                fmt.setFontUnderline(True)
            cursor.setPosition(self.positions.to_qt(unit.start))
            cursor.setPosition(self.positions.to_qt(unit.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)

    def _show_unit(self, row: int) -> None:
        """Outline the current unit in the text (a short-lived overlay) and scroll to it."""
        unit = self.current_unit() if row >= 0 else None
        selections = []
        self.stance_combo.setEnabled(bool(unit and unit.kind == "stance" and not self.project.readonly))
        if unit is not None and unit.kind == "stance" and self.review is not None:
            value = self.review.gold.stance.get(unit.target)
            if value in self.project.scheme.stance_values:
                self.stance_combo.setCurrentText(value)
        if unit is not None and unit.kind != "stance" and self.positions is not None:
            sel = QTextEdit.ExtraSelection()
            cursor = self.text_view.textCursor()
            cursor.setPosition(self.positions.to_qt(unit.start))
            cursor.setPosition(self.positions.to_qt(unit.end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(QColor("#ffd24d")))
            sel.format = fmt
            selections.append(sel)
            view_cursor = self.text_view.textCursor()
            view_cursor.setPosition(self.positions.to_qt(unit.start))
            self.text_view.setTextCursor(view_cursor)
            self.text_view.ensureCursorVisible()
        self.text_view.setExtraSelections(selections)

    def _update_progress(self) -> None:
        assert self.review is not None
        left = len(self.review.open_units())
        self.counts[self.review.doc_id] = left
        self.touched.add(self.review.doc_id)
        item = self._doc_item(self.review.doc_id)
        if item is not None:
            self._label_doc(item)
        total = "counting…" if self.counting else f"{sum(self.counts.values())} in the project"
        auto = "on" if self.auto_accept_action.isChecked() else "off"
        self.progress_label.setText(f"{left} disagreement(s) left in this article · {total} · auto-accept {auto}")

    # -- decisions -----------------------------------------------------------------------------------------
    def _after_decision(self, unit: Unit) -> None:
        row = self.unit_table.currentRow()
        self.unit_decided.emit(unit.key)
        self._refresh(select=self._first_open_row(after=row))

    def take_version(self, index: int) -> None:
        """Accept the version of the annotator in column `index` (0-based) for the current unit."""
        unit = self.current_unit()
        if unit is None or self.review is None or self.project.readonly or index >= len(self.review.annotators):
            return
        if unit.kind == "stance" and not unit.versions.get(self.review.annotators[index]):
            self.statusBar().showMessage(f"{self.review.annotators[index]} set no stance here", 4000)
            return
        who = self.review.annotators[index]
        if self._record(f"Review: take {who}'s version", lambda: self.review.take_version(unit, who)):
            self._after_decision(unit)
            self.statusBar().showMessage(f"Gold: {who}'s version taken (Ctrl+Z to undo)", 4000)

    def reject_all(self) -> None:
        unit = self.current_unit()
        if unit is None or self.review is None or self.project.readonly or unit.kind == "stance":
            return
        if self._record("Review: reject every version", lambda: self.review.decide(unit, ())):
            self._after_decision(unit)
            self.statusBar().showMessage("Gold: every version rejected (Ctrl+Z to undo)", 4000)

    def undo_current(self) -> None:
        unit = self.current_unit()
        if unit is None or self.review is None or self.project.readonly:
            return
        if self._record("Review: reopen a decision", lambda: self.review.undo(unit)):
            self.unit_decided.emit(unit.key)
            self._refresh()

    def accept_agreed(self) -> None:
        if self.review is None or self.project.readonly:
            return
        review = self.review
        if not any(u.agreed and not review.decided(u) for u in review.units):
            return  # nothing to accept: no empty step on the undo stack
        if self._record("Review: accept agreed units", review.accept_agreed):
            self._refresh()

    def label_selection(self, label: str) -> bool:
        """Make the selected text a gold span of the reviewer's own; False if nothing is selected."""
        cursor = self.text_view.textCursor()
        if self.review is None or self.positions is None or not cursor.hasSelection() or self.project.readonly:
            return False
        start, end = snap_to_words(
            self.text, self.positions.to_core(cursor.selectionStart()), self.positions.to_core(cursor.selectionEnd())
        )  # whole words, as in the main window
        if end <= start:
            return False
        review = self.review
        if not self._record(f"Review: gold span {label}", lambda: review.add_span(start, end, label)):
            return True
        # the new span may form a unit of its own only in gold: the units stay the annotators'
        self.unit_decided.emit(f"span:{start}-{end}")
        self._refresh()
        return True

    def remove_gold_at_cursor(self) -> None:
        """Shift+Delete: remove the gold span(s) under the text cursor, e.g. a span of the reviewer's own."""
        if self.review is None or self.positions is None or self.project.readonly:
            return
        cursor = self.text_view.textCursor()
        offset = self.positions.to_core(cursor.selectionStart() if cursor.hasSelection() else cursor.position())
        review = self.review
        if any(s.start <= offset < s.end for s in review.gold.spans) and self._record(
            "Review: remove gold span", lambda: review.remove_gold_spans_at(offset)
        ):
            self._refresh()

    def _stance_chosen(self, index: int) -> None:
        unit = self.current_unit()
        if unit is None or unit.kind != "stance" or self.review is None or self.project.readonly:
            return
        value = self.stance_combo.itemText(index)
        if self._record(f"Review: stance {value}", lambda: self.review.decide(unit, (value,))):
            self._after_decision(unit)

    def _record(self, description: str, work) -> bool:
        """Run one decision as a recorded, undoable operation on the gold layer of the article; False (and the
        reason in the status bar) if it could not be written."""
        assert self.review is not None
        doc_id = self.review.doc_id
        try:
            _, changes = operations.record(
                self.project, description, work, lambda: [(doc_id, GOLD)], name="review_decision", annotator=GOLD
            )
        except AnnotatorError as exc:
            self.statusBar().showMessage(str(exc), 10000)
            self.review.reload_gold()
            return False
        self.undo_stack.push(RecordedCommand(self.project, changes, GOLD))
        return True

    def _changes_arrived(self, changes) -> None:
        """An undo or redo (here or in the main window) changed layers: show the gold layer as it now is."""
        if not self.isVisible() or not changes.concerns(self.project):
            return
        if self.review is not None and self.review.doc_id in changes.documents:
            self.review.reload_gold()
            self._refresh()

    def _file_changed(self, project_path: str) -> None:
        """Another process committed (an annotator's new work, a merge): re-read the article's versions."""
        if self.review is None or not self.isVisible() or project_path != str(self.project.path.resolve()):
            return
        row = self.unit_table.currentRow()
        self.review = ArticleReview.load(self.project, self.review.doc_id)
        self._refresh(select=row if 0 <= row < len(self.review.units) else None)

    def _auto_accept_toggled(self, on: bool) -> None:
        if on:
            self.accept_agreed()
        self._update_progress()

    def next_open(self, step: int = 1) -> None:
        """Go to the next (or previous) open disagreement, on to the next article with one when this has none."""
        if self.review is None:
            return
        units, row = self.review.units, self.unit_table.currentRow()
        rows = range(row + 1, len(units)) if step > 0 else range(row - 1, -1, -1)
        for r in rows:
            if self.state(units[r]) == OPEN:
                self.unit_table.setCurrentCell(r, 0)
                return
        if step > 0:
            later = [d for d, n in self.counts.items() if n and d != self.review.doc_id]
            if later:
                self.load_document(later[0])

    # -- keys --------------------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and self.handle_key(event):  # type: ignore[arg-type]
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def handle_key(self, event: QKeyEvent) -> bool:
        key, text = event.key(), event.text()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        if text and self.text_view.textCursor().hasSelection():
            label = self.project.scheme.label_for_key(text)
            if label and self.label_selection(label):
                return True
        if text and text in "123456789":
            self.take_version(int(text) - 1)
            return True
        if text in ("0", "x", "X"):
            self.reject_all()
            return True
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            if mods == Qt.KeyboardModifier.ShiftModifier:
                self.remove_gold_at_cursor()
            else:
                self.undo_current()
            return True
        if text in ("n", "N"):
            self.next_open(1)
            return True
        if text in ("p", "P"):
            self.next_open(-1)
            return True
        if text in ("a", "A"):
            self.accept_agreed()
            return True
        if key == Qt.Key.Key_PageDown:
            self.move_article(1)
            return True
        if key == Qt.Key.Key_PageUp:
            self.move_article(-1)
            return True
        return False

    def closeEvent(self, event) -> None:
        self.count_job.stopped = True
        self.count_job.wait()
        if not getattr(self, "_closed", False):
            self._closed = True
            change_hub().changed.disconnect(self._changes_arrived)
            change_hub().external.disconnect(self._file_changed)
            if self._owns_project:
                self.project.close()
        super().closeEvent(event)
