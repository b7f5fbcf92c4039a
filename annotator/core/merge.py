"""Merging other project files (each annotator's own copy) into a project, in one transaction.

Articles are matched by id and text (text hash): the same id with the same text, or else any article with the
same text. An article of another file that PROJECT lacks is reported, or added with `add_documents`. For each
(article, annotator) layer of another file:
- PROJECT has no such layer: it is copied (with its original `updated_at`);
- PROJECT has the identical work: nothing happens;
- the work differs: the more recently updated layer is kept (a tie keeps PROJECT's) and the conflict is reported.
Gold layers are layers like any other (annotator "gold"). Rejected suggestions are united (a rejection only hides a
suggestion). Cached model suggestions are not copied: they are recomputed. Other files are opened read-only; any
error (a damaged file, an invalid layer) rolls back the whole merge. Labels, event types, roles and stance
targets/values that an annotator added to their copy's scheme are added to PROJECT's scheme (and reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.model import Annotation, Document, Status
from annotator.core.project import Project
from annotator.core.scheme import scheme_from_dict
from annotator.core.validation import check_annotation
from annotator.store import annotations as ann_store
from annotator.store import documents as doc_store
from annotator.store import suggestions as sugg_store


@dataclass
class Conflict:
    file: str
    document_id: str
    annotator: str
    kept: str  # "project" or "other"
    project_updated: str | None
    other_updated: str | None


@dataclass
class MergeReport:
    files: list[str] = field(default_factory=list)
    added: list[tuple[str, str, str]] = field(default_factory=list)  # (file, document id, annotator)
    identical: list[tuple[str, str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (file, document id) not in PROJECT
    documents_added: list[tuple[str, str]] = field(default_factory=list)
    id_clashes: list[tuple[str, str]] = field(default_factory=list)  # same id, different text, text not found
    matched_by_text: list[tuple[str, str, str]] = field(default_factory=list)  # (file, other id, project id)
    rejections_added: int = 0
    scheme_added: list[str] = field(default_factory=list)  # labels etc. of other files' schemes PROJECT lacked

    @property
    def replaced(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.kept == "other"]

    def summary(self) -> str:
        parts = [
            f"merged {len(self.files)} file(s): {len(self.added)} layer(s) added",
            f"{len(self.identical)} identical",
            f"{len(self.conflicts)} conflict(s) ({len(self.replaced)} replaced by newer work)",
        ]
        if self.documents_added:
            parts.append(f"{len(self.documents_added)} document(s) added")
        if self.missing:
            parts.append(f"{len(self.missing)} document(s) missing from the project (use --add-documents)")
        if self.id_clashes:
            parts.append(f"{len(self.id_clashes)} document(s) skipped: same id, different text")
        if self.scheme_added:
            parts.append(f"added to the scheme: {', '.join(self.scheme_added)}")
        if self.rejections_added:
            parts.append(f"{self.rejections_added} rejected suggestion(s) added")
        return "; ".join(parts)


def _content(ann: Annotation) -> tuple:
    """What an annotator did, without ids and timestamps: equal contents mean identical work."""
    # a layer is stored at least "in progress" (write_annotation): not started and in progress are the same work
    status = Status.IN_PROGRESS if ann.status == Status.NOT_STARTED else ann.status
    return (
        str(status),
        sorted((s.start, s.end, s.label, s.source) for s in ann.spans),
        sorted((e.trigger_start, e.trigger_end, e.type, e.source, tuple(sorted(e.arguments))) for e in ann.events),
        sorted(ann.stance.items()),
        sorted((t, sorted(evs)) for t, evs in ann.stance_evidence.items() if evs),
        ann.note or "",
        sorted(set(ann.flags)),
    )


def _newer(other: str | None, mine: str | None) -> bool:
    """Is `other` strictly more recent than `mine`? Timestamps are ISO 8601; unparsable ones compare as text."""
    if other is None:
        return False
    if mine is None:
        return True
    try:
        return datetime.fromisoformat(other) > datetime.fromisoformat(mine)
    except ValueError:
        return other > mine


def merge_projects(project: Project, others: list[str | Path], add_documents: bool = False) -> MergeReport:
    """Bring every annotator's layers from `others` into `project`; all or nothing."""
    report = MergeReport()
    own = Path(project.path).resolve()
    scheme = project.scheme
    try:
        _merge_all(project, others, add_documents, report, own)
    except BaseException:
        project._scheme = scheme  # the transaction rolled back what the other schemes added
        raise
    return report


def _merge_all(project: Project, others: list[str | Path], add_documents: bool, report: MergeReport, own) -> None:
    db = project.db
    with db.atomic():
        for path in others:
            if Path(path).resolve() == own:
                raise ProjectError(f"{path}: is the project being merged into; name another file")
            try:
                other = Project.open(path, foreign=True)
            except AnnotatorError as exc:
                raise ProjectError(f"cannot merge {path}: {exc}") from None
            try:
                _unite_schemes(project, other, report)
                _merge_one(project, other, str(path), add_documents, report)
            finally:
                other.close()
            report.files.append(str(path))


def _unite_schemes(project: Project, other: Project, report: MergeReport) -> None:
    """Add what an annotator added to their copy's scheme (labels, event types, roles, stance targets/values)."""
    mine, theirs = project.scheme, other.scheme
    data = mine.to_dict()
    added: list[str] = []
    for e in theirs.entities:
        if mine.entity(e.label) is None:
            data["entities"].append({"label": e.label, "key": "", "color": e.color, "description": e.description})
            added.append(f"label {e.label}")
    for ev in theirs.events:
        own_ev = next((x for x in data["events"] if x["type"] == ev.type), None)
        if own_ev is None:
            data["events"].append(
                {"type": ev.type, "roles": list(ev.roles), "triggers": list(ev.triggers), "key": "", "color": ev.color}
            )
            added.append(f"event type {ev.type}")
            continue
        for role in ev.roles:
            if role not in own_ev["roles"]:
                own_ev["roles"].append(role)
                added.append(f"role {ev.type}/{role}")
    for key, what in (("targets", "stance target"), ("values", "stance value")):
        have = data["stance"][key]
        for x in getattr(theirs, f"stance_{key}"):
            if x not in have:
                have.append(x)
                added.append(f"{what} {x}")
    if added:
        project.set_scheme(scheme_from_dict(data, source=str(project.path)))
        report.scheme_added.extend(a for a in added if a not in report.scheme_added)


def _merge_one(project: Project, other: Project, name: str, add_documents: bool, report: MergeReport) -> None:
    db = project.db
    ids = doc_store.text_hashes(db)
    by_hash: dict[str, str] = {}
    for doc_id, h in ids.items():
        by_hash.setdefault(h, doc_id)
    layers: dict[str, list[str]] = {}
    for doc_id, who in other.layers():
        layers.setdefault(doc_id, []).append(who)
    for doc_id, h in doc_store.text_hashes(other.db).items():
        if ids.get(doc_id) == h:
            target = doc_id
        elif h in by_hash:
            target = by_hash[h]
            report.matched_by_text.append((name, doc_id, target))
        elif doc_id in ids:
            report.id_clashes.append((name, doc_id))
            continue
        elif add_documents:
            doc = other.document(doc_id)
            doc_store.insert_documents(db, [Document(doc.id, doc.text, doc.meta)])
            ids[doc_id] = h
            by_hash[h] = doc_id
            target = doc_id
            report.documents_added.append((name, doc_id))
        else:
            report.missing.append((name, doc_id))
            continue
        text = None
        for who in layers.get(doc_id, []):
            theirs = other.annotation(doc_id, who)
            if text is None:
                text = project._text(target)
            try:
                check_annotation(theirs, text, project.scheme)
            except AnnotatorError as exc:
                raise ProjectError(f"{name}: document {doc_id!r}, annotator {who!r}: {exc}") from None
            theirs.document_id = target
            _merge_layer(project, theirs, name, report)
        report.rejections_added += _merge_rejections(project, other, doc_id, target)


def _merge_layer(project: Project, theirs: Annotation, name: str, report: MergeReport) -> None:
    db = project.db
    doc_id, who = theirs.document_id, theirs.annotator
    if not ann_store.has_layer(db, doc_id, who):
        ann_store.write_annotation(db, theirs, updated_at=theirs.updated_at)
        report.added.append((name, doc_id, who))
        return
    mine = ann_store.load_annotation(db, doc_id, who)
    if _content(mine) == _content(theirs):
        report.identical.append((name, doc_id, who))
        return
    take = _newer(theirs.updated_at, mine.updated_at)
    report.conflicts.append(
        Conflict(name, doc_id, who, "other" if take else "project", mine.updated_at, theirs.updated_at)
    )
    if take:
        ann_store.write_annotation(db, theirs, updated_at=theirs.updated_at)


def _merge_rejections(project: Project, other: Project, other_id: str, target: str) -> int:
    db = project.db
    added = 0
    for who, kind, start, end, label in sugg_store.rejections_of_document(other.db, other_id):
        ann_store.ensure_annotator(db, who)
        before = db.conn.total_changes
        sugg_store.reject(db, target, who, kind, start, end, label)
        added += db.conn.total_changes - before
    return added
