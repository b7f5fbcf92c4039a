"""Undoable event, stance, note and flag actions (see `commands` for the pattern: work done at creation, events
and arguments found by offsets and type, since undoing a deletion re-creates them under new ids)."""

from __future__ import annotations

from annotator.core.model import Argument
from annotator.gui.article import EVENT, EVENT_SUGGESTION, ItemKey
from annotator.gui.commands import ProjectCommand, Session, find_event


# -- events ----------------------------------------------------------------------------------------------------
class EventCommand(ProjectCommand):
    reload_all = True

    def _event_id(self, start: int, end: int, type_: str) -> int | None:
        return find_event(self.project, self.doc_id, self.annotator, start, end, type_)


class AddEvent(EventCommand):
    """A new event (from a selection + E + type key, or accepting a suggested event with its arguments)."""

    def __init__(
        self, session: Session, doc_id: str, type_: str, start: int, end: int, arguments=(), source="manual", text=""
    ):
        self.type, self.start, self.end = type_, start, end
        self.arguments = tuple(Argument(a.role, a.start, a.end) for a in arguments)
        self.source = source
        super().__init__(session, doc_id, text or f"Add event {type_}")

    def _do(self) -> None:
        self.project.add_event(
            self.doc_id, self.annotator, self.type, self.start, self.end, self.arguments, source=self.source
        )

    def _undo(self) -> None:
        event_id = self._event_id(self.start, self.end, self.type)
        if event_id is not None:
            self.project.delete_event(event_id)

    def focus_after_do(self) -> ItemKey:
        return (EVENT, self.start, self.end, self.type)

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)]


class DeleteEvent(EventCommand):
    def __init__(self, session: Session, doc_id: str, event):
        self.event = event
        super().__init__(session, doc_id, f"Delete event {event.type}")

    def _do(self) -> None:
        e = self.event
        event_id = self._event_id(e.trigger_start, e.trigger_end, e.type)
        if event_id is not None:
            self.project.delete_event(event_id)

    def _undo(self) -> None:
        e = self.event
        args = tuple(Argument(a.role, a.start, a.end) for a in e.arguments)
        self.project.add_event(self.doc_id, self.annotator, e.type, e.trigger_start, e.trigger_end, args, e.source)

    def focus_after_do(self) -> ItemKey:
        return (EVENT, self.event.trigger_start, self.event.trigger_end, self.event.type)

    focus_after_undo = focus_after_do

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.event.trigger_start, self.event.trigger_end)]


class SetEventType(EventCommand):
    def __init__(self, session: Session, doc_id: str, start: int, end: int, old: str, new: str):
        self.start, self.end, self.old, self.new = start, end, old, new
        super().__init__(session, doc_id, f"Event type {old} → {new}")

    def _set(self, old: str, new: str) -> None:
        event_id = self._event_id(self.start, self.end, old)
        if event_id is not None:
            self.project.set_event_type(event_id, new)

    def _do(self) -> None:
        self._set(self.old, self.new)

    def _undo(self) -> None:
        self._set(self.new, self.old)

    def focus_after_do(self) -> ItemKey:
        return (EVENT, self.start, self.end, self.new)

    def focus_after_undo(self) -> ItemKey:
        return (EVENT, self.start, self.end, self.old)

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)]


class ToggleArgument(EventCommand):
    """Attach a text span as a role's argument of an event, or detach it if it already fills that role."""

    def __init__(self, session: Session, doc_id: str, event_key: tuple[int, int, str], role: str, start: int, end: int):
        self.event_key, self.role, self.start, self.end = event_key, role, start, end
        self.added = True
        super().__init__(session, doc_id, f"Argument {role}")

    def _argument_id(self, event_id: int) -> int | None:
        event = self.project.event(event_id)
        return next(
            (a.id for a in event.arguments if (a.role, a.start, a.end) == (self.role, self.start, self.end)), None
        )

    def _toggle(self, add: bool) -> None:
        event_id = self._event_id(*self.event_key)
        if event_id is None:
            return
        existing = self._argument_id(event_id)
        if add and existing is None:
            self.project.add_argument(event_id, self.role, self.start, self.end)
        elif not add and existing is not None:
            self.project.remove_argument(event_id, existing)

    def _do(self) -> None:
        if self._first:  # decide once whether this press attaches or detaches
            event_id = self._event_id(*self.event_key)
            self.added = event_id is None or self._argument_id(event_id) is None
        self._toggle(self.added)

    def _undo(self) -> None:
        self._toggle(not self.added)

    # the focus stays on the filler (Tab on to the next one); the event stays active, its arguments framed

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.start, self.end), self.event_key[:2]]


class RejectEvent(EventCommand):
    def __init__(self, session: Session, doc_id: str, start: int, end: int, type_: str):
        self.start, self.end, self.type = start, end, type_
        super().__init__(session, doc_id, f"Reject suggested event {type_}")

    def _do(self) -> None:
        self.project.reject_suggestion(self.doc_id, self.annotator, "event", self.start, self.end, self.type)

    def _undo(self) -> None:
        self.project.unreject_suggestion(self.doc_id, self.annotator, "event", self.start, self.end, self.type)

    def focus_after_do(self) -> ItemKey:
        return (EVENT_SUGGESTION, self.start, self.end, self.type)

    focus_after_undo = focus_after_do

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)]


# -- stance, notes, flags ----------------------------------------------------------------------------------------
class SetStance(ProjectCommand):
    reload_all = True

    def __init__(self, session: Session, doc_id: str, target: str, value: str | None):
        self.target, self.value = target, value
        self.previous: str | None = None
        super().__init__(session, doc_id, f"Stance {target}: {value or 'not set'}")

    def _do(self) -> None:
        self.previous = self.project.set_stance(self.doc_id, self.annotator, self.target, self.value)

    def _undo(self) -> None:
        self.project.set_stance(self.doc_id, self.annotator, self.target, self.previous)


class ToggleEvidence(ProjectCommand):
    """Cite a quote as evidence for a stance target (or remove it if it is cited already)."""

    reload_all = True

    def __init__(self, session: Session, doc_id: str, target: str, start: int, end: int):
        self.target, self.start, self.end = target, start, end
        self.added = True
        super().__init__(session, doc_id, f"Evidence for {target}")

    def _cited(self) -> bool:
        evidence = self.project.annotation(self.doc_id, self.annotator).stance_evidence.get(self.target, [])
        return any((e.start, e.end) == (self.start, self.end) for e in evidence)

    def _toggle(self, add: bool) -> None:
        if add and not self._cited():
            self.project.add_stance_evidence(self.doc_id, self.annotator, self.target, self.start, self.end)
        elif not add and self._cited():
            self.project.remove_stance_evidence(self.doc_id, self.annotator, self.target, self.start, self.end)

    def _do(self) -> None:
        if self._first:
            self.added = not self._cited()
        self._toggle(self.added)

    def _undo(self) -> None:
        self._toggle(not self.added)

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)]


class SetNote(ProjectCommand):
    reload_all = True

    def __init__(self, session: Session, doc_id: str, note: str):
        self.note, self.previous = note, ""
        super().__init__(session, doc_id, "Edit note")

    def _do(self) -> None:
        self.previous = self.project.set_note(self.doc_id, self.annotator, self.note)

    def _undo(self) -> None:
        self.project.set_note(self.doc_id, self.annotator, self.previous)


class SetFlags(ProjectCommand):
    reload_all = True

    def __init__(self, session: Session, doc_id: str, flags: list[str]):
        self.flags, self.previous = sorted(set(flags)), []
        super().__init__(session, doc_id, "Flags: " + (", ".join(self.flags) or "none"))

    def _do(self) -> None:
        self.previous = self.project.set_flags(self.doc_id, self.annotator, self.flags)

    def _undo(self) -> None:
        self.project.set_flags(self.doc_id, self.annotator, self.previous)
