"""The document list: a lazy Qt model over SQL (rows fetched by rowid in pages), with filters and search.

Only the matching rowids are held (a list of ints); titles and statuses are read a page at a time when the view
asks for them, so a project of 100,000 articles opens as fast as one of ten.
"""

from __future__ import annotations

import threading
from bisect import bisect_left

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.core.model import DocumentFilters as Filters
from annotator.core.model import Status
from annotator.core.project import Project
from annotator.gui.plain import plain_tooltip
from annotator.gui.workers import Job, build_search_index

PAGE = 200
BACKGROUND_INDEX = 20_000  # a first search over more documents than this builds its index in a thread
SEARCH_HINT = "Search articles…"
STATUSES = tuple(s.value for s in Status)
STATUS_TEXT = {"not_started": "", "in_progress": "in progress", "done": "✓ done"}


class DocumentListModel(QAbstractTableModel):
    COLUMNS = ("Id", "Title", "Status")

    def __init__(self, project: Project, annotator: str, parent=None):
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.filters = Filters()
        self._rowids: list[int] = []
        self._pages: dict[int, dict[int, tuple[str, str, str]]] = {}

    def refresh(self, filters: Filters | None = None) -> None:
        self.beginResetModel()
        if filters is not None:
            self.filters = filters
        self._rowids = self._matching()
        self._pages.clear()
        self.endResetModel()

    def _matching(self) -> list[int]:
        return self.project.document_rowids(self.annotator, self.filters)

    def reload(self) -> bool:
        """Another connection committed: re-read the matching rows and the cached pages, with row insertions
        (not a reset) when articles were only added at the end, so the view keeps its selection and scroll
        position, and a repaint of just the rows whose status or title changed. Returns False if a reset was
        needed (the caller restores the selection)."""
        old = self._rowids
        if self.filters == Filters():  # the whole list: only new articles can have changed which rows there are
            rowids = old + self.project.document_rowids_after(old[-1] if old else 0)
        else:
            rowids = self._matching()
        if rowids[: len(old)] != old:
            self.beginResetModel()
            self._rowids = rowids
            self._pages.clear()
            self.endResetModel()
            return False
        if len(rowids) > len(old):
            self.beginInsertRows(QModelIndex(), len(old), len(rowids) - 1)
            self._rowids = rowids
            self.endInsertRows()
        # Re-read the pages the view has used (usually one) and repaint only the rows that differ: a repaint of
        # every visible row costs the window ~20 ms of Python `data()` calls.
        last = len(self.COLUMNS) - 1
        for number, page in list(self._pages.items()):
            first = number * PAGE
            fresh = self._pages[number] = self.project.document_page(self.annotator, rowids[first : first + PAGE])
            for row, rowid in enumerate(old[first : first + PAGE], first):
                if fresh.get(rowid) != page.get(rowid):
                    self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        return True

    # -- Qt model ----------------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rowids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.COLUMNS[section]
        return None

    def _row(self, row: int) -> tuple[str, str, str] | None:
        number = row // PAGE
        page = self._pages.get(number)
        if page is None:
            if len(self._pages) > 50:
                self._pages.clear()
            rowids = self._rowids[number * PAGE : (number + 1) * PAGE]
            page = self._pages[number] = self.project.document_page(self.annotator, rowids)
        return page.get(self._rowids[row])

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        found = self._row(index.row())
        if found is None:
            return None
        if index.column() == 2:
            shown = STATUS_TEXT.get(found[2], found[2])
        else:
            shown = found[index.column()]  # plain text: views never interpret it as markup
        if role == Qt.ToolTipRole:  # tooltips would (Qt guesses rich text): escaped
            return plain_tooltip(str(shown)) if shown else None
        return shown

    # -- look-ups ------------------------------------------------------------------------------------------------
    def doc_id(self, row: int) -> str | None:
        if 0 <= row < len(self._rowids):
            found = self._row(row)
            return found[0] if found else None
        return None

    def row_of(self, doc_id: str) -> int | None:
        rowid = self.project.document_rowid(doc_id)
        if rowid is None:
            return None
        i = bisect_left(self._rowids, rowid)
        return i if i < len(self._rowids) and self._rowids[i] == rowid else None

    def refresh_document(self, doc_id: str) -> None:
        """The document's status changed: re-read its page."""
        row = self.row_of(doc_id)
        if row is None:
            return
        self._pages.pop(row // PAGE, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))


class DocumentList(QWidget):
    document_chosen = Signal(str)
    index_building = Signal(bool)  # the search index is being built in the background (True), or done

    def __init__(self, project: Project, annotator: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("documentList")
        self.model = DocumentListModel(project, annotator, self)
        self.search = QLineEdit(placeholderText=SEARCH_HINT)
        self.search.setObjectName("documentSearch")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.addItem("All statuses", None)
        for value in STATUSES:
            self.status.addItem(value.replace("_", " "), value)
        self.label = QComboBox()
        self.label.setObjectName("labelFilter")
        self.label.addItem("All labels", None)
        for label in project.scheme.entity_labels:
            self.label.addItem(label, label)
        self.order = QComboBox()
        self.order.setObjectName("orderChoice")
        self.order.addItem("Document order", "document")
        self.order.addItem("Least certain first", "uncertain")
        self.order.setToolTip(
            "Least certain first: the articles where a model trained on this project (Suggestions > Train) is "
            "least sure of an entity, an event trigger or a stance come first, so you correct what it does worst"
        )
        self.table = QTableView()
        self.table.setObjectName("documentTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.setSelectionMode(QTableView.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Interactive)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.Interactive)
        self.table.setColumnWidth(2, 80)
        self.table.setColumnWidth(0, 90)
        self.table.setWordWrap(False)
        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.label)
        filters.addWidget(self.order)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.label.currentIndexChanged.connect(self.apply_filters)
        self.order.currentIndexChanged.connect(self.apply_filters)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self._current: str | None = None
        self._index_job: Job | None = None
        self._stop_index = threading.Event()
        self.model.refresh()

    def set_labels(self, labels: list[str]) -> None:
        """The scheme changed: offer its labels in the filter (keeping the chosen one if it still exists)."""
        current = self.label.currentData()
        blocker = self.label.blockSignals(True)
        self.label.clear()
        self.label.addItem("All labels", None)
        for label in labels:
            self.label.addItem(label, label)
        self.label.setCurrentIndex(max(0, self.label.findData(current)) if current in labels else 0)
        self.label.blockSignals(blocker)
        if current is not None and current not in labels:
            self.apply_filters()

    def shutdown(self) -> None:
        """The project is closing: no more queries (a pending search must not run on a closed file)."""
        self._search_timer.stop()
        if self._index_job is not None:
            self._stop_index.set()
            self._index_job.wait()
        self.model.beginResetModel()
        self.model._rowids = []
        self.model._pages.clear()
        self.model.endResetModel()

    def apply_filters(self) -> None:
        filters = Filters(
            self.status.currentData(), self.label.currentData(), self.search.text(), self.order.currentData()
        )
        if filters.search.strip() and self._needs_background_index():
            return  # searched again when the index is ready
        self.model.refresh(filters)
        if self._current is not None:
            self.select(self._current)

    def reload(self) -> None:
        """Show what another connection committed (new articles, changed statuses) under the current filters."""
        if self._index_job is not None:
            return  # the list is filled again when the search index is built
        if self.model.filters.search.strip() and self._needs_background_index():
            return  # many new articles to index first: in the background, then searched again
        if not self.model.reload() and self._current is not None:
            self.select(self._current)

    def _needs_background_index(self) -> bool:
        """A large project's first search builds the index in a thread; the list says so meanwhile."""
        if self._index_job is not None:
            return True
        project = self.model.project
        if project.readonly or project.search_backlog() < BACKGROUND_INDEX:
            return False
        self._stop_index.clear()
        job = Job(lambda progress: build_search_index(project.path, progress, self._stop_index.is_set), self)
        job.progress.connect(
            lambda done, total: self.search.setPlaceholderText(f"Building the search index… {done:,}/{total:,}")
        )
        job.finished.connect(self._index_built)
        self._index_job = job
        self.index_building.emit(True)
        job.start()
        return True

    def _index_built(self) -> None:
        self._index_job = None
        self.search.setPlaceholderText(SEARCH_HINT)
        self.index_building.emit(False)
        if not self._stop_index.is_set():
            self.apply_filters()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        doc_id = self.model.doc_id(current.row()) if current.isValid() else None
        if doc_id is not None and doc_id != self._current:
            self._current = doc_id
            self.document_chosen.emit(doc_id)

    def select(self, doc_id: str) -> None:
        """Show the document as current without emitting `document_chosen`."""
        self._current = doc_id
        row = self.model.row_of(doc_id)
        blocker = self.table.selectionModel().blockSignals(True)
        if row is None:
            self.table.selectionModel().clearSelection()
        else:
            index = self.model.index(row, 0)
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index)
        self.table.selectionModel().blockSignals(blocker)
        self.table.viewport().update()

    def neighbour(self, doc_id: str | None, step: int) -> str | None:
        """The document `step` rows away in the list as filtered (the first one if doc_id is not listed)."""
        count = self.model.rowCount()
        if count == 0:
            return None
        row = self.model.row_of(doc_id) if doc_id is not None else None
        if row is None:
            return self.model.doc_id(0)
        target = row + step
        return self.model.doc_id(target) if 0 <= target < count else None
