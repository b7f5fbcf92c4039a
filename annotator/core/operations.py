"""Undoable bulk operations: review decisions, scheme edits, merges, accept-all.

The window's single-key actions are small Project mutations whose inverse is another small mutation (see
`annotator.gui.commands`). Operations that rewrite whole layers or the scheme are recorded here instead: `record`
runs the work in one transaction and captures the state it may change (the named layers with their rejected
suggestions, the scheme, the set of articles) before and after. The returned `Changes` says what changed, and
`undo`/`redo` restore one capture or the other, each again in one transaction. Captures are whole layers, so
undo and redo are exact whatever the work did; the undo stack is last-in-first-out, so the layers are as `after`
left them when `undo` runs (a layer another process changed meanwhile is overwritten: the log says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from annotator.core.actions import Op

from annotator.core.model import Annotation, Argument, Document, Event, Evidence, Span, Status
from annotator.core.project import Project
from annotator.store import annotations as ann_store
from annotator.store import documents as doc_store
from annotator.store import operation_log
from annotator.store import suggestions as sugg_store

T = TypeVar("T")
Layer = tuple[str, str]  # (document id, annotator)


@dataclass
class Capture:
    """The state of some layers (None: no layer), their rejected suggestions, the scheme and the added articles."""

    layers: dict[Layer, Annotation | None] = field(default_factory=dict)
    rejected: dict[Layer, set[tuple[str, int, int, str]]] = field(default_factory=dict)
    scheme: str | None = None
    documents: list[Document] = field(default_factory=list)  # articles to exist (added by the work)
    renamed: tuple[str, str] | None = None  # (from, to): suggested spans' label to rename on restoring this


@dataclass
class Changes:
    """What an operation changed, and the two captures that undo and redo it."""

    description: str
    layers: frozenset[Layer]
    scheme: bool = False
    documents_added: tuple[str, ...] = ()
    renamed: tuple[str, str] | None = None  # (old, new) entity label: suggestions follow undo and redo
    project: str = ""  # the project file's resolved path: windows of other projects ignore the change
    before: Capture = field(default_factory=Capture)
    after: Capture = field(default_factory=Capture)

    def forward(self, annotator: str | None = None) -> Op:
        """The operation that redoes this change (restores `after`)."""
        return _restore_op(self.after, self.before, self.layers, annotator)

    def backward(self, annotator: str | None = None) -> Op:
        """The operation that undoes this change (restores `before`)."""
        return _restore_op(self.before, self.after, self.layers, annotator)

    def concerns(self, project: Project) -> bool:
        return self.project == str(project.path.resolve())

    @property
    def documents(self) -> frozenset[str]:
        return frozenset(doc for doc, _ in self.layers) | frozenset(self.documents_added)


def _restore_op(target: Capture, other: Capture, layers: frozenset[Layer], annotator: str | None) -> Op:
    from annotator.core.actions import Op

    docs = sorted({d for d, _ in layers})
    return Op(
        "restore",
        {
            "doc": docs[0] if len(docs) == 1 else None,
            "annotator": annotator,
            "target": capture_to_json(target),
            "other": capture_to_json(other),
        },
    )


def _capture(project: Project, layers: Iterable[Layer], scheme: bool, documents: list[Document]) -> Capture:
    db = project.db
    cap = Capture(scheme=project.scheme.to_json() if scheme else None, documents=documents)
    for doc_id, annotator in layers:
        if (doc_id, annotator) in cap.layers:
            continue
        if ann_store.has_layer(db, doc_id, annotator):
            cap.layers[(doc_id, annotator)] = ann_store.load_annotation(db, doc_id, annotator)
        else:
            cap.layers[(doc_id, annotator)] = None
        cap.rejected[(doc_id, annotator)] = sugg_store.rejected(db, doc_id, annotator)
    return cap


def record(
    project: Project,
    description: str,
    work: Callable[[], T],
    layers: Callable[[], Iterable[Layer]],
    *,
    scheme: bool = False,
    documents: bool = False,
    name: str = "operation",
    annotator: str | None = None,
    renamed: tuple[str, str] | None = None,
) -> tuple[T, Changes]:
    """Run `work` in one transaction, capturing `layers()` (asked before and after the work: the union is kept)
    and, if asked, the scheme and the set of articles, so the result can be undone and redone exactly."""
    db = project.db
    with db.atomic():
        first = list(layers())
        ids_before = set(doc_store.document_ids(db)) if documents else set()
        before = _capture(project, first, scheme, [])
        result = work()
        everything = list(dict.fromkeys([*first, *layers()]))
        added = [d for d in doc_store.document_ids(db) if d not in ids_before] if documents else []
        for layer in everything:
            if layer not in before.layers:  # a layer the work created: absent before
                before.layers[layer] = None
                before.rejected[layer] = set()
        after = _capture(project, everything, scheme, list(doc_store.iter_documents(db, added)) if added else [])
        if renamed:
            before.renamed, after.renamed = (renamed[1], renamed[0]), renamed
        changes = Changes(
            description, frozenset(everything), scheme, tuple(added), renamed, str(project.path.resolve())
        )
        changes.before, changes.after = before, after
        forward, backward = changes.forward(annotator), changes.backward(annotator)
        operation_log.record(
            db,
            name,
            annotator,
            forward.args["doc"],
            kind="do",
            description=description,
            op=forward.to_json(),
            inverse=backward.to_json(),
        )
    return result, changes


def restore_capture(project: Project, target: Capture, current: Capture) -> None:
    """Make the captured layers, scheme and articles as `target` has them (`current`: the state now)."""
    db = project.db
    if target.scheme is not None:
        from annotator.core.scheme import Scheme

        project.set_scheme(Scheme.from_json(target.scheme))
    wanted = {d.id for d in target.documents}
    missing = [d for d in target.documents if not project.has_document(d.id)]
    if missing:
        doc_store.insert_documents(db, missing)
    for (doc_id, annotator), ann in target.layers.items():
        if not project.has_document(doc_id):
            continue
        ann_store.clear_annotation(db, doc_id, annotator)
        if ann is not None:
            ann_store.write_annotation(db, ann, updated_at=ann.updated_at)
        for rejection in sugg_store.rejected(db, doc_id, annotator) - target.rejected.get((doc_id, annotator), set()):
            sugg_store.unreject(db, doc_id, annotator, *rejection)
        for rejection in target.rejected.get((doc_id, annotator), set()):
            sugg_store.reject(db, doc_id, annotator, *rejection)
    for doc in current.documents:  # articles the work added and the target state does not have
        if doc.id not in wanted:
            doc_store.delete_document(db, doc.id)
    if target.renamed is not None:  # suggestions follow a label rename (and its undo)
        sugg_store.rename_label(db, *target.renamed)


def undo(project: Project, changes: Changes, annotator: str | None = None) -> None:
    from annotator.core.actions import apply

    apply(project, changes.backward(annotator), kind="undo", description=changes.description)


def redo(project: Project, changes: Changes, annotator: str | None = None) -> None:
    from annotator.core.actions import apply

    apply(project, changes.forward(annotator), kind="redo", description=changes.description)


# -- captures as JSON: the operation log keeps them, so undo survives a restart ------------------------------------
def _annotation_json(ann: Annotation | None) -> dict | None:
    if ann is None:
        return None
    return {
        "status": str(ann.status),
        "spans": [[s.start, s.end, s.label, s.source] for s in ann.spans],
        "events": [
            [e.type, e.trigger_start, e.trigger_end, e.source, [[a.role, a.start, a.end] for a in e.arguments]]
            for e in ann.events
        ],
        "stance": ann.stance,
        "evidence": {t: [[e.start, e.end] for e in evs] for t, evs in ann.stance_evidence.items()},
        "note": ann.note,
        "flags": list(ann.flags),
        "updated_at": ann.updated_at,
    }


def _annotation_from(doc_id: str, annotator: str, data: dict | None) -> Annotation | None:
    if data is None:
        return None
    return Annotation(
        doc_id,
        annotator,
        Status.parse(data["status"]),
        [Span(s, e, label, source=source) for s, e, label, source in data["spans"]],
        [
            Event(type_, ts, te, tuple(Argument(r, a, b) for r, a, b in args), source=source)
            for type_, ts, te, source, args in data["events"]
        ],
        dict(data["stance"]),
        {t: [Evidence(s, e) for s, e in evs] for t, evs in data["evidence"].items()},
        data["note"],
        list(data["flags"]),
        data.get("updated_at"),
    )


def capture_to_json(cap: Capture) -> dict:
    return {
        "layers": [[d, a, _annotation_json(ann)] for (d, a), ann in cap.layers.items()],
        "rejected": [[d, a, sorted(map(list, r))] for (d, a), r in cap.rejected.items()],
        "scheme": cap.scheme,
        "documents": [[doc.id, doc.text, doc.meta] for doc in cap.documents],
        "renamed": list(cap.renamed) if cap.renamed else None,
    }


def capture_from_json(data: dict) -> Capture:
    return Capture(
        layers={(d, a): _annotation_from(d, a, ann) for d, a, ann in data["layers"]},
        rejected={(d, a): {tuple(x) for x in r} for d, a, r in data["rejected"]},
        scheme=data.get("scheme"),
        documents=[Document(i, t, m) for i, t, m in data.get("documents", [])],
        renamed=tuple(data["renamed"]) if data.get("renamed") else None,
    )
