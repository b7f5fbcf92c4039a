"""The Review window's unit list: one row per unit (state, kind, where, each shown annotator's version in a few
words, gold), each distinct version in its own colour and the version gold took in bold. Rebuilt for a new article
or new columns; after a decision only the rows whose state or gold changed are filled again.

Mixed into `ReviewWindow` (uses its review, text, shown annotators and `unit_table`).
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTableWidgetItem

from annotator.core.adjudication import Unit, gold_items

OPEN, AGREED, DECIDED = "open", "agreed", "decided"
STATE_COLORS = {OPEN: "#ffd6d6", AGREED: "#e6e6e6", DECIDED: "#d4f2d4"}
VERSION_COLORS = ("#fff2b3", "#cfe3ff", "#f6d0f0", "#d0f4f0", "#ffe0c2", "#e0d6ff")


class UnitList:
    def state(self, unit: Unit) -> str:
        assert self.review is not None
        if self.review.decided(unit):
            return DECIDED
        return AGREED if unit.agreed else OPEN

    def describe(self, unit: Unit, items: tuple) -> str:
        """A version in a few words: each item's label and words (span offsets too, so versions differing by a
        space or a character do not look alike)."""
        if not items:
            return "—"
        if unit.kind == "stance":
            return str(items[0])
        if unit.kind == "span":
            return "; ".join(f"{label} “{self._snippet(s, e)}” {s}–{e}" for s, e, label in items)
        parts = []
        for ts, te, type_, args in items:
            roles = ", ".join(f"{role}: {self._snippet(s, e)}" for role, s, e in args)
            parts.append(f"{type_} “{self._snippet(ts, te)}”" + (f" ({roles})" if roles else ""))
        return "; ".join(parts)

    def _snippet(self, start: int, end: int, limit: int = 40) -> str:
        text = " ".join(self.text[start:end].split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def where(self, unit: Unit) -> str:
        return unit.target if unit.kind == "stance" else self._snippet(unit.start, unit.end)

    def _fill_table(self) -> None:
        """Fill the unit list: rebuilt for a new article or columns, else only the rows whose state or gold
        changed (a decision touches one or two of hundreds)."""
        review = self.review
        assert review is not None
        table = self.unit_table
        headers = ["state", "kind", "where", *(f"{k + 1}: {a}" for k, a in enumerate(self.shown)), "gold"]
        rows = [(self.state(u), gold_items(review.gold, u)) for u in review.units]
        layout = (review.doc_id, id(review), tuple(headers), len(rows))
        table.blockSignals(True)
        if layout != self._table_layout:
            self._table_layout, self._rows = layout, [None] * len(rows)
            table.clear()
            table.setColumnCount(len(headers))
            table.setHorizontalHeaderLabels(headers)
            table.setRowCount(len(rows))
            header = table.horizontalHeader()
            header.setMinimumSectionSize(40)
            for c, width in enumerate((62, 50, 130)):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                table.setColumnWidth(c, width)
            for c in range(3, len(headers)):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        for r, (unit, row) in enumerate(zip(review.units, rows, strict=True)):
            if self._rows[r] != row:
                self._rows[r] = row
                self._fill_row(r, unit, *row)
        table.blockSignals(False)

    def _fill_row(self, r: int, unit: Unit, state: str, gold: tuple) -> None:
        table = self.unit_table
        for c, text in enumerate((state, unit.kind, self.where(unit))):
            item = QTableWidgetItem(text)
            if c == 0:
                item.setBackground(QBrush(QColor(STATE_COLORS[state])))
            table.setItem(r, c, item)
        distinct = list(dict.fromkeys(unit.versions.values()))
        for k, who in enumerate(self.shown):
            version = unit.versions.get(who, ())
            item = QTableWidgetItem(self.describe(unit, version))
            item.setToolTip(item.text())
            if not unit.agreed:  # differences: one colour per distinct version
                item.setBackground(QBrush(QColor(VERSION_COLORS[distinct.index(version) % len(VERSION_COLORS)])))
            if state == DECIDED and version == gold:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, 3 + k, item)
        gold_item = QTableWidgetItem(self.describe(unit, gold) if state == DECIDED or gold else "")
        gold_item.setToolTip(gold_item.text())
        if state == DECIDED:
            gold_item.setBackground(QBrush(QColor(STATE_COLORS[DECIDED])))
        table.setItem(r, 3 + len(self.shown), gold_item)
