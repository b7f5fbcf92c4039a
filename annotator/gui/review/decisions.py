"""The Review window's decisions: each key that settles a unit runs one recorded operation on the article's gold
layer (one transaction, committed at once, undoable from the Review or the main window through the shared undo
stack) and the status bar says what it did ("Gold: bob's version of ‘Kabul’ taken", "Undone: …").

Mixed into `ReviewWindow` (uses its project, review, text, columns, unit list and undo stack).
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from annotator.core import operations
from annotator.core.adjudication import Unit
from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD
from annotator.core.words import snap_to_words
from annotator.gui.article_view import ArticleView
from annotator.gui.commands import RecordedCommand

MESSAGE_MS = 8000


class Decisions:
    def _say(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def _writable(self) -> bool:
        if self.project.readonly:
            self._say("The project is open read-only: no decision can be written")
        return not self.project.readonly

    def _after_decision(self, unit: Unit) -> None:
        row = self.unit_table.currentRow()
        self.unit_decided.emit(unit.key)
        self._refresh(select=self._first_open_row(after=row))

    def take_version(self, index: int) -> None:
        """Accept the version of the annotator in column `index` (0-based) for the current unit."""
        unit = self.current_unit()
        if unit is None or self.review is None or not self._writable():
            return
        if index >= len(self.shown):
            self._say(f"No annotator in column {index + 1}: the columns are 1–{len(self.shown)}")
            return
        who = self.shown[index]
        if unit.kind == "stance" and not unit.versions.get(who):
            self._say(f"{who} set no stance on ‘{unit.target}’: nothing to take")
            return
        what = f"{who}'s version of ‘{self.where(unit)}’ taken"
        if not unit.versions.get(who):
            what += " (nothing there)"
        if self._record(f"Review: {what}", lambda: self.review.take_version(unit, who)):
            self._after_decision(unit)
            self._say(f"Gold: {what}")

    def reject_all(self) -> None:
        unit = self.current_unit()
        if unit is None or self.review is None or unit.kind == "stance" or not self._writable():
            return
        what = f"every version of ‘{self.where(unit)}’ rejected"
        if self._record(f"Review: {what}", lambda: self.review.decide(unit, ())):
            self._after_decision(unit)
            self._say(f"Gold: {what}")

    def undo_current(self) -> None:
        unit = self.current_unit()
        if unit is None or self.review is None or not self._writable():
            return
        what = f"decision on ‘{self.where(unit)}’ reopened"
        if self._record(f"Review: {what}", lambda: self.review.undo(unit)):
            self.unit_decided.emit(unit.key)
            self._refresh()
            self._say(f"Gold: {what}")

    def accept_agreed(self) -> None:
        if self.review is None or not self._writable():
            return
        review = self.review
        n = sum(1 for u in review.units if u.agreed and not review.decided(u))
        if not n:
            self._say("Nothing agreed is left to accept in this article")
            return  # no empty step on the undo stack
        what = f"{n} agreed unit(s) accepted"
        if self._record(f"Review: {what}", review.accept_agreed):
            self._refresh()
            self._say(f"Gold: {what}")

    def _selection(self) -> tuple[int, int] | None:
        return self.curation.selection(QApplication.focusWidget())

    def start_gold_span(self) -> None:
        """G: the selected words (snapped) wait for a label key to become a gold span of the reviewer's own."""
        if self.review is None or not self._writable():
            return
        selected = self._selection()
        start, end = snap_to_words(self.text, *selected) if selected else (0, 0)
        if end <= start:
            self._say("Select words in any column first, then press G and a label key")
            return
        self.pending_gold = (start, end)
        keys = " · ".join(f"{e.key} {e.label}" for e in self.project.scheme.entities if e.key)
        self.statusBar().showMessage(
            f"Gold span “{self._snippet(start, end)}”: press a label key ({keys}) — Esc cancels"
        )

    def finish_gold_span(self, key: str) -> None:
        self.pending_gold = None
        label = self.project.scheme.label_for_key(key) if key else None
        if label is None:
            self._say("No label has that key: no gold span made")
        elif not self.label_selection(label):
            self._say("The selection is gone: no gold span made")

    def cancel_gold_span(self) -> None:
        self.pending_gold = None
        self._say("Gold span cancelled")

    def label_selection(self, label: str) -> bool:
        """Make the selected text (snapped to whole words, as in the main window) a gold span of the reviewer's
        own; False if nothing is selected."""
        selected = self._selection()
        if self.review is None or selected is None or self.project.readonly:
            return False
        start, end = snap_to_words(self.text, *selected)
        if end <= start:
            return False
        review = self.review
        what = f"own span {label} “{self._snippet(start, end)}” added"
        if not self._record(f"Review: {what}", lambda: review.add_span(start, end, label)):
            return True
        self.curation.clear_selection()
        # the new span may form a unit of its own only in gold: the units stay the annotators'
        self.unit_decided.emit(f"span:{start}-{end}")
        self._refresh()
        self._say(f"Gold: {what}")
        return True

    def remove_gold_at_cursor(self) -> None:
        """Shift+Delete: remove the gold span(s) under the text cursor, e.g. a span of the reviewer's own."""
        if self.review is None or self.positions is None or not self._writable():
            return
        focused = QApplication.focusWidget()
        view = focused if isinstance(focused, ArticleView) else self.curation.gold_view
        cursor = view.textCursor()
        offset = self.positions.to_core(cursor.selectionStart() if cursor.hasSelection() else cursor.position())
        review = self.review
        spans = [s for s in review.gold.spans if s.start <= offset < s.end]
        if not spans:
            self._say("No gold span under the cursor")
            return
        what = "gold span " + ", ".join(f"{s.label} “{self._snippet(s.start, s.end)}”" for s in spans) + " removed"
        if self._record(f"Review: {what}", lambda: review.remove_gold_spans_at(offset)):
            self._refresh()
            self._say(what[0].upper() + what[1:])

    def _stance_chosen(self, index: int) -> None:
        unit = self.current_unit()
        if unit is None or unit.kind != "stance" or self.review is None or not self._writable():
            return
        value = self.stance_combo.itemText(index)
        what = f"stance on ‘{unit.target}’ set to {value}"
        if self._record(f"Review: {what}", lambda: self.review.decide(unit, (value,))):
            self._after_decision(unit)
            self._say(f"Gold: {what}")

    def _record(self, description: str, work) -> bool:
        """Run one decision as a recorded, undoable operation on the gold layer of the article; False (and the
        reason in the status bar) if it could not be written."""
        assert self.review is not None
        doc_id = self.review.doc_id
        try:
            _, changes = operations.record(
                self.project, description, work, lambda: [(doc_id, GOLD)], name="review_decision", annotator=GOLD
            )
        except AnnotatorError as exc:
            self.statusBar().showMessage(str(exc), 10000)
            self.review.reload_gold()
            return False
        self._pushing = True
        try:
            self.undo_stack.push(RecordedCommand(self.project, changes, GOLD))
        finally:
            self._pushing = False
        return True

    def undo_step(self, redo: bool = False) -> None:
        """Ctrl+Z / Ctrl+Shift+Z: undo or redo the last action of either window (the status bar says which)."""
        if redo:
            self.undo_stack.redo()
        else:
            self.undo_stack.undo()

    def _stack_moved(self, index: int) -> None:
        """Ctrl+Z / Ctrl+Shift+Z in either window: say what was undone or redone."""
        before, self._stack_index = self._stack_index, index
        if self._pushing or index == before:
            return
        text = self.undo_stack.text(index if index < before else index - 1)
        if text:
            text = text.removeprefix("Review: ")
            self._say(f"{'Undone' if index < before else 'Redone'}: {text}")
