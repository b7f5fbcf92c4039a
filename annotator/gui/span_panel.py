"""The side panel listing the open article's spans and suggestions; choosing a row focuses that span."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from annotator.gui.article import Item, ItemKey


class SpanTableModel(QAbstractTableModel):
    COLUMNS = ("Text", "Label", "State", "Source")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[Item] = []
        self.text = ""
        self.colors: dict[str, str] = {}

    def set_items(self, items: list[Item], text: str, colors: dict[str, str]) -> None:
        self.beginResetModel()
        self.items, self.text, self.colors = list(items), text, colors
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        col = index.column()
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if col == 0:
                return " ".join(self.text[item.start : item.end].split())  # plain text, line breaks folded
            if col == 1:
                return item.label
            if col == 2:
                return "confirmed" if item.confirmed else "suggested"
            return item.source
        if role == Qt.BackgroundRole and col == 1:
            color = QColor(self.colors.get(item.label, "#808080"))
            color.setAlpha(110 if item.confirmed else 40)
            return QBrush(color)
        if role == Qt.FontRole and col == 2 and not item.confirmed:
            font = QFont()
            font.setItalic(True)
            return font
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
            self.table.scrollTo(index)
        selection.blockSignals(blocker)
        self.table.viewport().update()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < len(self.model.items):
            self.item_chosen.emit(self.model.items[current.row()].key)
