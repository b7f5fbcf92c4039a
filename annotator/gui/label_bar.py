"""The label bar above the article: every entity label with its key and colour, always in view. Clicking one
labels the selection (or relabels the focused span), like pressing its key; the article keeps the keyboard."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLayout, QSizePolicy, QToolButton, QWidget, QWidgetItem

from annotator.core.scheme import Scheme
from annotator.gui.colors import readable, text_on


class FlowLayout(QLayout):
    """Lays its widgets out left to right, wrapping to new rows (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4):
        super().__init__(parent)
        self._items: list[QWidgetItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(2, 2, 2, 2)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._layout(QRect(0, 0, width, 0), test=True)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._layout(rect, test=False)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _layout(self, rect: QRect, test: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() and row_height > 0:
                x, y, row_height = area.x(), y + row_height + self.spacing(), 0
            if not test:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()


class LabelBar(QWidget):
    def __init__(self, on_label: Callable[[str], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("labelBar")
        self.on_label = on_label
        self.flow = FlowLayout(self)
        self.buttons: dict[str, QToolButton] = {}
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)

    def set_scheme(self, scheme: Scheme) -> None:
        for button in self.buttons.values():
            self.flow.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for entity in scheme.entities:
            button = QToolButton(self)
            button.setObjectName(f"label_{entity.label}")
            button.setText(f"{entity.key} {entity.label}")
            button.setToolTip(f"Label the selection as {entity.label} (key {entity.key})")
            button.setFocusPolicy(Qt.NoFocus)  # the article keeps the keyboard and its selection
            color = readable(QColor(entity.color))
            button.setStyleSheet(
                f"QToolButton {{ background: {color.name()}; color: {text_on(color).name()}; border-radius: 3px;"
                " padding: 1px 5px; font-weight: bold; }"
            )
            button.clicked.connect(lambda _checked=False, label=entity.label: self.on_label(label))
            self.flow.addWidget(button)
            self.buttons[entity.label] = button
        self.updateGeometry()
