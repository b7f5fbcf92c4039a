"""The article view: the stored text exactly as it is, spans painted on it, label keys acted on its selection.

Text goes in with `setPlainText` only: an article is never interpreted as markup. Spans are character formats on
the document (filled with the label's colour when confirmed, a dashed underline when suggested); a light overlay
draws each visible span's label under it, outlines suggestions and frames the focused item. Key presses reach a
handler object first (also the ones a read-only text edit would swallow, such as Tab and digits).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Protocol

from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.gui.article import Item
from annotator.gui.colors import readable, text_on

ZOOM_FACTOR = 1.12  # per Ctrl+plus
TAG_ROWS = 2  # rows of label tags the spacing under each line holds (crowded lines use the second)


class KeyHandler(Protocol):
    def handles(self, event: QKeyEvent) -> bool: ...

    def handle(self, event: QKeyEvent) -> None: ...


class ArticleView(QTextEdit):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setCursorWidth(2)
        self._base_size = max(self.font().pointSizeF(), 11.0)
        self.zoom_steps = 0
        self._set_sizes()
        self.handler: KeyHandler | None = None
        self._tags: dict[tuple[str, int, bool], QPixmap] = {}
        self._items: list[Item] = []
        self._colors: dict[str, QColor] = {}
        self._focus: Item | None = None
        self._highlights: list[tuple[int, int, str, QColor]] = []  # extra tagged ranges (event arguments)
        self._evidence: list[tuple[int, int, str]] = []  # stance evidence quotes, tagged with their target
        self._placed: dict[int, list[list[tuple[int, int]]]] = {}  # during a paint: tags per line and row
        # (tag rectangle, the span's first-line rectangle, text) of every tag drawn in the last paint (tests)
        self.tag_boxes: list[tuple[QRect, QRect, str]] = []
        # The document is laid out lazily: positions used by the overlay are only right once layout has run, so
        # repaint the overlay whenever the layout grows (the first paint may come before it).
        self.document().documentLayout().documentSizeChanged.connect(lambda _size: self.viewport().update())

    # -- zoom ------------------------------------------------------------------------------------------------
    def _set_sizes(self) -> None:
        font = self.font()
        font.setPointSizeF(self._base_size * ZOOM_FACTOR**self.zoom_steps)
        self.setFont(font)
        self._tag_font = QFont(font)
        self._tag_font.setPointSizeF(max(font.pointSizeF() * 0.66, 6.5))  # tags grow with the text
        self._tag_font.setBold(True)
        self._tags = {}

    def set_zoom(self, steps: int) -> None:
        """Text and tags larger (steps > 0) or smaller; the caller re-shows the article for the new spacing."""
        self.zoom_steps = max(-4, min(10, steps))
        self._set_sizes()

    # -- content -------------------------------------------------------------------------------------------
    def show_article(self, text: str, items: list[Item], colors: dict[str, str]) -> None:
        self._colors = {label: readable(QColor(c)) for label, c in colors.items()}  # visible on the page
        self._formats: dict[tuple[str, str], QTextCharFormat] = {}
        self._items = items
        self._focus = None
        self._highlights = []
        doc = self.document()
        # setPlainText keeps the cursor's character format: an article whose first character carried a span's
        # format would pass it to every character of the next one. Reset it, and the whole new text below.
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(text)
        option = doc.defaultTextOption()
        option.setTextDirection(Qt.LayoutDirectionAuto)  # right-to-left paragraphs are laid out right to left
        option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        block = QTextBlockFormat()
        # room under every line for TAG_ROWS rows of tags, whatever the zoom
        gap = TAG_ROWS * (QFontMetrics(self._tag_font).height() + 1) + 3
        block.setLineHeight(gap, QTextBlockFormat.LineDistanceHeight.value)
        cursor.select(QTextCursor.Document)
        cursor.setCharFormat(QTextCharFormat())
        cursor.mergeBlockFormat(block)
        # empty paragraphs (the blank line between two) hold no tags: no extra room under them
        tight = QTextBlockFormat()
        tight.setLineHeight(0, QTextBlockFormat.LineDistanceHeight.value)
        b = doc.begin()
        while b.isValid():
            if not b.text().strip():
                QTextCursor(b).mergeBlockFormat(tight)
            b = b.next()
        for item in items:
            self._apply(cursor, item, item.qt_start, item.qt_end)
        cursor.endEditBlock()
        self.moveCursor(QTextCursor.Start)

    def update_items(self, items: list[Item], dirty_qt: list[tuple[int, int]]) -> None:
        """Repaint only the ranges an action touched: reset them, then re-apply every item overlapping them."""
        self._items = items
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        plain = QTextCharFormat()
        ranges = _merge(dirty_qt)
        if len(ranges) > 16:  # e.g. an article's suggestions arriving at once: one pass, not one scan per range
            ranges = [(ranges[0][0], max(hi for _, hi in ranges))]
        for lo, hi in ranges:
            cursor.setPosition(lo)
            cursor.setPosition(hi, QTextCursor.KeepAnchor)
            cursor.setCharFormat(plain)
            for item in self._overlapping(lo, hi):
                self._apply(cursor, item, max(lo, item.qt_start), min(hi, item.qt_end))
        cursor.endEditBlock()
        self.viewport().update()

    def _overlapping(self, lo: int, hi: int) -> list[Item]:
        return [it for it in self._items if it.qt_start < hi and it.qt_end > lo]

    def _format(self, item: Item) -> QTextCharFormat:
        key = (item.kind, item.label)
        fmt = self._formats.get(key)
        if fmt is None:
            color = self._colors.get(item.label, QColor("#808080"))
            fmt = QTextCharFormat()
            if item.is_event:
                # triggers: bold (italic while only suggested), underlined in the event type's colour
                fmt.setFontWeight(QFont.Bold if item.confirmed else QFont.Normal)
                fmt.setFontItalic(not item.confirmed)
                fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline if item.confirmed else QTextCharFormat.DotLine)
                fmt.setUnderlineColor(color)
            elif item.confirmed:
                fill = QColor(color)
                fill.setAlpha(95)
                fmt.setBackground(QBrush(fill))
            else:
                fmt.setUnderlineStyle(QTextCharFormat.DashUnderline)
                fmt.setUnderlineColor(color)
            self._formats[key] = fmt
        return fmt

    def _apply(self, cursor: QTextCursor, item: Item, lo: int, hi: int) -> None:
        if hi <= lo:
            return
        cursor.setPosition(lo)
        cursor.setPosition(hi, QTextCursor.KeepAnchor)
        cursor.mergeCharFormat(self._format(item))

    def set_focus_item(self, item: Item | None, *, scroll: bool = True) -> None:
        self._focus = item
        if item is not None and scroll:
            cursor = self.textCursor()
            cursor.setPosition(item.qt_start)
            self.setTextCursor(cursor)
            rect = self.cursorRect()
            port = self.viewport().rect()
            if rect.top() < 0 or rect.bottom() > port.height():
                # bring it to a third of the height, not just inside the edge: fewer full repaints when tabbing
                bar = self.verticalScrollBar()
                bar.setValue(bar.value() + rect.top() - port.height() // 3)
        self.viewport().update()

    def set_highlights(self, ranges: list[tuple[int, int, str, QColor]]) -> None:
        """Extra tagged frames (e.g. the focused event's arguments with their role names), in Qt positions."""
        self._highlights = ranges
        self.viewport().update()

    def set_evidence(self, ranges: list[tuple[int, int, str]]) -> None:
        """Stance evidence quotes (Qt positions), marked with a grey double underline and their target's tag."""
        if ranges != self._evidence:
            self._evidence = ranges
            self.viewport().update()

    def focus_item(self) -> Item | None:
        return self._focus

    def selection_qt(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return cursor.selectionStart(), cursor.selectionEnd()

    def select_qt(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)

    # -- keys ------------------------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # Before QWidget turns Tab into focus changes and the read-only text control ignores or eats keys.
        kind = event.type()
        if kind in (QEvent.ShortcutOverride, QEvent.KeyPress) and self.handler and self.handler.handles(event):
            if kind == QEvent.KeyPress:
                self.handler.handle(event)
            event.accept()
            return True
        # The read-only text control would claim Ctrl+<key> shortcuts and then ignore them: leave them to the
        # window's actions. Copy and select-all stay the view's.
        if (
            kind == QEvent.ShortcutOverride
            and event.modifiers() & Qt.ControlModifier
            and not (event.matches(QKeySequence.Copy) or event.matches(QKeySequence.SelectAll))
        ):
            event.ignore()
            return False
        return super().event(event)

    # -- overlay ---------------------------------------------------------------------------------------------
    def _line_rects(self, qt_start: int, qt_end: int) -> list[QRect]:
        """The span's extent on each visual line it covers, in viewport coordinates, from the text layout itself:
        a span that wraps is framed piece by piece, and right-to-left lines are measured right to left."""
        doc = self.document()
        layout = doc.documentLayout()
        dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        rects: list[QRect] = []
        block = doc.findBlock(qt_start)
        while block.isValid() and block.position() <= qt_end:
            text_layout = block.layout()
            origin = layout.blockBoundingRect(block).topLeft()
            base = block.position()
            for n in range(text_layout.lineCount()):
                line = text_layout.lineAt(n)
                lo = max(qt_start, base + line.textStart())
                hi = min(qt_end, base + line.textStart() + line.textLength())
                if hi <= lo and not (qt_start == qt_end == lo):
                    continue
                x1 = line.cursorToX(lo - base)[0]
                x2 = line.cursorToX(hi - base)[0]
                left, right = min(x1, x2), max(x1, x2)
                rects.append(
                    QRect(
                        round(origin.x() + left - dx),
                        round(origin.y() + line.y() - dy),
                        max(round(right - left), 2),
                        round(line.ascent() + line.descent()),
                    )
                )
            block = block.next()
        if not rects:  # not laid out yet: the cursor rectangles
            cursor = QTextCursor(doc)
            cursor.setPosition(qt_start)
            r = self.cursorRect(cursor)
            rects.append(QRect(r.left(), r.top(), 2, r.height()))
        return rects

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._items and not self._highlights and not self._evidence:
            return
        port = self.viewport()
        first = self.cursorForPosition(QPoint(0, 0)).position()
        last = self.cursorForPosition(QPoint(port.width(), port.height())).position()
        i = max(0, bisect_left(self._items, first, key=lambda it: it.qt_start) - 50)
        painter = QPainter(port)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setFont(self._tag_font)
        metrics = QFontMetrics(self._tag_font)
        self._placed: dict[int, list[list[tuple[int, int]]]] = {}  # per line, per tag row: (left, right) drawn
        self.tag_boxes = []
        for item in self._items[i:]:
            if item.qt_start > last:
                break
            if item.qt_end < first:
                continue
            color = self._colors.get(item.label, QColor("#808080"))
            rects = self._line_rects(item.qt_start, item.qt_end)
            if item.is_event:
                pen = QPen(color, 2 if item.confirmed else 1, Qt.SolidLine if item.confirmed else Qt.DotLine)
                painter.setPen(pen)
                painter.setBrush(Qt.NoBrush)
                for r in rects:
                    painter.drawRect(r.adjusted(-2, -1, 2, 1))
                self._draw_tag(painter, metrics, rects[0], "▸" + item.label, color, filled=item.confirmed)
                continue
            if not item.confirmed:
                painter.setPen(QPen(color, 1, Qt.DashLine))
                painter.setBrush(Qt.NoBrush)
                painter.drawRoundedRect(rects[0].adjusted(-1, 0, 1, 0), 3, 3)
            self._draw_tag(painter, metrics, rects[0], item.label, color, filled=item.confirmed)
        for lo, hi, name, color in self._highlights:
            rects = self._line_rects(lo, hi)
            painter.setPen(QPen(color, 2))
            painter.setBrush(Qt.NoBrush)
            for r in rects:
                painter.drawRoundedRect(r.adjusted(-2, -1, 2, 1), 3, 3)
            self._draw_tag(painter, metrics, rects[0], name, color, filled=True)
        evidence_color = QColor("#555555")
        for lo, hi, name in self._evidence:
            rects = self._line_rects(lo, hi)
            painter.setPen(QPen(evidence_color, 1))
            for r in rects:  # a double underline under each line of the quote
                painter.drawLine(r.left(), r.bottom() + 1, r.right(), r.bottom() + 1)
                painter.drawLine(r.left(), r.bottom() + 3, r.right(), r.bottom() + 3)
            self._draw_tag(painter, metrics, rects[-1], name, evidence_color, filled=False)
        if self._focus is not None:
            focus = next((it for it in self._items if it.key == self._focus.key), self._focus)
            painter.setPen(QPen(QColor("#111111"), 2))
            painter.setBrush(Qt.NoBrush)
            for r in self._line_rects(focus.qt_start, focus.qt_end):
                painter.drawRoundedRect(r.adjusted(-3, -2, 3, 2), 4, 4)
        painter.end()

    def _draw_tag(
        self, painter: QPainter, metrics: QFontMetrics, rect: QRect, text: str, color: QColor, filled: bool
    ) -> None:
        # The tag sits in the extra line spacing under the span's first line, so it never hides article text.
        # Tags are drawn once into a pixmap and then copied: text rendering is the costly part of a repaint.
        key = (text, color.rgb(), filled)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = _render_tag(metrics, self._tag_font, text, color, filled, self.devicePixelRatioF())
        # Each tag starts under its own span (never under another word) and stays inside the viewport; a tag
        # that would cover one already drawn on that line moves right while it still starts within its span,
        # else down to the next tag row (the line spacing holds TAG_ROWS rows).
        width = round(tag.width() / tag.devicePixelRatio())
        height = round(tag.height() / tag.devicePixelRatio())
        limit = self.viewport().width() - width - 2
        rows = self._placed.setdefault(rect.bottom(), [])
        x0 = max(2, min(rect.left(), limit))
        row, x = 0, x0
        while True:
            if row == len(rows):
                rows.append([])
            blocking = [(lo, hi) for lo, hi in rows[row] if x < hi + 2 and x + width > lo - 2]
            if not blocking:
                break
            x = max(hi for _, hi in blocking) + 3
            if x > max(rect.right(), x0) or x > limit:  # no longer under its span, or off the edge: next row
                row, x = row + 1, x0
        rows[row].append((x, x + width))
        self.tag_boxes.append((QRect(x, rect.bottom() + 2 + row * (height + 1), width, height), rect, text))
        painter.drawPixmap(x, rect.bottom() + 2 + row * (height + 1), tag)


def _render_tag(metrics: QFontMetrics, font: QFont, text: str, color: QColor, filled: bool, ratio: float) -> QPixmap:
    width, height = metrics.horizontalAdvance(text) + 6, metrics.height()
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setFont(font)
    box = QRect(0, 0, width, height)
    if filled:
        painter.setPen(Qt.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(text_on(color))
    else:
        painter.setPen(QPen(color, 1))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(box.adjusted(0, 0, -1, -1), 3, 3)
        painter.setPen(readable(color, 4.5))
    painter.drawText(box, Qt.AlignCenter, text)
    painter.end()
    return pixmap


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out
