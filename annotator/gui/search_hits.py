"""Search hits in the open article: the words typed in the document list's search box, highlighted in the text
(a short-lived overlay, so the spans' own formats stay as they are), counted in the status bar, and visited one
after another with Enter in the search box or F3 (Shift+F3 goes back)."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

HIT = QColor("#ffe066")


def find_hits(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words (or its quoted phrase) occur, case-insensitively, as (start, end) offsets; a word
    matches at the start of a word, as the full-text search does (prefix matches)."""
    query = query.strip()
    if not query:
        return []
    phrases = re.findall(r'"([^"]+)"', query)
    words = [w for w in re.sub(r'"[^"]*"', " ", query).split() if w]
    patterns = [re.escape(p) for p in phrases] + [r"\b" + re.escape(w) for w in words]
    found = {
        (m.start(), m.end())
        for pattern in patterns
        for m in re.finditer(pattern, text, re.IGNORECASE)
        if m.end() > m.start()
    }
    return sorted(found)


class SearchHits:
    """The hits of the current query in the article view; `next()` moves the caret to the next one."""

    def __init__(self, view: QTextEdit):
        self.view = view
        self.hits: list[tuple[int, int]] = []  # Qt positions
        self.current = -1

    def show(self, text: str, query: str, to_qt) -> int:
        self.hits = [(to_qt(a), to_qt(b)) for a, b in find_hits(text, query)]
        self.current = -1
        fmt = QTextCharFormat()
        fmt.setBackground(HIT)
        selections = []
        for a, b in self.hits:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.view.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.KeepAnchor)
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        self.view.setExtraSelections(selections)
        return len(self.hits)

    def next(self, step: int = 1) -> int | None:
        """Select the next (or previous) hit and scroll to it; returns its number (1-based), or None."""
        if not self.hits:
            return None
        self.current = (self.current + step) % len(self.hits)
        a, b = self.hits[self.current]
        cursor = self.view.textCursor()
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()
        return self.current + 1
