"""Bringing documents (and annotations that come with them) into a project in one transaction.

Readers in `annotator.formats` yield `ImportRecord`s; `import_records` checks every record against the text
and the scheme and writes them all, or nothing: any error rolls the whole import back.

Ids are identity: a record whose text is already in the project under another id becomes a document of its own
(listed as a text duplicate). Nothing in the project is replaced except the same document's layer of the same
annotator, and not even that when the stored layer is newer than the imported one (unless `replace`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from annotator.core.errors import AnnotatorError, InputFileError
from annotator.core.limits import article_problem, json_value_problem, surrogate_problem
from annotator.core.model import Annotation, Document
from annotator.core.project import Project
from annotator.core.scheme import Scheme
from annotator.core.validation import check_annotation, check_annotator_name, check_name
from annotator.store import annotations as ann_store
from annotator.store import documents as doc_store
from annotator.store import suggestions as sugg_store

DEFAULT_LAYER = "imported"


@dataclass
class ImportRecord:
    document: Document
    annotation: Annotation | None = None
    path: str | None = None
    line: int | None = None
    # layer name when neither the record nor the import names an annotator (corpus formats: "imported")
    default_annotator: str | None = None
    # what the file held that the project cannot take, by kind ("relation(s)": 2); counted in the summary
    not_imported: Counter = field(default_factory=Counter)
    # ("span", start, end, label) the annotator rejected (Prodigy `answer: reject`): rejected suggestions, not work
    rejected: list[tuple[str, int, int, str]] = field(default_factory=list)
    # several records of one annotator on one document add up (Prodigy ner.teach: one span a line)
    merge: bool = False
    # the record carries the annotator's work only as rejections or counts: no layer is written
    no_layer: bool = False
    # nothing of the record is imported (Prodigy `answer: ignore`): only its counts are
    skip: bool = False
    # spans the file has that fit the text in no offset unit: reported, never stored
    problems: list[str] = field(default_factory=list)
    # the id is a tool's example number (doccano, Label Studio): the same in every export of that project, but
    # another project's example may have it too; a clash with another text gets the text's hash appended
    weak_id: bool = False


@dataclass
class ImportReport:
    documents_added: int = 0
    documents_seen: int = 0
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (where, id, id of the same text)
    annotations: int = 0
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (document id, annotator)
    kept_newer: list[tuple[str, str]] = field(default_factory=list)  # stored layer newer than the imported one
    annotators: set[str] = field(default_factory=set)
    skipped_files: list[str] = field(default_factory=list)
    labels_added: list[str] = field(default_factory=list)  # entity labels added to the scheme
    events_added: list[str] = field(default_factory=list)  # event types added
    roles_added: list[str] = field(default_factory=list)  # "TYPE.role" added
    not_imported: Counter = field(default_factory=Counter)
    rejections: int = 0
    default_layer_used: str | None = None  # annotations without an annotator went to this layer
    problems: list[str] = field(default_factory=list)  # "file:line: what was left out and why"

    def summary(self) -> str:
        parts = [f"imported {self.documents_added} new document(s)"]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} text duplicate(s) of other documents, imported under their own id")
        if self.annotations:
            who = ", ".join(sorted(self.annotators))
            parts.append(f"{self.annotations} annotation layer(s) from {who}")
        if self.default_layer_used:
            parts.append(f"annotations naming no annotator went to the layer {self.default_layer_used!r}")
        if self.replaced:
            parts.append(f"{len(self.replaced)} existing layer(s) replaced")
        if self.kept_newer:
            parts.append(f"{len(self.kept_newer)} stored layer(s) newer than the file kept (--replace to overwrite)")
        if self.rejections:
            parts.append(f"{self.rejections} rejected span(s) recorded as rejected suggestions")
        if self.skipped_files:
            parts.append(f"{len(self.skipped_files)} file(s) of unknown type skipped")
        if self.labels_added:
            parts.append(f"entity label(s) added to the scheme: {', '.join(self.labels_added)}")
        if self.events_added:
            parts.append(f"event type(s) added to the scheme: {', '.join(self.events_added)}")
        if self.roles_added:
            parts.append(f"role(s) added to the scheme: {', '.join(self.roles_added)}")
        if self.not_imported:
            what = ", ".join(f"{n} {kind}" for kind, n in sorted(self.not_imported.items()))
            parts.append(f"not imported: {what}")
        return "; ".join(parts)


def _when(stamp: str | None) -> datetime | None:
    """A layer's time, or None when unknown: missing, unparseable, or in the future (never "newer" by a typo)."""
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when if when <= datetime.now(UTC) else None


def check_scheme_name(name: object, what: str) -> str:
    """A label, event type or role a file brings: the one name rule of `core.validation` (no space inside, which
    would break CoNLL columns)."""
    return check_name(name, what, label=True)


def import_records(
    project: Project,
    records: Iterable[ImportRecord],
    annotator: str | None = None,
    batch_size: int = 1000,
    replace_newer: bool = False,
) -> ImportReport:
    """Import records; `annotator` names the layer for annotated records that carry no annotator."""
    if annotator is not None:
        check_annotator_name(annotator)
    scheme = project.scheme
    report = ImportReport()
    try:
        _import(project, records, annotator, batch_size, report, replace_newer)
    except BaseException:
        project._scheme = scheme  # the transaction rolled back any labels added to the stored scheme
        raise
    return report


def _extend_scheme(project: Project, ann: Annotation, report: ImportReport) -> None:
    """Add the entity labels, event types and roles the layer uses that the scheme lacks."""
    scheme: Scheme = project.scheme
    changed = False
    for label in sorted({s.label for s in ann.spans} - set(scheme.entity_labels)):
        check_scheme_name(label, "entity label")
        scheme = scheme.with_entity(label)
        report.labels_added.append(label)
        changed = True
    for event in ann.events:
        check_scheme_name(event.type, "event type")
        if scheme.event(event.type) is None:
            scheme = scheme.with_event(event.type)
            report.events_added.append(event.type)
            changed = True
        known = scheme.event(event.type).roles  # type: ignore[union-attr]
        for role in sorted({a.role for a in event.arguments} - set(known)):
            check_scheme_name(role, "role")
            scheme = scheme.with_role(event.type, role)
            report.roles_added.append(f"{event.type}.{role}")
            changed = True
    if changed:
        project.set_scheme(scheme)


def _merge(old: Annotation, new: Annotation) -> Annotation:
    spans = list(dict.fromkeys([*old.spans, *new.spans]))
    events = list({e.key(): e for e in [*old.events, *new.events]}.values())
    return replace(old, spans=spans, events=events, stance={**old.stance, **new.stance})


def _import(
    project: Project,
    records: Iterable[ImportRecord],
    annotator: str | None,
    batch_size: int,
    report: ImportReport,
    replace_newer: bool,
) -> None:
    db = project.db
    layers: dict[tuple[str, str], Annotation] = {}
    rejections: dict[tuple[str, str], set[tuple[str, int, int, str]]] = {}
    pending: list[Document] = []
    pending_hashes: list[str] = []
    with db.atomic():
        ids = doc_store.text_hashes(db)
        by_hash = {h: i for i, h in ids.items()}
        for rec in records:
            doc = rec.document
            report.documents_seen += 1
            report.not_imported.update(rec.not_imported)
            report.problems.extend(
                f"{rec.path}:{rec.line}: {p}" if rec.line else f"{rec.path}: {p}" for p in rec.problems
            )
            if rec.skip:
                continue
            if not doc.text:
                raise InputFileError(rec.path, "the article text is empty", rec.line)
            problem = _record_problem(rec)
            if problem:
                raise InputFileError(rec.path, problem, rec.line)
            h = doc_store.text_hash(doc.text)
            if rec.weak_id and doc.id in ids and ids[doc.id] != h:
                doc = replace(doc, id=f"{doc.id}-{h[:8]}")
            doc_id = doc.id
            if doc.id in ids:
                if ids[doc.id] != h:
                    raise InputFileError(
                        rec.path, f"document id {doc.id!r} already exists with a different text", rec.line
                    )
            else:
                if h in by_hash:
                    where = f"{rec.path}:{rec.line}" if rec.line is not None else str(rec.path)
                    report.duplicates.append((where, doc.id, by_hash[h]))
                ids[doc_id] = h
                by_hash.setdefault(h, doc_id)
                pending.append(doc)
                pending_hashes.append(h)
                if len(pending) >= batch_size:
                    report.documents_added += doc_store.insert_documents(db, pending, pending_hashes)
                    pending, pending_hashes = [], []
            ann = rec.annotation
            if ann is None:
                continue
            name = ann.annotator or annotator or rec.default_annotator or DEFAULT_LAYER
            if not ann.annotator and not annotator:
                report.default_layer_used = name
            try:
                check_annotator_name(name, allow_gold=True)
                _extend_scheme(project, ann, report)
                check_annotation(ann, doc.text, project.scheme)
            except AnnotatorError as exc:
                raise InputFileError(rec.path, f"document {doc.id!r}: {exc}", rec.line) from None
            key = (doc_id, name)
            if rec.rejected:
                rejections.setdefault(key, set()).update(rec.rejected)
            if rec.no_layer:
                continue
            layer = replace(ann, document_id=doc_id, annotator=name)
            if rec.merge and key in layers:
                layer = _merge(layers[key], layer)
            layers[key] = layer
        if pending:
            report.documents_added += doc_store.insert_documents(db, pending, pending_hashes)
        for (doc_id, name), ann in layers.items():
            if ann_store.has_layer(db, doc_id, name):
                stored = _when(ann_store.load_annotation(db, doc_id, name).updated_at)
                incoming = _when(ann.updated_at)
                if not replace_newer and stored and incoming and stored > incoming:
                    report.kept_newer.append((doc_id, name))
                    continue
                report.replaced.append((doc_id, name))
            ann_store.write_annotation(db, ann)
            report.annotations += 1
            report.annotators.add(name)
        for (doc_id, name), items in rejections.items():
            ann_store.ensure_annotator(db, name)
            for kind, start, end, label in sorted(items):
                sugg_store.reject(db, doc_id, name, kind, start, end, label)
                report.rejections += 1
            report.annotators.add(name)


def _record_problem(rec: ImportRecord) -> str | None:
    """What makes a record unstorable whatever its format: an over-long article, lone surrogates, deep meta."""
    doc = rec.document
    if not isinstance(doc.id, str) or not isinstance(doc.text, str) or not isinstance(doc.meta, dict):
        return "the document's id, text and meta must be a string, a string and an object"
    problem = (
        article_problem(doc.text)
        or surrogate_problem(doc.id, "the document id")
        or surrogate_problem(doc.text, "the article text")
        or (json_value_problem(doc.meta, "'meta'") if doc.meta else None)
    )
    if problem or rec.annotation is None:
        return problem
    ann = rec.annotation
    strings = {
        "'annotator'": [ann.annotator],
        "'note'": [ann.note],
        "'flags'": ann.flags,
        "a span label": [s.label for s in ann.spans],
        "an event": [e.type for e in ann.events] + [a.role for e in ann.events for a in e.arguments],
        "'stance'": [*ann.stance, *ann.stance.values(), *ann.stance_evidence],
    }
    return next(
        (
            p
            for what, values in strings.items()
            for v in values
            if isinstance(v, str) and (p := surrogate_problem(v, what))
        ),
        None,
    )
