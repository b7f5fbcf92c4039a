"""Undoable annotation actions. Each does its work through one Project mutation (one commit) and can be undone.

A command does the work when it is created (so an error never lands on the undo stack), and on undo/redo it
repeats or inverts the mutation and asks the session to show the article it touched. Spans are found by
offsets and label, not by id: undoing a deletion re-creates the span under a new id.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.core import operations
from annotator.core.errors import AnnotatorError
from annotator.core.model import Argument, Event, Span, Status
from annotator.core.project import Project
from annotator.gui.article import SPAN, SUGGESTION, ItemKey
from annotator.gui.changes import change_hub


class Session(Protocol):
    project: Project
    annotator: str

    def after_change(
        self, doc_id: str, focus: ItemKey | None, dirty: list[tuple[int, int]], reload_all: bool = False
    ) -> None: ...


def span_id(project: Project, doc_id: str, annotator: str, start: int, end: int, label: str) -> int | None:
    return project.find_span_id(doc_id, annotator, start, end, label)


def find_event(project: Project, doc_id: str, annotator: str, start: int, end: int, type_: str) -> int | None:
    return project.find_event_id(doc_id, annotator, start, end, type_)


class ProjectCommand(QUndoCommand):
    """Base: `_do()` / `_undo()` call the project; the session repaints the article the command belongs to."""

    reload_all = False  # events, stance, notes: re-read the whole layer (span actions re-read only `dirty`)

    def __init__(self, session: Session, doc_id: str, text: str):
        super().__init__(text)
        self.session = session
        self.doc_id = doc_id
        self.annotator = session.annotator  # undo edits the layer it was done on, even after a switch
        self._first = True
        self._do()
        self.session.after_change(doc_id, self.focus_after_do(), self.dirty(), self.reload_all)

    @property
    def project(self) -> Project:
        return self.session.project

    def redo(self) -> None:
        if self._first:  # QUndoStack.push calls redo(); the work was done in __init__
            self._first = False
            return
        try:
            self._do()
        except AnnotatorError as exc:  # busy, read-only, full disk: say so rather than raise through Qt
            change_hub().failed.emit(f"Could not redo “{self.text()}”: {exc}")
            return
        self.session.after_change(self.doc_id, self.focus_after_do(), self.dirty(), self.reload_all)

    def undo(self) -> None:
        try:
            self._undo()
        except AnnotatorError as exc:
            change_hub().failed.emit(f"Could not undo “{self.text()}”: {exc}")
            return
        self.session.after_change(self.doc_id, self.focus_after_undo(), self.dirty(), self.reload_all)

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError

    def focus_after_do(self) -> ItemKey | None:
        return None

    def focus_after_undo(self) -> ItemKey | None:
        return None

    def dirty(self) -> list[tuple[int, int]]:
        return []

    def _add(self, span: Span) -> None:
        self.project.add_span(self.doc_id, self.annotator, span.start, span.end, span.label, source=span.source)

    def _delete(self, span: Span) -> None:
        found = span_id(self.project, self.doc_id, self.annotator, span.start, span.end, span.label)
        if found is not None:
            self.project.delete_span(found)


class AddSpan(ProjectCommand):
    """A new confirmed span (from a selection, or accepting a suggestion with its own or another label)."""

    def __init__(self, session: Session, doc_id: str, span: Span, text: str = "Add span"):
        self.span = span
        super().__init__(session, doc_id, f"{text} {span.label}")

    def _do(self) -> None:
        self._add(self.span)

    def _undo(self) -> None:
        self._delete(self.span)

    def focus_after_do(self) -> ItemKey:
        return (SPAN, self.span.start, self.span.end, self.span.label)

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.span.start, self.span.end)]


class DeleteSpan(ProjectCommand):
    """Delete a span; event arguments on exactly its offsets are detached too (and come back on undo)."""

    def __init__(self, session: Session, doc_id: str, span: Span):
        self.span = span
        self.detached: list[tuple[tuple[int, int, str], Argument]] = []
        super().__init__(session, doc_id, f"Delete span {span.label}")

    @property
    def reload_all(self) -> bool:  # type: ignore[override]
        return bool(self.detached)

    def _do(self) -> None:
        found = span_id(self.project, self.doc_id, self.annotator, self.span.start, self.span.end, self.span.label)
        self.detached = self.project.remove_span(found)[1] if found is not None else []

    def _undo(self) -> None:
        with self.project.db.atomic():
            self._add(self.span)
            for key, arg in self.detached:
                event_id = find_event(self.project, self.doc_id, self.annotator, *key)
                if event_id is not None:
                    self.project.add_argument(event_id, arg.role, arg.start, arg.end)

    def focus_after_undo(self) -> ItemKey:
        return (SPAN, self.span.start, self.span.end, self.span.label)

    def focus_after_do(self) -> ItemKey:
        return (SPAN, self.span.start, self.span.end, self.span.label)  # gone: the view focuses the next one

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.span.start, self.span.end)]


class RelabelSpan(ProjectCommand):
    def __init__(self, session: Session, doc_id: str, span: Span, label: str):
        self.span, self.label = span, label
        super().__init__(session, doc_id, f"Relabel {span.label} as {label}")

    def _relabel(self, old: str, new: str) -> None:
        found = span_id(self.project, self.doc_id, self.annotator, self.span.start, self.span.end, old)
        if found is not None:
            self.project.relabel_span(found, new)

    def _do(self) -> None:
        self._relabel(self.span.label, self.label)

    def _undo(self) -> None:
        self._relabel(self.label, self.span.label)

    def focus_after_do(self) -> ItemKey:
        return (SPAN, self.span.start, self.span.end, self.label)

    def focus_after_undo(self) -> ItemKey:
        return (SPAN, self.span.start, self.span.end, self.span.label)

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.span.start, self.span.end)]


class RejectSuggestion(ProjectCommand):
    def __init__(self, session: Session, doc_id: str, span: Span):
        self.span = span
        super().__init__(session, doc_id, f"Reject suggestion {span.label}")

    def _do(self) -> None:
        s = self.span
        self.project.reject_suggestion(self.doc_id, self.annotator, "span", s.start, s.end, s.label)

    def _undo(self) -> None:
        s = self.span
        self.project.unreject_suggestion(self.doc_id, self.annotator, "span", s.start, s.end, s.label)

    def focus_after_do(self) -> ItemKey:
        return (SUGGESTION, self.span.start, self.span.end, self.span.label)  # gone: the view focuses the next one

    def focus_after_undo(self) -> ItemKey:
        return (SUGGESTION, self.span.start, self.span.end, self.span.label)

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.span.start, self.span.end)]


class AcceptAll(ProjectCommand):
    """Accept every open suggestion of the article (entities and events) in one transaction; undo and redo
    restore the layer as it was before or after (one transaction each)."""

    reload_all = True

    def __init__(self, session: Session, doc_id: str, spans: list[Span], events: list[Event]):
        self.spans, self.events = spans, events
        self.changes: operations.Changes | None = None
        super().__init__(session, doc_id, f"Accept {len(spans) + len(events)} suggestion(s)")

    def _do(self) -> None:
        if self.changes is None:
            _, self.changes = operations.record(
                self.project,
                self.text(),
                lambda: self.project.accept_suggestions(self.doc_id, self.annotator, self.spans, self.events),
                lambda: [(self.doc_id, self.annotator)],
                name="accept_all",
                annotator=self.annotator,
            )
        else:
            operations.redo(self.project, self.changes, self.annotator)

    def _undo(self) -> None:
        assert self.changes is not None
        operations.undo(self.project, self.changes, self.annotator)


class RecordedCommand(QUndoCommand):
    """A recorded bulk operation (review decision, scheme edit, merge): undo and redo restore its captures, and
    every window hears of it through the change hub."""

    def __init__(self, project: Project, changes: operations.Changes, annotator: str | None = None):
        super().__init__(changes.description)
        self.project, self.changes, self.annotator = project, changes, annotator
        self._first = True

    def redo(self) -> None:
        if self._first:  # the work was done (and recorded) before the command was pushed
            self._first = False
        else:
            try:
                operations.redo(self.project, self.changes, self.annotator)
            except AnnotatorError as exc:
                change_hub().failed.emit(f"Could not redo “{self.text()}”: {exc}")
                return
        change_hub().changed.emit(self.changes)

    def undo(self) -> None:
        try:
            operations.undo(self.project, self.changes, self.annotator)
        except AnnotatorError as exc:
            change_hub().failed.emit(f"Could not undo “{self.text()}”: {exc}")
            return
        change_hub().changed.emit(self.changes)


class SetStatus(ProjectCommand):
    def __init__(self, session: Session, doc_id: str, status: Status):
        self.status = status
        self.previous = Status.NOT_STARTED
        super().__init__(session, doc_id, f"Mark {status.value.replace('_', ' ')}")

    def _do(self) -> None:
        self.previous = self.project.set_status(self.doc_id, self.annotator, self.status)

    def _undo(self) -> None:
        self.project.set_status(self.doc_id, self.annotator, self.previous)
