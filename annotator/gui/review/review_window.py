"""The review (curation) window: the article drawn once per annotator with their labels, side by side and scrolling
together, beside the gold version being built; under them one row per unit to settle, and the articles.

Layout (fits 1366×768): the curation pane (two to four annotators' columns, numbered, then gold) over the unit
list (state, kind, where, each shown annotator's version in a few words, gold) beside the articles with open
disagreements. A unit is a span cluster, an event cluster or a stance target (`annotator.core.adjudication`).
Keys (`review_keys.REVIEW_KEYS`): 1-4 take the version of the annotator in that column and do nothing else;
0 or X reject every candidate; select words, G, then a label key make a gold span of the reviewer's own (snapped
to whole words); Backspace/Delete reopen the unit; Shift+Delete remove the gold span under the cursor; N / P next
/ previous open disagreement; PageDown / PageUp next / previous article; A accept agreed items. Every decision is
one recorded operation (committed at once, undoable from either window) and the status bar says what it did.
The columns are `curation.CurationPane`, the decisions `decisions.Decisions`, the unit list `unit_list.UnitList`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.adjudication import (
    ArticleReview,
    Unit,
    compared_documents,
    project_disagreements,
)
from annotator.core.project import Project
from annotator.gui.article_view import ArticleView
from annotator.gui.changes import change_hub
from annotator.gui.positions import PositionMap
from annotator.gui.review.curation import MAX_SHOWN, CurationPane
from annotator.gui.review.decisions import MESSAGE_MS, Decisions
from annotator.gui.review.review_keys import HELP, REVIEW_KEYS, ReviewKeyHandler, command_for
from annotator.gui.review.unit_list import OPEN, UnitList
from annotator.gui.window_keys import add_window_keys, fit_to_screen


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


class ReviewWindow(Decisions, UnitList, QMainWindow):
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
        fit_to_screen(self, 1600, 1000)
        self._owns_project = project is None
        self.project = project if project is not None else Project.open(project_path)
        self.review: ArticleReview | None = None
        self.positions: PositionMap | None = None
        self.text = ""
        self.shown: list[str] = []  # the annotators in the columns, in column order (digit k takes column k)
        self.chosen: list[str] = []  # the reviewer's choice when an article has more than four annotators
        self.pending_gold: tuple[int, int] | None = None  # after G: the words the next label key makes gold
        self._pushing = False
        self._stack_index = self.undo_stack.index()

        self.curation = CurationPane(ReviewKeyHandler(self))
        self.curation.clicked.connect(self._clicked)
        self.doc_list = QListWidget(objectName="reviewDocuments")
        self.doc_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the id's start and "(n open)" stay
        self.doc_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unit_table = QTableWidget(objectName="reviewUnits")
        self.unit_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unit_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_table.setWordWrap(False)
        self.unit_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long version keeps its offsets in view
        self.unit_table.verticalHeader().setVisible(False)
        rows = self.unit_table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.unit_table.fontMetrics().height() + 6)
        self.stance_combo = QComboBox(objectName="reviewStance")
        self.stance_combo.addItems(list(self.project.scheme.stance_values))
        self.stance_combo.setEnabled(False)
        self.stance_combo.activated.connect(self._stance_chosen)
        self.progress_label = QLabel(objectName="reviewProgress")
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.chooser = QWidget(objectName="reviewChooser")
        self.chooser_box = QHBoxLayout(self.chooser)
        self.chooser_box.setContentsMargins(0, 0, 0, 0)
        self._boxes: dict[str, QCheckBox] = {}
        self._table_layout: tuple = ()  # what the unit list was built for (article, review, columns, rows)
        self._rows: list = []  # per row: (state, gold) as shown
        self.setCentralWidget(self._layout())
        self.statusBar().addPermanentWidget(self.progress_label)
        self._add_actions(auto_accept)

        for widget in (self.unit_table, self.doc_list):
            widget.installEventFilter(self)
        self.unit_table.currentCellChanged.connect(lambda row, *_: self._show_unit(row))
        self.doc_list.currentItemChanged.connect(self._doc_chosen)
        self.undo_stack.indexChanged.connect(self._stack_moved)

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
        self.unit_table.setFocus()

    def _layout(self) -> QWidget:
        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addStretch(1)
        top.addWidget(QLabel("Gold stance for the selected target:"))
        top.addWidget(self.stance_combo)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.setChildrenCollapsible(False)
        bottom.addWidget(self.doc_list)
        bottom.addWidget(self.unit_table)
        bottom.setStretchFactor(1, 1)
        bottom.setSizes([190, 1100])
        split = QSplitter(Qt.Orientation.Vertical, objectName="reviewSplit")
        split.setChildrenCollapsible(False)
        split.addWidget(self.curation)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        help_label = QLabel(HELP, objectName="reviewHelp")
        help_label.setWordWrap(True)
        help_label.setStyleSheet("color: #333;")
        center = QWidget()
        box = QVBoxLayout(center)
        box.setContentsMargins(4, 2, 4, 2)
        box.setSpacing(2)
        box.addLayout(top)
        box.addWidget(split, 1)
        box.addWidget(help_label)
        return center

    def _add_actions(self, auto_accept: bool) -> None:
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
        keys = QAction("Keys of the Review window", self, objectName="reviewKeysHelp")
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_keys)
        menu.addAction(keys)

    def show_keys(self) -> QDialog:
        dialog = QDialog(self, objectName="reviewKeysDialog")
        dialog.setWindowTitle("Review keys")
        table = QTableWidget(len(REVIEW_KEYS), 2, dialog)
        table.setHorizontalHeaderLabels(["key", "action"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, (keys, what) in enumerate(REVIEW_KEYS):
            table.setItem(r, 0, QTableWidgetItem(keys))
            table.setItem(r, 1, QTableWidgetItem(what))
        table.resizeColumnsToContents()
        QVBoxLayout(dialog).addWidget(table)
        dialog.resize(min(self.width() - 40, 900), 360)
        dialog.show()
        return dialog

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
        self.pending_gold = None
        self.review = ArticleReview.load(self.project, doc_id)
        if self.auto_accept_action.isChecked() and not self.project.readonly:
            self.review.accept_agreed()
        self.text = self.project.document(doc_id).text
        self.positions = PositionMap(self.text)
        self._show_columns()
        self.setWindowTitle(f"Review: {doc_id} — {self.project.path.name}")
        item = self._doc_item(doc_id)
        if item is not None:
            self.doc_list.blockSignals(True)
            self.doc_list.setCurrentItem(item)
            self.doc_list.blockSignals(False)
        self._refresh(select=self._first_open_row())
        self.document_loaded.emit(doc_id)

    def _show_columns(self) -> None:
        """Draw the article once per shown annotator (the reviewer's choice, else the first four) and gold."""
        review, positions = self.review, self.positions
        assert review is not None and positions is not None
        names = review.annotators
        chosen = [a for a in self.chosen if a in names]
        self.shown = (chosen or names)[:MAX_SHOWN]
        layers = {a: self.project.annotation(review.doc_id, a) for a in self.shown}
        scheme = self.project.scheme
        colors = {e.label: e.color for e in scheme.entities} | {e.type: e.color for e in scheme.events}
        self.curation.show_article(self.text, positions, layers, self.shown, review.gold, colors)
        self._fill_chooser(names)

    def _fill_chooser(self, names: list[str]) -> None:
        """With more than four annotators, a check box each: the (up to) four checked ones get the columns."""
        self.chooser.setVisible(len(names) > MAX_SHOWN)
        if list(self._boxes) != names:
            box = self.chooser_box
            while box.count():
                widget = box.takeAt(0).widget()
                if widget is not None:
                    widget.deleteLater()
            self._boxes = {}
            if len(names) > MAX_SHOWN:
                box.addWidget(QLabel(f"Columns (up to {MAX_SHOWN}):"))
                for name in names:
                    check = self._boxes[name] = QCheckBox(name)
                    check.toggled.connect(lambda on, who=name: self._column_toggled(who, on))
                    box.addWidget(check)
        for name, check in self._boxes.items():
            check.blockSignals(True)
            check.setChecked(name in self.shown)
            check.setEnabled(name in self.shown or len(self.shown) < MAX_SHOWN)
            check.blockSignals(False)

    def _column_toggled(self, name: str, on: bool) -> None:
        names = [n for n in self.shown if n != name] + ([name] if on else [])
        if names:
            self.show_annotators(names)

    def show_annotators(self, names: list[str]) -> None:
        """Show these annotators (at most four, in the article's order) in the columns, numbered 1-4."""
        if self.review is None:
            return
        self.chosen = [a for a in self.review.annotators if a in names][:MAX_SHOWN]
        self._show_columns()
        self._refresh()
        self.statusBar().showMessage(
            "Columns: " + ", ".join(f"{k + 1} {a}" for k, a in enumerate(self.shown)), MESSAGE_MS
        )

    def move_article(self, step: int) -> None:
        row = self.doc_list.currentRow() + step
        if 0 <= row < self.doc_list.count():
            self.load_document(self.doc_list.item(row).data(Qt.ItemDataRole.UserRole))

    # -- units -------------------------------------------------------------------------------------------------
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

    def _refresh(self, select: int | None = None) -> None:
        """Rebuild the unit list, the gold column and the progress for the current article."""
        review = self.review
        assert review is not None
        row = self.unit_table.currentRow() if select is None else select
        self._fill_table()
        self.curation.set_gold(review.gold, review.open_units())
        table = self.unit_table
        if review.units:
            table.blockSignals(True)
            table.setCurrentCell(max(0, min(row, len(review.units) - 1)), 0)
            table.blockSignals(False)
            self._show_unit(table.currentRow())
        else:
            self._show_unit(-1)
        self._update_progress()

    def _show_unit(self, row: int) -> None:
        """Frame the current unit in every column and scroll the columns to it; the stance box follows."""
        unit = self.current_unit() if row >= 0 else None
        self.stance_combo.setEnabled(bool(unit and unit.kind == "stance" and not self.project.readonly))
        if unit is not None and unit.kind == "stance" and self.review is not None:
            value = self.review.gold.stance.get(unit.target)
            if value in self.project.scheme.stance_values:
                self.stance_combo.setCurrentText(value)
        self.curation.frame(unit)

    def _clicked(self, offset: int) -> None:
        """A click on a span or trigger in any column selects its unit (the smallest one there)."""
        if self.review is None:
            return
        units = self.review.units
        rows = [r for r, u in enumerate(units) if u.kind != "stance" and u.start <= offset < u.end]
        if rows:
            self.unit_table.setCurrentCell(min(rows, key=lambda r: (units[r].end - units[r].start, r)), 0)

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

    def _changes_arrived(self, changes) -> None:
        """An undo or redo (here or in the main window) changed layers: show the gold layer as it now is."""
        if self._pushing or not self.isVisible() or not changes.concerns(self.project):
            return  # a decision made here refreshes after it is recorded
        if self.review is not None and self.review.doc_id in changes.documents:
            self.review.reload_gold()
            self._refresh()

    def _file_changed(self, project_path: str) -> None:
        """Another process committed (an annotator's new work, a merge): re-read the article's versions."""
        if self.review is None or not self.isVisible() or project_path != str(self.project.path.resolve()):
            return
        row = self.unit_table.currentRow()
        self.review = ArticleReview.load(self.project, self.review.doc_id)
        self._show_columns()
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
                return
        self._say("No other open disagreement" + (" in this article" if step < 0 else ""))

    # -- keys --------------------------------------------------------------------------------------------------
    @property
    def text_view(self) -> ArticleView:
        """The gold column (the text the reviewer's own spans go into; any column's selection works)."""
        return self.curation.gold_view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            command = command_for(self, event)  # type: ignore[arg-type]
            if command is not None:
                if kind == QEvent.Type.KeyPress:
                    command()
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def handle_key(self, event: QKeyEvent) -> bool:
        command = command_for(self, event)
        if command is None:
            return False
        command()
        return True

    def closeEvent(self, event) -> None:
        self.count_job.stopped = True
        self.count_job.wait()
        if not getattr(self, "_closed", False):
            self._closed = True
            change_hub().changed.disconnect(self._changes_arrived)
            change_hub().external.disconnect(self._file_changed)
            self.undo_stack.indexChanged.disconnect(self._stack_moved)
            if self._owns_project:
                self.project.close()
        super().closeEvent(event)
