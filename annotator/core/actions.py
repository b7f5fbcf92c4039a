"""Every change a window makes, as one operation: a name and JSON arguments, applied in one transaction, logged
with its inverse, and returning that inverse.

    inverse = apply(project, op)        # do
    op = apply(project, inverse)        # undo: applying the inverse returns the operation again (redo)

Spans and events are named by their offsets and label or type, never by row id: undoing a deletion re-creates
them under new ids. The rules live here once: deleting a span detaches the event arguments on exactly its
offsets (and its undo reattaches them); accepting many suggestions is one transaction. Bulk operations (review
decisions, scheme edits, merges, accept-all) are `restore` operations between two captures made by
`annotator.core.operations.record`.

Each applied operation is one row of the operation log with its arguments and inverse; the window rebuilds its
undo stack from those rows when it reopens a project (`undo_history`), so undo survives a restart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.model import Argument, Event, Span, Status
from annotator.core.project import Project
from annotator.store import operation_log

UNDO_DEPTH = 100  # operations per annotator whose inverse is kept in the log (undo after a restart)
HISTORY_ROWS = 3 * UNDO_DEPTH  # log rows that keep their inverse (undos and redos are rows too)


@dataclass(frozen=True)
class Op:
    """A request to change the project: an operation name and JSON-able arguments (always `doc` and `annotator`
    for layer operations)."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"name": self.name, "args": self.args}

    @classmethod
    def from_json(cls, data: dict) -> Op:
        return cls(str(data["name"]), dict(data.get("args") or {}))


Handler = Callable[[Project, dict[str, Any]], Op]
_HANDLERS: dict[str, Handler] = {}


def _handler(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[name] = func
        return func

    return register


def apply(project: Project, op: Op, *, kind: str = "do", description: str = "") -> Op:
    """Apply `op` in one transaction, log it with its inverse, and return the inverse."""
    handler = _HANDLERS.get(op.name)
    if handler is None:
        raise AnnotatorError(f"unknown operation {op.name!r}")
    with project.db.atomic():
        with project.quiet_log():
            inverse = handler(project, op.args)
        operation_log.record(
            project.db,
            op.name,
            op.args.get("annotator"),
            op.args.get("doc"),
            kind=kind,
            description=description,
            op=op.to_json(),
            inverse=inverse.to_json(),
        )
    return inverse


# -- spans ------------------------------------------------------------------------------------------------------
def _span_op(name: str, a: dict, **extra: Any) -> Op:
    keys = ("doc", "annotator", "start", "end", "label")
    return Op(name, {k: a[k] for k in keys} | extra)


@_handler("add_span")
def _add_span(project: Project, a: dict) -> Op:
    if a.get("unreject"):
        project.unreject_suggestion(a["doc"], a["annotator"], "span", a["start"], a["end"], a["label"])
    project.add_span(a["doc"], a["annotator"], a["start"], a["end"], a["label"], source=a.get("source", "manual"))
    for trigger_start, trigger_end, type_, role in a.get("reattach", []):
        event_id = project.find_event_id(a["doc"], a["annotator"], trigger_start, trigger_end, type_)
        if event_id is not None:
            project.add_argument(event_id, role, a["start"], a["end"])
    return _span_op("delete_span", a, reject_suggestion=bool(a.get("unreject")))  # redo rejects it again


@_handler("delete_span")
def _delete_span(project: Project, a: dict) -> Op:
    found = project.find_span_id(a["doc"], a["annotator"], a["start"], a["end"], a["label"])
    if found is None:
        return Op("nothing", {"doc": a["doc"], "annotator": a["annotator"]})
    span, detached = project.remove_span(found)
    reattach = [[ts, te, type_, arg.role] for (ts, te, type_), arg in detached]
    # An annotator deleting a confirmed span that a suggestion proposed says "not this": the suggestion is
    # rejected too (else it would reappear at once); undo takes both back. (Undoing an accept does not reject.)
    rejected = (
        bool(a.get("reject_suggestion"))
        and project.has_suggested_span(a["doc"], a["start"], a["end"], a["label"])
        and (
            "span",
            a["start"],
            a["end"],
            a["label"],
        )
        not in project.rejected(a["doc"], a["annotator"])
    )
    if rejected:
        project.reject_suggestion(a["doc"], a["annotator"], "span", a["start"], a["end"], a["label"])
    return _span_op("add_span", a, source=span.source, reattach=reattach, unreject=rejected)


@_handler("relabel_span")
def _relabel_span(project: Project, a: dict) -> Op:
    found = project.find_span_id(a["doc"], a["annotator"], a["start"], a["end"], a["label"])
    if found is not None:
        project.relabel_span(found, a["new"])
    return Op("relabel_span", {**a, "label": a["new"], "new": a["label"]})


@_handler("nothing")
def _nothing(project: Project, a: dict) -> Op:
    return Op("nothing", a)


# -- suggestions ------------------------------------------------------------------------------------------------
@_handler("reject")
def _reject(project: Project, a: dict) -> Op:
    project.reject_suggestion(a["doc"], a["annotator"], a["kind"], a["start"], a["end"], a["label"])
    return Op("unreject", a)


@_handler("unreject")
def _unreject(project: Project, a: dict) -> Op:
    project.unreject_suggestion(a["doc"], a["annotator"], a["kind"], a["start"], a["end"], a["label"])
    return Op("reject", a)


# -- events -----------------------------------------------------------------------------------------------------
def _arguments(raw: list) -> tuple[Argument, ...]:
    return tuple(Argument(role, start, end) for role, start, end in raw)


@_handler("add_event")
def _add_event(project: Project, a: dict) -> Op:
    project.add_event(
        a["doc"], a["annotator"], a["type"], a["start"], a["end"], _arguments(a.get("arguments", [])), a["source"]
    )
    return Op("delete_event", {k: a[k] for k in ("doc", "annotator", "type", "start", "end")})


@_handler("delete_event")
def _delete_event(project: Project, a: dict) -> Op:
    found = project.find_event_id(a["doc"], a["annotator"], a["start"], a["end"], a["type"])
    if found is None:
        return Op("nothing", {"doc": a["doc"], "annotator": a["annotator"]})
    event = project.delete_event(found)
    arguments = [[x.role, x.start, x.end] for x in event.arguments]
    return Op("add_event", {**a, "arguments": arguments, "source": event.source})


@_handler("set_event_type")
def _set_event_type(project: Project, a: dict) -> Op:
    found = project.find_event_id(a["doc"], a["annotator"], a["start"], a["end"], a["type"])
    if found is not None:
        project.set_event_type(found, a["new"])
    return Op("set_event_type", {**a, "type": a["new"], "new": a["type"]})


@_handler("add_argument")
def _add_argument(project: Project, a: dict) -> Op:
    found = project.find_event_id(a["doc"], a["annotator"], *a["event"])
    if found is not None:
        event = project.event(found)
        if not any((x.role, x.start, x.end) == (a["role"], a["start"], a["end"]) for x in event.arguments):
            project.add_argument(found, a["role"], a["start"], a["end"])
    return Op("remove_argument", a)


@_handler("remove_argument")
def _remove_argument(project: Project, a: dict) -> Op:
    found = project.find_event_id(a["doc"], a["annotator"], *a["event"])
    if found is not None:
        event = project.event(found)
        for x in event.arguments:
            if (x.role, x.start, x.end) == (a["role"], a["start"], a["end"]) and x.id is not None:
                project.remove_argument(found, x.id)
                break
    return Op("add_argument", a)


# -- stance, evidence, status, note, flags ----------------------------------------------------------------------
@_handler("set_stance")
def _set_stance(project: Project, a: dict) -> Op:
    previous = project.set_stance(a["doc"], a["annotator"], a["target"], a["value"])
    return Op("set_stance", {**a, "value": previous})


@_handler("add_evidence")
def _add_evidence(project: Project, a: dict) -> Op:
    project.add_stance_evidence(a["doc"], a["annotator"], a["target"], a["start"], a["end"])
    return Op("remove_evidence", a)


@_handler("remove_evidence")
def _remove_evidence(project: Project, a: dict) -> Op:
    project.remove_stance_evidence(a["doc"], a["annotator"], a["target"], a["start"], a["end"])
    return Op("add_evidence", a)


@_handler("set_status")
def _set_status(project: Project, a: dict) -> Op:
    previous = project.set_status(a["doc"], a["annotator"], Status.parse(a["status"]))
    return Op("set_status", {**a, "status": str(previous)})


@_handler("set_note")
def _set_note(project: Project, a: dict) -> Op:
    previous = project.set_note(a["doc"], a["annotator"], a["note"])
    return Op("set_note", {**a, "note": previous})


@_handler("set_flags")
def _set_flags(project: Project, a: dict) -> Op:
    previous = project.set_flags(a["doc"], a["annotator"], a["flags"])
    return Op("set_flags", {**a, "flags": sorted(previous)})


# -- bulk: restoring captures -----------------------------------------------------------------------------------
@_handler("restore")
def _restore(project: Project, a: dict) -> Op:
    from annotator.core.operations import capture_from_json, restore_capture

    restore_capture(project, capture_from_json(a["target"]), capture_from_json(a["other"]))
    return Op("restore", {**a, "target": a["other"], "other": a["target"]})


# -- constructors the window uses --------------------------------------------------------------------------------
def add_span(doc: str, annotator: str, span: Span) -> Op:
    return Op(
        "add_span",
        {
            "doc": doc,
            "annotator": annotator,
            "start": span.start,
            "end": span.end,
            "label": span.label,
            "source": span.source,
        },
    )


def add_event(doc: str, annotator: str, event: Event) -> Op:
    return Op(
        "add_event",
        {
            "doc": doc,
            "annotator": annotator,
            "type": event.type,
            "start": event.trigger_start,
            "end": event.trigger_end,
            "arguments": [[x.role, x.start, x.end] for x in event.arguments],
            "source": event.source,
        },
    )


# -- undo after a restart -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One undoable step of an annotator's history: what was done, what undoes it, and how it was described."""

    forward: Op
    backward: Op
    description: str
    document: str | None


def undo_history(project: Project, annotator: str, depth: int = UNDO_DEPTH) -> list[Step]:
    """The annotator's undo stack as their log leaves it (oldest first): every `do` pushes, `undo` pops, `redo`
    pushes again; at most `depth` steps. Redo steps do not survive a restart."""
    stack: list[Step] = []
    # older rows than the pruning keeps carry no inverse: they could only empty the stack (see prune_history)
    for kind, detail in operation_log.history(project.db, annotator, HISTORY_ROWS):
        if kind == "undo":
            if stack:
                stack.pop()
            continue
        if "op" not in detail or "inverse" not in detail:
            stack.clear()  # a step whose inverse was pruned: nothing before it can be undone in order
            continue
        stack.append(
            Step(
                Op.from_json(detail["op"]),
                Op.from_json(detail["inverse"]),
                detail.get("description", ""),
                detail["op"].get("args", {}).get("doc"),
            )
        )
    return stack[-depth:]


def prune_history(project: Project, annotator: str) -> None:
    """Forget the inverses (and bulky arguments) of the annotator's operations older than the last HISTORY_ROWS,
    so the log stays small; the rows themselves stay (they are the coding-effort record)."""
    operation_log.prune(project.db, annotator, HISTORY_ROWS)


def describe(op: Op) -> str:
    return json.dumps(op.to_json(), ensure_ascii=False)[:200]
