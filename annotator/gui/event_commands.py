"""Undoable event, stance, note and flag actions (see `commands` for the pattern: one core operation and its
inverse; events are named by their trigger offsets and type, since undoing a deletion re-creates them)."""

from __future__ import annotations

from annotator.core import actions
from annotator.core.actions import Op
from annotator.core.model import Argument, Event
from annotator.gui.article import EVENT, EVENT_SUGGESTION, ItemKey
from annotator.gui.commands import ProjectCommand, Session


# -- events ----------------------------------------------------------------------------------------------------
class EventCommand(ProjectCommand):
    reload_all = True


class AddEvent(EventCommand):
    """A new event (from a selection + E + type key, or accepting a suggested event with its arguments)."""

    def __init__(
        self, session: Session, doc_id: str, type_: str, start: int, end: int, arguments=(), source="manual", text=""
    ):
        self.type, self.start, self.end = type_, start, end
        self.arguments = tuple(Argument(a.role, a.start, a.end) for a in arguments)
        self.source = source
        super().__init__(session, doc_id, text or f"Add event {type_}")

    def operation(self) -> Op:
        event = Event(self.type, self.start, self.end, self.arguments, source=self.source)
        return actions.add_event(self.doc_id, self.annotator, event)

    def focus_after_do(self) -> ItemKey:
        return (EVENT, self.start, self.end, self.type)

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)]


class DeleteEvent(EventCommand):
    def __init__(self, session: Session, doc_id: str, event):
        self.event = event
        super().__init__(session, doc_id, f"Delete event {event.type}")

    def operation(self) -> Op:
        e = self.event
        return Op("delete_event", self._layer(type=e.type, start=e.trigger_start, end=e.trigger_end))

    def focus_after_do(self) -> ItemKey:
        return (EVENT, self.event.trigger_start, self.event.trigger_end, self.event.type)

    focus_after_undo = focus_after_do

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.event.trigger_start, self.event.trigger_end)]


class SetEventType(EventCommand):
    def __init__(self, session: Session, doc_id: str, start: int, end: int, old: str, new: str):
        self.start, self.end, self.old, self.new = start, end, old, new
        super().__init__(session, doc_id, f"Event type {old} → {new}")

    def operation(self) -> Op:
        return Op("set_event_type", self._layer(type=self.old, start=self.start, end=self.end, new=self.new))

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
        super().__init__(session, doc_id, f"Argument {role}")

    def operation(self) -> Op:
        # decided once, when pressed: attach, or detach what is already attached
        event_id = self.project.find_event_id(self.doc_id, self.annotator, *self.event_key)
        attached = event_id is not None and any(
            (a.role, a.start, a.end) == (self.role, self.start, self.end)
            for a in self.project.event(event_id).arguments
        )
        name = "remove_argument" if attached else "add_argument"
        return Op(name, self._layer(event=list(self.event_key), role=self.role, start=self.start, end=self.end))

    # the focus stays on the filler (Tab on to the next one); the event stays active, its arguments framed

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.start, self.end), self.event_key[:2]]


class RejectEvent(EventCommand):
    def __init__(self, session: Session, doc_id: str, start: int, end: int, type_: str):
        self.start, self.end, self.type = start, end, type_
        super().__init__(session, doc_id, f"Reject suggested event {type_}")

    def operation(self) -> Op:
        return Op("reject", self._layer(kind="event", start=self.start, end=self.end, label=self.type))

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
        super().__init__(session, doc_id, f"Stance {target}: {value or 'not set'}")

    def operation(self) -> Op:
        return Op("set_stance", self._layer(target=self.target, value=self.value))


class ToggleEvidence(ProjectCommand):
    """Cite a quote as evidence for a stance target (or remove it if it is cited already)."""

    reload_all = True

    def __init__(self, session: Session, doc_id: str, target: str, start: int, end: int):
        self.target, self.start, self.end = target, start, end
        super().__init__(session, doc_id, f"Evidence for {target}")

    def operation(self) -> Op:
        cited = any(
            (e.start, e.end) == (self.start, self.end)
            for e in self.project.stance_evidence(self.doc_id, self.annotator).get(self.target, [])
        )
        name = "remove_evidence" if cited else "add_evidence"
        return Op(name, self._layer(target=self.target, start=self.start, end=self.end))

    def dirty(self) -> list[tuple[int, int]]:
        return [(self.start, self.end)]


class SetNote(ProjectCommand):
    reload_all = True

    def __init__(self, session: Session, doc_id: str, note: str):
        self.note = note
        super().__init__(session, doc_id, "Edit note")

    def operation(self) -> Op:
        return Op("set_note", self._layer(note=self.note))


class SetFlags(ProjectCommand):
    reload_all = True

    def __init__(self, session: Session, doc_id: str, flags: list[str]):
        self.flags = sorted(set(flags))
        super().__init__(session, doc_id, "Flags: " + (", ".join(self.flags) or "none"))

    def operation(self) -> Op:
        return Op("set_flags", self._layer(flags=self.flags))
