"""The events panel: the article's events (type, trigger, each role's filler), confirmed and suggested.

Choosing an event focuses its trigger (and makes it the event roles attach to); Delete on an argument detaches it.
All text is set as plain item text: never interpreted as markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from annotator.core.scheme import Scheme
from annotator.gui.article import EVENT, EVENT_SUGGESTION, ArticleState, suggestion_note

KEY = Qt.UserRole


def _quote(text: str, start: int, end: int, limit: int = 40) -> str:
    shown = " ".join(text[start:end].split())
    return "“" + (shown if len(shown) <= limit else shown[: limit - 1] + "…") + "”"


class EventTree(QTreeWidget):
    item_chosen = Signal(object)  # the trigger's ItemKey
    argument_removed = Signal(object, str, int, int)  # event key (start, end, type), role, start, end

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("eventPanel")
        self.setHeaderLabels(["Events", "State"])
        self.setColumnWidth(0, 230)
        self.setRootIsDecorated(True)
        self.itemSelectionChanged.connect(self._chosen)
        self._updating = False
        # PySide6 creates ~100 Python enums the first time QBrush(QColor) is resolved (~10-20 ms): pay that while
        # the window opens, not when an article's first suggested events arrive from the suggestion process.
        QBrush(QColor())

    def set_events(self, state: ArticleState | None, scheme: Scheme, active: tuple[int, int, str] | None) -> None:
        self._updating = True
        self.clear()
        if state is not None:
            text = state.document.text
            pools = [(EVENT, state.events), (EVENT_SUGGESTION, state.suggested_events)]
            for kind, events in pools:
                for e in events:
                    top = QTreeWidgetItem([f"{e.type} {_quote(text, e.trigger_start, e.trigger_end)}"])
                    state_text, where = ("confirmed", "") if kind == EVENT else suggestion_note(e)
                    top.setText(1, state_text)
                    top.setToolTip(1, where)
                    top.setData(0, KEY, (kind, e.trigger_start, e.trigger_end, e.type))
                    color = QColor(scheme.color(e.type))
                    color.setAlpha(70 if kind == EVENT else 30)
                    top.setBackground(0, QBrush(color))
                    spec = scheme.event(e.type)
                    for role in spec.roles if spec else ():
                        fillers = [a for a in e.arguments if a.role == role]
                        for a in fillers:
                            child = QTreeWidgetItem([f"{role}: {_quote(text, a.start, a.end)}"])
                            child.setData(0, KEY, ((e.trigger_start, e.trigger_end, e.type), role, a.start, a.end))
                            top.addChild(child)
                        if not fillers and kind == EVENT:
                            empty = QTreeWidgetItem([f"{role}: —"])
                            empty.setForeground(0, QBrush(QColor("#888888")))
                            top.addChild(empty)
                    self.addTopLevelItem(top)
                    top.setExpanded(kind == EVENT and (e.trigger_start, e.trigger_end, e.type) == active)
                    if kind == EVENT and (e.trigger_start, e.trigger_end, e.type) == active:
                        top.setSelected(True)
        self._updating = False

    def _chosen(self) -> None:
        if self._updating:
            return
        items = self.selectedItems()
        if items and items[0].parent() is None:
            self.item_chosen.emit(items[0].data(0, KEY))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        items = self.selectedItems()
        if event.key() in (Qt.Key_Delete, Qt.Key_X) and items and items[0].parent() is not None:
            data = items[0].data(0, KEY)
            if data:
                event_key, role, start, end = data
                self.argument_removed.emit(tuple(event_key), role, start, end)
                return
        super().keyPressEvent(event)
