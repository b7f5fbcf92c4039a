"""The annotation session: the open article of one annotator's layer, the focused item, and every action on it.

Widgets stay thin: the article view and the span panel show what the session holds; keys and menus call its
methods; every change goes through an undoable command (one Project mutation, one commit), after which the session
re-reads the article's layer and repaints only what changed.
"""

from __future__ import annotations

import contextlib
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor, QTextCursor, QUndoStack

from annotator.core import actions
from annotator.core.errors import AnnotatorError, ProjectBusyError
from annotator.core.model import Argument, Event, Span, Status
from annotator.core.project import Project
from annotator.core.words import word_at
from annotator.gui import commands, event_commands
from annotator.gui.article import (
    EVENT,
    EVENT_SUGGESTION,
    SPAN,
    ArticleState,
    Item,
    ItemKey,
    accepted_source,
)
from annotator.gui.article_view import ArticleView
from annotator.gui.key_sequences import KeySequences

BUSY_GIVE_UP_SECONDS = 60.0  # an action still not written after this long is dropped, and the user told so


class Session(KeySequences, QObject):
    article_opened = Signal(str)  # document id
    layer_changed = Signal(str)  # document id whose layer (spans, status...) changed
    focus_changed = Signal(object)  # Item or None
    active_changed = Signal()  # the active event changed (its arguments are framed in the view)
    prompt = Signal(str)  # what the next key chooses in a key sequence (event type, role, stance), or ""
    message = Signal(str)  # a short explanation for the status bar

    def __init__(self, project: Project, annotator: str, view: ArticleView, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.annotator = annotator
        self.view = view
        self.undo_stack = QUndoStack(self)
        self.state: ArticleState | None = None
        self.focus_key: ItemKey | None = None
        self.readonly = project.readonly
        self.active_event: tuple[int, int, str] | None = None  # the event roles attach to
        self.mode: str | None = None  # a key sequence in progress: event_type, role, stance_target, stance_value
        self.pending: dict = {}
        self.stance_target: str | None = None  # the stance panel's current target
        self._waiting: list = []  # actions waiting for a busy project file, in order
        self.show_all_arguments = False  # View > Show all events' arguments
        self._busy_since = 0.0
        self._retry_timer = QTimer(self, interval=300)
        self._retry_timer.timeout.connect(self._retry_waiting)

    @property
    def doc_id(self) -> str | None:
        return self.state.document.id if self.state else None

    # -- opening ---------------------------------------------------------------------------------------------
    def open_document(self, doc_id: str) -> None:
        self.state = ArticleState.load(self.project, doc_id, self.annotator)
        self.focus_key = None
        self.active_event = None
        self.cancel_mode()
        self.view.show_article(self.state.document.text, self.state.items, self.colors())
        if not self.readonly:
            # a busy or read-only file: remembering the place is not worth a message
            with contextlib.suppress(AnnotatorError):
                self.project.set_last_document(self.annotator, doc_id)
        self._show_event_arguments()  # evidence marks, and every event's arguments when that is on
        self.article_opened.emit(doc_id)
        self.focus_changed.emit(None)

    def reload_suggestions(self, *, notify: bool = True) -> bool:
        """New suggestions may have been committed for the open article (by the suggestion process): repaint
        what changed. Returns False, having repainted nothing, when nothing did (the common case at the end of
        a run), so the window keeps its event loop free. notify=False: the caller refreshes the panels itself."""
        if self.state is None:
            return False
        before = {i.key for i in self.state.items}
        events_before = self.state.suggested_events
        self.state.reload(self.project, self.annotator)
        after = {i.key for i in self.state.items}
        changed = before ^ after
        if not changed and self.state.suggested_events == events_before:
            return False
        dirty = [(k[1], k[2]) for k in changed]
        self._repaint(dirty)
        if notify:
            self.layer_changed.emit(self.state.document.id)
        return True

    def refresh_from_file(self, *, scheme_changed: bool = False) -> bool:
        """Another connection committed (another process, a merge): re-read the open article's layer, suggestions,
        stance, note and status, and repaint only the items that came or went. The focus stays on its item while
        that exists; an item that vanished leaves nothing focused, so the next X or A never acts on something the
        user no longer sees. Returns whether anything shown changed (the caller then refreshes the panels)."""
        state = self.state
        if state is None:
            return False
        before = _shown(state)
        keys_before = {i.key for i in state.items}
        state.reload(self.project, self.annotator)
        if not scheme_changed and _shown(state) == before:
            return False
        if scheme_changed:  # new colours (or labels whose suggestions now show): paint the article afresh
            self._reshow()
        else:
            dirty = [(k[1], k[2]) for k in keys_before ^ {i.key for i in state.items}]
            if dirty:
                self._repaint(dirty)
        focused = state.item(self.focus_key)
        if focused is None and self.focus_key is not None:
            self.focus_key = None
            self.view.set_focus_item(None)
            self.focus_changed.emit(None)
        elif focused is not None:
            self.view.set_focus_item(focused, scroll=False)  # an equal item may now carry another id or source
        self._show_event_arguments()
        return True

    def colors(self) -> dict[str, str]:
        scheme = self.project.scheme
        return {e.label: e.color for e in scheme.entities} | {e.type: e.color for e in scheme.events}

    def _reshow(self) -> None:
        """Paint the open article again, keeping the caret, the selection and the scroll position."""
        assert self.state is not None
        view = self.view
        scroll = view.verticalScrollBar().value()
        cursor = view.textCursor()
        anchor, position = cursor.anchor(), cursor.position()
        view.show_article(self.state.document.text, self.state.items, self.colors())
        cursor = view.textCursor()
        cursor.setPosition(anchor)
        cursor.setPosition(position, QTextCursor.KeepAnchor)
        view.setTextCursor(cursor)
        view.verticalScrollBar().setValue(scroll)

    # -- called by commands after each do/undo/redo ------------------------------------------------------------
    def after_change(
        self, doc_id: str, focus: ItemKey | None, dirty: list[tuple[int, int]], reload_all: bool = False
    ) -> None:
        if self.state is None or self.state.document.id != doc_id:
            self.open_document(doc_id)  # undo across articles shows the article it changed
            dirty = []
        else:
            if reload_all:  # repaint what the command names and every item that came or went
                before = {i.key for i in self.state.items}
                self.state.reload(self.project, self.annotator)
                dirty = dirty + [(k[1], k[2]) for k in before ^ {i.key for i in self.state.items}]
            else:
                self.state.refresh(self.project, self.annotator, dirty)
            self._repaint(dirty)
        if focus is not None:
            self._set_focus(focus)
        else:
            self._show_event_arguments()
        self.layer_changed.emit(doc_id)

    def _repaint(self, dirty: list[tuple[int, int]]) -> None:
        assert self.state is not None
        to_qt = self.state.positions.to_qt
        self.view.update_items(self.state.items, [(to_qt(a), to_qt(b)) for a, b in dirty])

    # -- focus -----------------------------------------------------------------------------------------------
    def focused(self) -> Item | None:
        return self.state.item(self.focus_key) if self.state else None

    def _set_focus(self, key: ItemKey | None, *, scroll: bool = True) -> None:
        """Focus an item; a key that no longer exists (rejected, deleted) focuses the next one in the text."""
        assert self.state is not None
        item = self.state.item(key)
        if item is None and key is not None and self.state.items:
            i = self.state.index_of(key)
            item = self.state.items[i] if i < len(self.state.items) else None
        self.focus_key = item.key if item else None
        if item is not None and item.kind == EVENT:
            self.active_event = (item.start, item.end, item.label)
        elif item is not None and item.kind == EVENT_SUGGESTION:
            self.active_event = None
        self.view.set_focus_item(item, scroll=scroll)
        self._show_event_arguments()
        self.focus_changed.emit(item)

    def _show_event_arguments(self) -> None:
        """Frame the arguments of the active (or focused suggested) event, each tagged with its role."""
        assert self.state is not None
        focused = self.focused()
        event = None
        if focused is not None and focused.kind == EVENT_SUGGESTION:
            event = self.state.event_of(focused)
        elif self.active_event is not None:
            event = next(
                (e for e in self.state.events if (e.trigger_start, e.trigger_end, e.type) == self.active_event), None
            )
            if event is None:
                self.active_event = None
        to_qt = self.state.positions.to_qt
        shown = [event] if event is not None else []
        if self.show_all_arguments:  # every event's arguments at once, each event in its colour
            shown += [e for e in self.state.events if e is not event]
        ranges = [
            (to_qt(a.start), to_qt(a.end), a.role, QColor(self.project.scheme.color(e.type)))
            for e in shown
            for a in e.arguments
        ]
        self.view.set_highlights(ranges)
        # stance evidence is marked in the text, tagged with its target
        self.view.set_evidence(
            [
                (to_qt(ev.start), to_qt(ev.end), f"❝ {target}")
                for target, quotes in self.state.stance_evidence.items()
                for ev in quotes
            ]
        )
        self.active_changed.emit()

    def set_show_all_arguments(self, on: bool) -> None:
        self.show_all_arguments = on
        if self.state is not None:
            self._show_event_arguments()

    def focus_item(self, key: ItemKey | None) -> None:
        if self.state is not None:
            self._set_focus(key)

    def focus_step(self, step: int) -> None:
        """Tab / Shift+Tab: the next or previous span or suggestion, from the focus or the caret."""
        if self.state is None or not self.state.items:
            return
        items = self.state.items
        current = self.focused()
        if current is not None:
            i = items.index(current) + step
        else:
            caret = self.state.positions.to_core(self.view.textCursor().position())
            after = [k for k, it in enumerate(items) if it.start >= caret]
            i = after[0] if after and step > 0 else (after[0] - 1 if after else len(items) - 1)
        self._set_focus(items[i % len(items)].key)

    # -- actions ---------------------------------------------------------------------------------------------
    def _writable(self) -> bool:
        if self.readonly:
            self.message.emit("This project is open read-only: changes are not possible.")
            return False
        return self.state is not None

    def _push(self, make) -> bool:
        """Do an action (a command does its work when made) and put it on the undo stack. If another program
        holds the file's write lock, the action waits in a queue, retried in the background, and is shown only
        once written; later actions wait behind it so they are written in order. False when the action failed
        (a full disk, a file that became read-only...): the reason is in the status bar, nothing was done."""
        if self._waiting:
            self._waiting.append(make)
            self.message.emit(f"Waiting for the project file: {len(self._waiting)} action(s) not saved yet…")
            return True
        try:
            self.undo_stack.push(make())
        except ProjectBusyError:
            self._waiting.append(make)
            self._busy_since = time.monotonic()
            self._retry_timer.start()
            self.message.emit(
                "The project file is busy (another program is writing to it): your change is saved as soon as "
                "it is free…"
            )
        except AnnotatorError as exc:
            self.message.emit(str(exc))
            return False
        return True

    def _retry_waiting(self) -> None:
        while self._waiting:
            make = self._waiting[0]
            try:
                self.undo_stack.push(make())
            except ProjectBusyError as exc:
                if time.monotonic() - self._busy_since > BUSY_GIVE_UP_SECONDS:
                    lost = len(self._waiting)
                    self._waiting.clear()
                    self._retry_timer.stop()
                    self.message.emit(f"{lost} action(s) could not be saved and were not done: {exc}")
                return
            except AnnotatorError as exc:
                self.message.emit(str(exc))
            self._waiting.pop(0)
        self._retry_timer.stop()
        self.message.emit("Saved: the project file is free again.")

    def restore_history(self) -> None:
        """Put the annotator's last steps, as the operation log keeps them, back on the undo stack: undo survives
        closing the window (or a crash). Older steps' inverses are pruned from the log here."""
        if self.readonly:
            return
        try:
            steps = actions.undo_history(self.project, self.annotator)
            actions.prune_history(self.project, self.annotator)
        except AnnotatorError:
            return  # a busy or damaged file: start with an empty undo stack
        for step in steps:
            self.undo_stack.push(commands.LoggedStep(self, step))

    @property
    def waiting(self) -> int:
        """Actions not yet written because the file is busy."""
        return len(self._waiting)

    def label_key(self, label: str) -> None:
        """A label key: a new span from the selection (or the word at the caret), else relabel the focused item."""
        if not self._writable():
            return
        assert self.state is not None
        text = self.state.document.text
        start, end = self._snapped_selection()
        focused = self.focused()
        if start == end and focused is not None:
            if focused.is_event:
                self.message.emit("An event trigger has a type, not a label: press E to change its type.")
                return None
            return self.relabel(focused, label)
        if start == end:
            word = word_at(text, start)
            if word is None:
                self.message.emit("Select some text (or Tab to a span) before pressing a label key.")
                return
            start, end = word
        doc_id = self.state.document.id
        existing = self.state.find_span(start, end, label)
        if existing is not None:
            self._set_focus(existing.key)
            return
        self._push(lambda: commands.AddSpan(self, doc_id, Span(start, end, label, source="manual")))

    def relabel(self, item: Item, label: str) -> None:
        assert self.state is not None
        doc_id = self.state.document.id
        if item.kind == SPAN:
            if item.label != label:
                span = Span(item.start, item.end, item.label, source=item.source)
                self._push(lambda: commands.RelabelSpan(self, doc_id, span, label))
                shown = " ".join(self.state.document.text[item.start : item.end].split())[:40]
                self.message.emit(f"Relabelled “{shown}”: {item.label} → {label}   (Ctrl+Z to undo)")
        else:  # a suggestion with another label: accept it as that label
            span = Span(item.start, item.end, label, source=item.source or "model")
            self._push(lambda: commands.AddSpan(self, doc_id, span, "Accept suggestion as"))

    def accept_focused(self) -> None:
        item = self.focused()
        if not self._writable() or item is None or item.confirmed:
            return
        assert self.state is not None
        doc_id = self.state.document.id
        if item.kind == EVENT_SUGGESTION:
            event = self.state.event_of(item)
            self._push(
                lambda: event_commands.AddEvent(
                    self,
                    doc_id,
                    item.label,
                    item.start,
                    item.end,
                    self._fitting(event),
                    accepted_source(event),
                    "Accept suggested event",
                )
            )
            return
        span = Span(item.start, item.end, item.label, source=item.source or "model")
        self._push(lambda: commands.AddSpan(self, doc_id, span, "Accept suggestion"))
        self._focus_next_suggestion(item)

    def _focus_next_suggestion(self, after: Item) -> None:
        """Keep the keyboard flow going: after accepting or rejecting, focus the next open suggestion."""
        assert self.state is not None
        nxt = next((i for i in self.state.suggestions() if (i.start, i.end) > (after.start, after.end)), None)
        if nxt is not None:
            self._set_focus(nxt.key)

    def reject_or_delete(self) -> None:
        item = self.focused()
        if not self._writable() or item is None:
            return
        assert self.state is not None
        doc_id = self.state.document.id
        span = Span(item.start, item.end, item.label, source=item.source)
        if item.kind == EVENT:
            event = self.state.event_of(item)
            self._push(lambda: event_commands.DeleteEvent(self, doc_id, event))
        elif item.kind == EVENT_SUGGESTION:
            self._push(lambda: event_commands.RejectEvent(self, doc_id, item.start, item.end, item.label))
        elif item.kind == SPAN:
            self._push(lambda: commands.DeleteSpan(self, doc_id, span))
        else:
            self._push(lambda: commands.RejectSuggestion(self, doc_id, span))
            self._focus_next_suggestion(item)

    def accept_all(self) -> None:
        if not self._writable():
            return
        assert self.state is not None
        spans = [Span(i.start, i.end, i.label, source=i.source or "model") for i in self.state.suggestions()]
        # Two suggestions on the same offsets would both be 'open'; accept the first label only.
        seen: set[tuple[int, int]] = set()
        spans = [s for s in spans if (s.start, s.end) not in seen and not seen.add((s.start, s.end))]
        events = [e for e in self.state.suggested_events if self.project.scheme.event(e.type)]
        if not spans and not events:
            self.message.emit("No open suggestions in this article.")
            return
        doc_id = self.state.document.id
        fitted = [
            Event(
                e.type,
                e.trigger_start,
                e.trigger_end,
                tuple(Argument(a.role, a.start, a.end) for a in self._fitting(e)),
                source=accepted_source(e),
            )
            for e in events
        ]
        self._push(lambda: commands.AcceptAll(self, doc_id, spans, fitted))

    def mark_done(self) -> bool:
        if not self._writable():
            return False
        assert self.state is not None
        doc_id = self.state.document.id
        self._push(lambda: commands.SetStatus(self, doc_id, Status.DONE))
        return not self._waiting  # waiting for a busy file: stay on the article until it is written

    def clear_selection_and_focus(self) -> None:
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        if self.state is not None:
            self.active_event = None
            self._set_focus(None, scroll=False)


def _shown(state: ArticleState) -> tuple:
    """Everything of the article's layer the window shows (the items carry their ids and sources)."""
    return (
        state.items,
        state.events,
        state.suggested_events,
        state.stance,
        state.stance_evidence,
        state.note,
        state.flags,
        state.status,
    )
