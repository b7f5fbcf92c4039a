"""The curation pane of the Review window: the article drawn once per annotator (two to four at once, side by side,
each with its labels as in the main window) and once more for the gold layer being built, all scrolling together.

Every column is an `ArticleView` (read-only here): spans are filled with their label's colour with the label under
them, event triggers framed; the current unit is framed in every column, the focused event's arguments carry their
role names, and the gold column frames the disagreements still open. The columns show one text with the same
line spacing, so at equal widths (as they open, and after each resize of the window) their layouts are identical
and scroll values can be copied from one to the rest; columns the reviewer resized scroll proportionally.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QScrollBar, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from annotator.core.adjudication import Unit
from annotator.core.model import Annotation
from annotator.gui.article import EVENT, SPAN, Item
from annotator.gui.article_view import ArticleView, KeyHandler
from annotator.gui.colors import readable
from annotator.gui.positions import PositionMap

MAX_SHOWN = 4  # annotators side by side; with more, the reviewer chooses which
OPEN_COLOR = QColor("#c62828")
ZOOM = -1  # one step smaller than the main window: five columns share a laptop's width


def layer_items(layer: Annotation, positions: PositionMap) -> list[Item]:
    """An annotator's (or gold's) spans and event triggers as the article view paints them."""
    pos = positions.to_qt
    items = [Item(SPAN, s.start, s.end, s.label, pos(s.start), pos(s.end), None, s.source) for s in layer.spans]
    items += [
        Item(EVENT, e.trigger_start, e.trigger_end, e.type, pos(e.trigger_start), pos(e.trigger_end), None, e.source)
        for e in layer.events
    ]
    return sorted(items, key=lambda i: (i.start, i.end, i.kind, i.label))


def _count(layer: Annotation) -> str:
    spans, events = len(layer.spans), len(layer.events)
    return f"{spans} span{'s' * (spans != 1)}" + (f", {events} event{'s' * (events != 1)}" if events else "")


class Column(QWidget):
    """A header line over one article view."""

    def __init__(self, name: str, handler: KeyHandler, parent: QWidget | None = None):
        super().__init__(parent)
        self.header = QLabel(objectName=f"{name}Header")
        self.header.setTextFormat(Qt.TextFormat.PlainText)  # annotator names are never markup
        self.header.setStyleSheet("font-weight: bold; padding: 1px 3px;")
        self.header.setMinimumWidth(1)  # a long name is cut, never widens its column: the columns stay equal
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.base = ""  # the header's text; the current stance unit's value is added to it
        self.view = ArticleView()
        self.view.setObjectName(name)
        self.view.handler = handler
        self.view.set_zoom(ZOOM)
        self.view.setMinimumWidth(140)
        # always there, so equal columns have equal text widths whatever their content's length
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(self.header)
        box.addWidget(self.view, 1)


class CurationPane(QWidget):
    clicked = Signal(int)  # a click (or the end of a drag) on the character at this core offset, in any column

    def __init__(self, handler: KeyHandler, parent: QWidget | None = None):
        super().__init__(parent)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.columns = [Column(f"reviewView{k + 1}", handler) for k in range(MAX_SHOWN)]
        self.gold = Column("reviewGold", handler)
        for column in [*self.columns, self.gold]:
            self.splitter.addWidget(column)
            column.view.verticalScrollBar().valueChanged.connect(
                lambda value, bar=column.view.verticalScrollBar(): self._scrolled(bar, value)
            )
            column.view.viewport().installEventFilter(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.splitter)
        self.names: list[str] = []
        self.positions: PositionMap | None = None
        self.colors: dict[str, QColor] = {}
        self.layers: dict[str, Annotation] = {}
        self.gold_layer: Annotation | None = None
        self._open: list[tuple[int, int, str, QColor]] = []
        self._syncing = False

    # -- content -----------------------------------------------------------------------------------------------
    @property
    def gold_view(self) -> ArticleView:
        return self.gold.view

    def views(self) -> list[ArticleView]:
        """The visible columns' views, left to right (the gold view last)."""
        return [c.view for c in self.columns[: len(self.names)]] + [self.gold.view]

    def show_article(
        self,
        text: str,
        positions: PositionMap,
        layers: dict[str, Annotation],
        names: list[str],
        gold: Annotation,
        colors: dict[str, str],
    ) -> None:
        """Draw the article once per shown annotator (`names`, at most four) and once for gold."""
        self.positions, self.layers, self.names = positions, layers, names[:MAX_SHOWN]
        self.colors = {label: readable(QColor(c)) for label, c in colors.items()}
        keep = self.gold.view.verticalScrollBar().value()
        for k, column in enumerate(self.columns):
            shown = k < len(self.names)
            column.setVisible(shown)
            if shown:
                name = self.names[k]
                column.base = f"{k + 1} · {name} · {_count(layers[name])}"
                column.header.setText(column.base)
                column.view.show_article(text, layer_items(layers[name], positions), colors)
        self.gold_layer = gold
        self.gold.view.show_article(text, layer_items(gold, positions), colors)
        self._gold_header()
        self.equalize()
        self.gold.view.verticalScrollBar().setValue(keep)

    def equalize(self) -> None:
        """Give the shown columns equal widths: their texts then wrap alike, the documents are equally tall and a
        scroll value means the same line in every column. The pixels left over are a margin right of gold."""
        shown = len(self.names) + 1
        width = max(self.splitter.width() - self.splitter.handleWidth() * (shown - 1), shown)
        each = width // shown
        self.gold.layout().setContentsMargins(0, 0, width - each * shown, 0)
        self.splitter.setSizes(
            [each if k < len(self.names) else 0 for k in range(len(self.columns))] + [width - each * (shown - 1)]
        )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.equalize()

    def set_gold(self, gold: Annotation, open_units: list[Unit]) -> None:
        """Show the gold layer as it now is (repainting only what changed) and frame the open disagreements."""
        assert self.positions is not None
        view = self.gold.view
        old = set(view._items)
        items = layer_items(gold, self.positions)
        dirty = [(i.qt_start, i.qt_end) for i in old.symmetric_difference(items)]
        self.gold_layer = gold
        view.update_items(items, dirty)
        pos = self.positions.to_qt
        self._open = [(pos(u.start), pos(u.end), "open", OPEN_COLOR) for u in open_units if u.kind != "stance"]
        self._gold_header(len(open_units))
        view.set_highlights(self._open)

    def _gold_header(self, left: int | None = None) -> None:
        layer = self.gold_layer
        counts = _count(layer) if layer is not None else ""
        self.gold.base = f"gold · {counts}" + (f" · {left} open" if left is not None else "")
        self.gold.header.setText(self.gold.base)

    # -- the current unit ------------------------------------------------------------------------------------
    def frame(self, unit: Unit | None) -> None:
        """Frame the unit in every column (its events' arguments with their roles) and scroll it into view; for a
        stance target, each column's header says its value and its evidence quotes are underlined."""
        if self.positions is None:
            return
        pos = self.positions.to_qt
        item = None
        if unit is not None and unit.kind != "stance":
            item = Item("unit", unit.start, unit.end, "", pos(unit.start), pos(unit.end))
        target = unit.target if unit is not None and unit.kind == "stance" else None
        layers = [self.layers.get(n) for n in self.names] + [self.gold_layer]
        columns = [*self.columns[: len(self.names)], self.gold]
        for column, layer in zip(columns, layers, strict=True):
            view = column.view
            header, quotes = column.base, []
            if target is not None and layer is not None:
                header += f" · {target}: {layer.stance.get(target, '—')}"
                quotes = [(pos(q.start), pos(q.end), target) for q in layer.stance_evidence.get(target, [])]
            column.header.setText(header)
            view.set_evidence(quotes)
            args = []
            if unit is not None and unit.kind == "event" and layer is not None:
                for e in layer.events:
                    if e.trigger_start < unit.end and unit.start < e.trigger_end:
                        color = self.colors.get(e.type, QColor("#808080"))
                        args += [(pos(a.start), pos(a.end), a.role, color) for a in e.arguments]
            view.set_highlights(args + (self._open if view is self.gold.view else []))
            view.set_focus_item(item, scroll=False)
        if item is not None:
            self._reveal(item)

    def _reveal(self, item: Item) -> None:
        """Scroll the columns (together) so the unit sits a third of the way down, unless it is in view."""
        view = self.gold.view
        cursor = view.textCursor()
        cursor.setPosition(item.qt_start)
        rect = view.cursorRect(cursor)
        port = view.viewport().rect()
        if rect.top() < 0 or rect.bottom() > port.height():
            bar = view.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - port.height() // 3)

    # -- selection and clicks --------------------------------------------------------------------------------
    def selection(self, focused: QWidget | None) -> tuple[int, int] | None:
        """The selected text (core offsets) of the focused column, else of any column; None if nothing is."""
        assert self.positions is not None
        views = self.views()
        for view in ([focused] if focused in views else []) + views:
            cursor = view.textCursor()  # type: ignore[union-attr]
            if cursor.hasSelection():
                to_core = self.positions.to_core
                return to_core(cursor.selectionStart()), to_core(cursor.selectionEnd())
        return None

    def clear_selection(self) -> None:
        for view in self.views():
            cursor = view.textCursor()
            if cursor.hasSelection():
                cursor.clearSelection()
                view.setTextCursor(cursor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick) and (
            event.button() == Qt.MouseButton.LeftButton  # type: ignore[attr-defined]
        ):
            view = next((v for v in self.views() if v.viewport() is watched), None)
            if view is not None and self.positions is not None:  # a selection made there stays: framing moves no caret
                self.clicked.emit(self._offset_at(view, event.position().toPoint()))  # type: ignore[attr-defined]
        return super().eventFilter(watched, event)

    def _offset_at(self, view: ArticleView, point: QPoint) -> int:
        """The character under the mouse (not the caret position nearest to it): left or right of that caret."""
        assert self.positions is not None
        cursor = view.cursorForPosition(point)
        qt = cursor.position()
        before = point.x() < view.cursorRect(cursor).x()
        rtl = cursor.block().textDirection() == Qt.LayoutDirection.RightToLeft
        qt = qt - 1 if before != rtl and qt > 0 else qt
        return self.positions.to_core(qt)

    # -- scrolling together ----------------------------------------------------------------------------------
    def _scrolled(self, source: QScrollBar, value: int) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            for view in self.views():
                bar = view.verticalScrollBar()
                if bar is source:
                    continue
                same = bar.maximum() == source.maximum()
                bar.setValue(value if same else round(value * bar.maximum() / max(1, source.maximum())))
        finally:
            self._syncing = False
