"""The side panel listing the open article's spans and suggestions; choosing a row focuses that span."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from annotator.gui.article import Item, ItemKey
from annotator.gui.plain import plain_tooltip

_ROLES = frozenset({Qt.DisplayRole, Qt.ToolTipRole, Qt.BackgroundRole, Qt.FontRole})
_ITALIC: list[QFont] = []  # created on first use: a QFont needs the QApplication


class SpanTableModel(QAbstractTableModel):
    COLUMNS = ("Text", "Label", "State", "Source")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[Item] = []
        self.text = ""
        self.colors: dict[str, str] = {}
        self._brushes: dict[tuple[str, bool], QBrush] = {}

    def set_items(self, items: list[Item], text: str, colors: dict[str, str]) -> None:
        """Show new items; after an action only the rows that changed are updated (a reset costs ~40 ms)."""
        old = self.items
        if text != self.text or colors != self.colors or not old:
            self.beginResetModel()
            self.items, self.text, self.colors = list(items), text, colors
            self._brushes: dict[tuple[str, bool], QBrush] = {}
            self.endResetModel()
            return
        n, m = len(old), len(items)
        p = 0
        while p < min(n, m) and (old[p] is items[p] or old[p] == items[p]):
            p += 1
        q = 0
        while q < min(n, m) - p and (old[n - 1 - q] is items[m - 1 - q] or old[n - 1 - q] == items[m - 1 - q]):
            q += 1
        changed_old, changed_new = n - q - p, m - q - p
        common = min(changed_old, changed_new)
        if common:
            self.items[p : p + common] = items[p : p + common]
            self.dataChanged.emit(self.index(p, 0), self.index(p + common - 1, len(self.COLUMNS) - 1))
        if changed_old > common:
            self.beginRemoveRows(QModelIndex(), p + common, p + changed_old - 1)
            del self.items[p + common : p + changed_old]
            self.endRemoveRows()
        elif changed_new > common:
            self.beginInsertRows(QModelIndex(), p + common, p + changed_new - 1)
            self.items[p + common : p + common] = items[p + common : p + changed_new]
            self.endInsertRows()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None
        item = self.items[index.row()]
        col = index.column()
        if role == Qt.ToolTipRole:  # Qt guesses rich text in tooltips: escaped, an article's `<h1>` stays text
            shown = self.data(index, Qt.DisplayRole)
            return plain_tooltip(shown) if shown else None
        if role == Qt.DisplayRole:
            if col == 0:
                return " ".join(self.text[item.start : item.end].split())  # plain text, line breaks folded
            if col == 1:
                return item.label
            if col == 2:
                return "confirmed" if item.confirmed else "suggested"
            return item.source
        if role == Qt.BackgroundRole and col == 1:
            brush = self._brushes.get((item.label, item.confirmed))
            if brush is None:
                color = QColor(self.colors.get(item.label, "#808080"))
                color.setAlpha(110 if item.confirmed else 40)
                brush = self._brushes[(item.label, item.confirmed)] = QBrush(color)
            return brush
        if role == Qt.FontRole and col == 2 and not item.confirmed:
            if not _ITALIC:
                _ITALIC.append(QFont())
                _ITALIC[0].setItalic(True)
            return _ITALIC[0]
        return None

    def row_of(self, key: ItemKey | None) -> int | None:
        return next((i for i, it in enumerate(self.items) if it.key == key), None) if key else None


class SpanPanel(QWidget):
    item_chosen = Signal(object)  # ItemKey

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("spanPanel")
        self.model = SpanTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("spanTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.setSelectionMode(QTableView.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        # Fixed widths: ResizeToContents would measure every row after each action.
        for col, width in ((1, 80), (2, 76), (3, 64)):
            header.setSectionResizeMode(col, QHeaderView.Interactive)
            self.table.setColumnWidth(col, width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def set_items(self, items: list[Item], text: str, colors: dict[str, str], focus: ItemKey | None) -> None:
        blocker = self.table.selectionModel().blockSignals(True)
        self.model.set_items(items, text, colors)
        self.table.selectionModel().blockSignals(blocker)
        self.show_focus(focus)

    def show_focus(self, key: ItemKey | None) -> None:
        selection = self.table.selectionModel()
        blocker = selection.blockSignals(True)
        row = self.model.row_of(key)
        if row is None:
            selection.clear()
        else:
            index = self.model.index(row, 0)
            selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows)
            if not self.table.viewport().rect().contains(self.table.visualRect(index)):
                # centre rather than scroll by one row: fewer full repaints while tabbing through spans
                self.table.scrollTo(index, QTableView.PositionAtCenter)
        selection.blockSignals(blocker)
        self.table.viewport().update()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < len(self.model.items):
            self.item_chosen.emit(self.model.items[current.row()].key)
