"""Merging other project files (each annotator's own copy) into a project, in one transaction. Nothing is discarded.

Articles are matched by id and text: the same id with the same text, or else any article with the same text. The
other file's text hashes are recomputed from its texts (an article edited in an SQLite browser keeps its old stored
hash, and must not match by it). An article of another file that PROJECT lacks is reported, or added with
`add_documents`. For each (article, annotator) layer of another file:
- PROJECT has no such layer: it is copied (with its original `updated_at` when that is a real time; a time in the
  future or unreadable is unknown, and the layer is stamped with the time of the merge);
- PROJECT has the identical work: nothing happens;
- the work differs (a conflict): PROJECT's layer is kept, always, whatever the time stamps say, and the other
  version becomes a layer of its own, `alice@conflict-2` (the next free number), visible in the window and
  reviewable against the kept one. Merging the same file again finds that layer identical and adds nothing.
Gold layers are layers like any other (annotator "gold"). Rejected suggestions are united for annotators who have
work in PROJECT (never creating an annotator from rejections alone), checked against the text and scheme, at most
MAX_REJECTIONS per file. Cached model suggestions are not copied: they are recomputed. Other files are opened so
that SQLite writes nothing to them (`foreign=True`); any error (a damaged file, an invalid layer or name) rolls
back the whole merge. Labels, event types, roles and stance targets/values that an annotator added to their
copy's scheme are validated like every name and added to PROJECT's scheme (and reported).

Every successful merge writes its report, conflicts and skipped items listed one by one, to
`PROJECT.merge-report.json` beside the project (replaced by the next merge).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.model import CONFLICT_MARK, GOLD, Annotation, Document, Status
from annotator.core.project import Project
from annotator.core.scheme import scheme_from_dict
from annotator.core.validation import check_annotation, check_annotator_name, check_name, check_offsets
from annotator.store import annotations as ann_store
from annotator.store import documents as doc_store
from annotator.store import suggestions as sugg_store

MAX_REJECTIONS = 10_000  # rejected suggestions taken from one file; the rest are counted and reported
CLOCK_SKEW = timedelta(days=1)  # a time stamp further in the future than this is unknown


@dataclass
class Conflict:
    file: str
    document_id: str
    annotator: str
    kept: str  # always "project": the other version is the layer `stored_as`
    project_updated: str | None
    other_updated: str | None  # as the other file says (None: missing, in the future or unreadable)
    stored_as: str = ""  # the layer holding the other file's version, e.g. alice@conflict-2


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
    rejections_skipped: int = 0  # invalid, of annotators without work here, or over MAX_REJECTIONS
    scheme_added: list[str] = field(default_factory=list)  # labels etc. of other files' schemes PROJECT lacked
    report_file: str | None = None  # where the full report was written

    @property
    def replaced(self) -> list[Conflict]:
        """Layers of PROJECT replaced by another file's version: none, ever (kept for callers of older versions)."""
        return [c for c in self.conflicts if c.kept == "other"]

    def summary(self) -> str:
        conflicts = f"{len(self.conflicts)} conflict(s)"
        if self.conflicts:
            conflicts += " (the project's work kept; the other versions added as layers NAME@conflict-N)"
        parts = [
            f"merged {len(self.files)} file(s): {len(self.added)} layer(s) added",
            f"{len(self.identical)} identical",
            conflicts,
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
        if self.rejections_skipped:
            parts.append(f"{self.rejections_skipped} rejected suggestion(s) skipped")
        if self.report_file:
            parts.append(f"details in {self.report_file}")
        return "; ".join(parts)

    def to_json(self) -> dict:
        return {
            "files": self.files,
            "conflicts": [asdict(c) for c in self.conflicts],
            "added": [{"file": f, "document": d, "annotator": a} for f, d, a in self.added],
            "identical": [{"file": f, "document": d, "annotator": a} for f, d, a in self.identical],
            "missing": [{"file": f, "document": d} for f, d in self.missing],
            "documents_added": [{"file": f, "document": d} for f, d in self.documents_added],
            "id_clashes": [{"file": f, "document": d} for f, d in self.id_clashes],
            "matched_by_text": [{"file": f, "document": d, "project_document": p} for f, d, p in self.matched_by_text],
            "rejections_added": self.rejections_added,
            "rejections_skipped": self.rejections_skipped,
            "scheme_added": self.scheme_added,
        }


def report_path(project_path: str | Path) -> Path:
    return Path(f"{project_path}.merge-report.json")


def write_report(report: MergeReport, project_path: str | Path) -> Path:
    """Write the report beside the project through a temporary file renamed into place (never half a report)."""
    target = report_path(project_path)
    data = {"project": str(project_path), "merged_at": datetime.now(UTC).isoformat(), **report.to_json()}
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


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


def known_time(stamp: object) -> str | None:
    """The time stamp if it is a real time (ISO 8601, not in the future); else None: unknown, never newer."""
    if not isinstance(stamp, str):
        return None
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return stamp if when <= datetime.now(UTC) + CLOCK_SKEW else None


def merge_projects(
    project: Project, others: list[str | Path], add_documents: bool = False, *, write: bool = True
) -> MergeReport:
    """Bring every annotator's layers from `others` into `project`; all or nothing. `write`: write the report
    file once the merge is committed (a caller running the merge inside its own transaction does that itself)."""
    report = MergeReport()
    own = Path(project.path).resolve()
    scheme = project.scheme
    try:
        _merge_all(project, others, add_documents, report, own)
    except BaseException:
        project._scheme = scheme  # the transaction rolled back what the other schemes added
        raise
    if write:
        save_report(report, project.path)
    return report


def save_report(report: MergeReport, project_path: str | Path) -> None:
    """Write the report file, remembering where; a failure to write it leaves the committed merge as it is."""
    try:
        report.report_file = str(write_report(report, project_path))
    except OSError:
        report.report_file = None


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
    try:
        _check_scheme_names(mine, theirs)
    except AnnotatorError as exc:
        raise ProjectError(f"{other.path}: {exc}") from None
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
        # the added names were checked above; PROJECT's own are kept as they are
        project.set_scheme(scheme_from_dict(data, source=str(project.path), strict=False))
        report.scheme_added.extend(a for a in added if a not in report.scheme_added)


def _check_scheme_names(mine, theirs) -> None:
    """Names the other file would add to PROJECT's scheme pass the rule every name passes."""
    for e in theirs.entities:
        if mine.entity(e.label) is None:
            check_name(e.label, "entity label", label=True)
    for ev in theirs.events:
        own = mine.event(ev.type)
        if own is None:
            check_name(ev.type, "event type", label=True)
        for role in ev.roles:
            if own is None or role not in own.roles:
                check_name(role, f"role of {ev.type}", label=True)
    for x in theirs.stance_targets:
        if x not in mine.stance_targets:
            check_name(x, "stance target")
    for x in theirs.stance_values:
        if x not in mine.stance_values:
            check_name(x, "stance value")


def _merge_one(project: Project, other: Project, name: str, add_documents: bool, report: MergeReport) -> None:
    db = project.db
    ids = doc_store.text_hashes(db)
    by_hash: dict[str, str] = {}
    for doc_id, h in ids.items():
        by_hash.setdefault(h, doc_id)
    layers: dict[str, list[str]] = {}
    for doc_id, who in other.layers():
        layers.setdefault(doc_id, []).append(who)
    rejections_left = [MAX_REJECTIONS]
    for doc in other.iter_documents():
        doc_id = doc.id
        h = doc_store.text_hash(doc.text)  # recomputed: the stored hash of a file edited elsewhere may be stale
        if ids.get(doc_id) == h:
            target = doc_id
        elif h in by_hash:
            target = by_hash[h]
            report.matched_by_text.append((name, doc_id, target))
        elif doc_id in ids:
            report.id_clashes.append((name, doc_id))
            continue
        elif add_documents:
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
                check_annotator_name(who, allow_gold=True)
                if CONFLICT_MARK in who:  # a conflict layer of the other file's own merges stays what it is
                    check_annotator_name(who.split(CONFLICT_MARK, 1)[0], allow_gold=True)
                check_annotation(theirs, text, project.scheme)
            except AnnotatorError as exc:
                raise ProjectError(f"{name}: document {doc_id!r}, annotator {who!r}: {exc}") from None
            theirs.document_id = target
            theirs.updated_at = known_time(theirs.updated_at)
            _merge_layer(project, theirs, name, report)
        if text is None:
            text = project._text(target)
        _merge_rejections(project, other, doc_id, target, text, report, rejections_left)


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
    # A conflict: the project's work stays; the other version gets a layer of its own (or is found there already).
    theirs_content = _content(theirs)
    n = 2
    while True:
        alias = f"{who}{CONFLICT_MARK}{n}"
        if not ann_store.has_layer(db, doc_id, alias):
            break
        if _content(ann_store.load_annotation(db, doc_id, alias)) == theirs_content:
            report.identical.append((name, doc_id, alias))
            return
        n += 1
    ann_store.write_annotation(db, _renamed(theirs, alias), updated_at=theirs.updated_at)
    report.conflicts.append(Conflict(name, doc_id, who, "project", mine.updated_at, theirs.updated_at, alias))


def _renamed(ann: Annotation, annotator: str) -> Annotation:
    return replace(ann, annotator=annotator)


def _merge_rejections(
    project: Project,
    other: Project,
    other_id: str,
    target: str,
    text: str,
    report: MergeReport,
    left: list[int],
) -> None:
    """Unite rejected suggestions: only for annotators with work in PROJECT, only valid ones, at most `left[0]`."""
    db = project.db
    scheme = project.scheme
    workers = set(ann_store.annotators_of(db, target))
    for who, kind, start, end, label in sugg_store.rejections_of_document(other.db, other_id):
        if left[0] <= 0:
            report.rejections_skipped += 1
            continue
        left[0] -= 1
        try:
            if who not in workers or who == GOLD:
                raise ProjectError("no work of this annotator on the article")
            check_offsets(start, end, text, "rejected suggestion")
            if kind == "span":
                scheme.check_label(label)
            else:
                scheme.check_event(label)
        except AnnotatorError:
            report.rejections_skipped += 1
            continue
        before = db.conn.total_changes
        sugg_store.reject(db, target, who, kind, start, end, label)
        report.rejections_added += db.conn.total_changes - before
