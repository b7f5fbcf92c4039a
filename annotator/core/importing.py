"""Bringing documents (and annotations that come with them) into a project in one transaction.

Readers in `annotator.formats` yield `ImportRecord`s; `import_records` checks every record against the text
and the scheme and writes them all, or nothing: any error rolls the whole import back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from annotator.core.errors import AnnotatorError, InputFileError
from annotator.core.limits import article_problem, json_value_problem, surrogate_problem
from annotator.core.model import Annotation, Document
from annotator.core.project import Project, _check_name
from annotator.core.validation import check_annotation
from annotator.store import annotations as ann_store
from annotator.store import documents as doc_store


@dataclass
class ImportRecord:
    document: Document
    annotation: Annotation | None = None
    path: str | None = None
    line: int | None = None
    # layer name when neither the record nor the import names an annotator (corpus formats: "imported")
    default_annotator: str | None = None


@dataclass
class ImportReport:
    documents_added: int = 0
    documents_seen: int = 0
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (where, id, kept id)
    annotations: int = 0
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (document id, annotator)
    annotators: set[str] = field(default_factory=set)
    skipped_files: list[str] = field(default_factory=list)
    labels_added: list[str] = field(default_factory=list)  # corpus entity labels added to the scheme

    def summary(self) -> str:
        parts = [f"imported {self.documents_added} new document(s)"]
        if self.duplicates:
            parts.append(f"skipped {len(self.duplicates)} duplicate(s)")
        if self.annotations:
            who = ", ".join(sorted(self.annotators))
            parts.append(f"{self.annotations} annotation layer(s) from {who}")
        if self.replaced:
            parts.append(f"{len(self.replaced)} existing layer(s) replaced")
        if self.skipped_files:
            parts.append(f"{len(self.skipped_files)} file(s) of unknown type skipped")
        if self.labels_added:
            parts.append(f"entity label(s) added to the scheme: {', '.join(self.labels_added)}")
        return "; ".join(parts)


def import_records(
    project: Project, records: Iterable[ImportRecord], annotator: str | None = None, batch_size: int = 1000
) -> ImportReport:
    """Import records; `annotator` names the layer for annotated records that carry no annotator."""
    if annotator is not None:
        _check_name(annotator)
    scheme = project.scheme
    report = ImportReport()
    try:
        _import(project, records, annotator, batch_size, report)
    except BaseException:
        project._scheme = scheme  # the transaction rolled back any labels added to the stored scheme
        raise
    return report


def _import(
    project: Project, records: Iterable[ImportRecord], annotator: str | None, batch_size: int, report: ImportReport
) -> None:
    db = project.db
    layers: dict[tuple[str, str], Annotation] = {}
    pending: list[Document] = []
    pending_hashes: list[str] = []
    with db.atomic():
        ids = doc_store.text_hashes(db)
        by_hash = {h: i for i, h in ids.items()}
        texts: dict[str, str] = {}
        for rec in records:
            doc = rec.document
            report.documents_seen += 1
            if not doc.text:
                raise InputFileError(rec.path, "the article text is empty", rec.line)
            problem = _record_problem(rec)
            if problem:
                raise InputFileError(rec.path, problem, rec.line)
            h = doc_store.text_hash(doc.text)
            if doc.id in ids:
                if ids[doc.id] != h:
                    raise InputFileError(
                        rec.path, f"document id {doc.id!r} already exists with a different text", rec.line
                    )
                doc_id = doc.id
            elif h in by_hash:
                doc_id = by_hash[h]
                where = f"{rec.path}:{rec.line}" if rec.line is not None else str(rec.path)
                report.duplicates.append((where, doc.id, doc_id))
            else:
                doc_id = doc.id
                ids[doc_id] = h
                by_hash[h] = doc_id
                pending.append(doc)
                pending_hashes.append(h)
                if len(pending) >= batch_size:
                    report.documents_added += doc_store.insert_documents(db, pending, pending_hashes)
                    pending, pending_hashes = [], []
            ann = rec.annotation
            if ann is None:
                continue
            name = ann.annotator or annotator or rec.default_annotator
            if not name:
                continue
            if rec.default_annotator:
                # a corpus (CoNLL, CoNLL-U, .spacy) brings its own entity labels (PER, MISC...): add them
                for label in sorted({s.label for s in ann.spans} - set(project.scheme.entity_labels)):
                    try:
                        project.set_scheme(project.scheme.with_entity(label))
                    except AnnotatorError as exc:
                        raise InputFileError(rec.path, f"document {doc.id!r}: {exc}", rec.line) from None
                    report.labels_added.append(label)
            try:
                _check_name(name)
                check_annotation(ann, doc.text, project.scheme)
            except AnnotatorError as exc:
                raise InputFileError(rec.path, f"document {doc.id!r}: {exc}", rec.line) from None
            texts[doc_id] = doc.text
            key = (doc_id, name)
            layers[key] = replace(ann, document_id=doc_id, annotator=name)
        if pending:
            report.documents_added += doc_store.insert_documents(db, pending, pending_hashes)
        for (doc_id, name), ann in layers.items():
            if ann_store.has_layer(db, doc_id, name):
                report.replaced.append((doc_id, name))
            ann_store.write_annotation(db, ann)
            report.annotations += 1
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
