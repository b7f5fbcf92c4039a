"""Undoable annotation actions on the window's undo stack. Each holds one core operation (`annotator.core.actions`)
and its inverse: doing applies the operation (one transaction, logged), undoing applies the inverse, which returns
the operation again for redo. The rules (what deleting a span does to event arguments, one transaction for
accept-all) live in the core; a command adds only what the window needs: the text on the Edit menu, which item
to focus and which offsets to repaint.

A command does the work when it is created (so an error never lands on the undo stack); a busy, read-only or full
file during undo or redo is reported through the change hub instead of raising through Qt.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.core import actions, operations
from annotator.core.actions import Op
from annotator.core.errors import AnnotatorError
from annotator.core.model import Event, Span, Status
from annotator.core.project import Project
from annotator.gui.article import SPAN, SUGGESTION, ItemKey
from annotator.gui.changes import change_hub


class Session(Protocol):
    project: Project
    annotator: str

    def after_change(
        self, doc_id: str, focus: ItemKey | None, dirty: list[tuple[int, int]], reload_all: bool = False
    ) -> None: ...


class ProjectCommand(QUndoCommand):
    """Base: `operation()` names the change; do/undo/redo apply it or its inverse, then the session repaints."""

    reload_all = False  # events, stance, notes: re-read the whole layer (span actions re-read only `dirty`)

    def __init__(self, session: Session, doc_id: str, text: str):
        super().__init__(text)
        self.session = session
        self.doc_id = doc_id
        self.annotator = session.annotator  # undo edits the layer it was done on, even after a switch
        self._first = True
        self.forward: Op = self.operation()
        self.backward: Op | None = None
        self._do()
        self.session.after_change(doc_id, self.focus_after_do(), self.dirty(), self.reload_all)
        self._tell(f"{self.summary()}   (Ctrl+Z to undo)")

    @property
    def project(self) -> Project:
        return self.session.project

    def summary(self) -> str:
        """What the status bar says was done: the Edit menu text and the words it touched."""
        dirty = self.dirty()
        state = getattr(self.session, "state", None)
        if dirty and state is not None and state.document.id == self.doc_id:
            words = " ".join(state.document.text[dirty[0][0] : dirty[0][1]].split())
            if words:
                return f"{self.text()} “{words[:50]}{'…' if len(words) > 50 else ''}”"
        return self.text()

    def _tell(self, text: str) -> None:
        message = getattr(self.session, "message", None)
        if message is not None:
            message.emit(text)

    def operation(self) -> Op:
        raise NotImplementedError

    def _do(self, kind: str = "do") -> None:
        self.backward = actions.apply(self.project, self.forward, kind=kind, description=self.text())

    def _undo(self) -> None:
        assert self.backward is not None
        self.forward = actions.apply(self.project, self.backward, kind="undo", description=self.text())

    def redo(self) -> None:
        if self._first:  # QUndoStack.push calls redo(); the work was done in __init__
            self._first = False
            return
        try:
            self._do("redo")
        except AnnotatorError as exc:  # busy, read-only, full disk: say so rather than raise through Qt
            change_hub().failed.emit(f"Could not redo “{self.text()}”: {exc}")
            return
        self._show(self.focus_after_do(), "Redone")

    def undo(self) -> None:
        try:
            self._undo()
        except AnnotatorError as exc:
            change_hub().failed.emit(f"Could not undo “{self.text()}”: {exc}")
            return
        self._show(self.focus_after_undo(), "Undone")

    def _show(self, focus: ItemKey | None, what: str) -> None:
        """After an undo or redo: the session repaints the article, the status bar says what happened."""
        self.session.after_change(self.doc_id, focus, self.dirty(), self.reload_all)
        self._tell(f"{what}: {self.summary()}")

    def focus_after_do(self) -> ItemKey | None:
        return None

    def focus_after_undo(self) -> ItemKey | None:
        return None

    def dirty(self) -> list[tuple[int, int]]:
        return []

    def _layer(self, **args) -> dict:
        return {"doc": self.doc_id, "annotator": self.annotator, **args}


class AddSpan(ProjectCommand):
    """A new confirmed span (from a selection, or accepting a suggestion with its own or another label)."""

    def __init__(self, session: Session, doc_id: str, span: Span, text: str = "Add span"):
        self.span = span
        super().__init__(session, doc_id, f"{text} {span.label}")

    def operation(self) -> Op:
        return actions.add_span(self.doc_id, self.annotator, self.span)

    def focus_after_do(self) -> ItemKey:
        return (SPAN, self.span.start, self.span.end, self.span.label)

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.span.start, self.span.end)]


class DeleteSpan(ProjectCommand):
    """Delete a span; the core detaches event arguments on exactly its offsets (and undo reattaches them)."""

    def __init__(self, session: Session, doc_id: str, span: Span):
        self.span = span
        super().__init__(session, doc_id, f"Delete span {span.label}")

    @property
    def reload_all(self) -> bool:  # type: ignore[override]
        op = self.backward if self.backward is not None and self.backward.name == "add_span" else self.forward
        return bool(op.args.get("reattach"))

    def operation(self) -> Op:
        s = self.span
        return Op("delete_span", self._layer(start=s.start, end=s.end, label=s.label, reject_suggestion=True))

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

    def operation(self) -> Op:
        s = self.span
        return Op("relabel_span", self._layer(start=s.start, end=s.end, label=s.label, new=self.label))

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

    def operation(self) -> Op:
        s = self.span
        return Op("reject", self._layer(kind="span", start=s.start, end=s.end, label=s.label))

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
        super().__init__(session, doc_id, f"Accept {len(spans) + len(events)} suggestion(s)")

    def operation(self) -> Op:
        return Op("nothing")  # replaced by the recorded restore operation on the first do

    def _do(self, kind: str = "do") -> None:
        if self.backward is None:
            _, changes = operations.record(
                self.project,
                self.text(),
                lambda: self.project.accept_suggestions(self.doc_id, self.annotator, self.spans, self.events),
                lambda: [(self.doc_id, self.annotator)],
                name="accept_all",
                annotator=self.annotator,
            )
            self.forward, self.backward = changes.forward(self.annotator), changes.backward(self.annotator)
        else:
            super()._do(kind)


class SetStatus(ProjectCommand):
    def __init__(self, session: Session, doc_id: str, status: Status):
        self.status = status
        super().__init__(session, doc_id, f"Mark {status.value.replace('_', ' ')}")

    def operation(self) -> Op:
        return Op("set_status", self._layer(status=str(self.status)))


class LoggedStep(ProjectCommand):
    """An undo step of an earlier session of the window, rebuilt from the operation log (already done)."""

    reload_all = True

    def __init__(self, session: Session, step: actions.Step):
        self.step = step
        QUndoCommand.__init__(self, step.description or step.forward.name.replace("_", " "))
        self.session = session
        self.doc_id = step.document or ""
        self.annotator = session.annotator
        self._first = True
        self.forward, self.backward = step.forward, step.backward

    def _show(self, focus: ItemKey | None, what: str) -> None:
        if self.forward.name == "restore":  # a bulk step: every window re-reads what it names
            layers = frozenset((d, a) for d, a, _ in self.forward.args["target"]["layers"])
            scheme = self.forward.args["target"].get("scheme") is not None
            project = str(self.project.path.resolve())
            change_hub().changed.emit(operations.Changes(self.text(), layers, scheme, project=project))
        elif self.doc_id:
            self.session.after_change(self.doc_id, None, [], True)
        self._tell(f"{what}: {self.text()}")


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
