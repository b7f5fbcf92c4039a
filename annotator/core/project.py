"""The Project facade: the one object the CLI and the window talk to.

Every mutation is one short transaction and returns what it changed, so views refresh only that and the undo
stack can invert it. Reads return plain dataclasses from `annotator.core.model`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from annotator import __version__
from annotator.core.errors import NotFoundError, ProjectError, SchemeError
from annotator.core.model import (
    GOLD,
    Annotation,
    Argument,
    Document,
    Event,
    Evidence,
    Span,
    Status,
    Suggestions,
)
from annotator.core.scheme import Scheme, default_scheme
from annotator.core.suggestion_quality import suggestion_quality
from annotator.core.validation import check_annotation, check_offsets
from annotator.store import annotations as ann_store
from annotator.store import database, documents
from annotator.store import suggestions as sugg_store


class Project:
    """An open project file."""

    def __init__(self, path: str | Path, *, readonly: bool = False, _db=None):
        self.path = Path(path)
        self.readonly = readonly
        self.db = _db if _db is not None else database.open_database(self.path, readonly=readonly)
        raw = database.get_setting(self.db, "scheme")
        if raw is None:
            raise ProjectError(f"{self.path}: project has no label scheme (damaged file?)")
        self._scheme = Scheme.from_json(raw)
        self._scheme_json = raw  # what `reload_scheme` compares with before parsing anything

    # -- life cycle ------------------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | Path,
        scheme: Scheme | None = None,
        language: str | None = None,
        model: str | None = None,
    ) -> Project:
        scheme = scheme or default_scheme()
        if language:
            scheme = replace(scheme, language=language)
        db = database.create_database(path)
        with db.atomic():
            database.set_setting(db, "scheme", scheme.to_json())
            if model:
                database.set_setting(db, "model", model)
            database.set_setting(db, "created_with", __version__)
        return cls(path, _db=db)

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Project:
        return cls(path, readonly=readonly)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- settings --------------------------------------------------------------------------------------------
    @property
    def scheme(self) -> Scheme:
        return self._scheme

    def set_scheme(self, scheme: Scheme) -> Scheme:
        with self.db.atomic():
            database.set_setting(self.db, "scheme", raw := scheme.to_json())
        self._scheme, self._scheme_json = scheme, raw
        return scheme

    def reload_scheme(self) -> bool:
        """Re-read the scheme, which another connection (a merge, another window) may have changed; True if it
        had changed."""
        raw = database.get_setting(self.db, "scheme")
        if raw is None or raw == self._scheme_json:
            return False
        scheme = Scheme.from_json(raw)
        self._scheme_json = raw
        if scheme == self._scheme:  # e.g. a failed import or merge rolled the stored scheme back
            return False
        self._scheme = scheme
        return True

    def data_version(self) -> int | None:
        """A number that changes whenever another connection commits to the file (never for this one's own
        commits); None while the file is momentarily busy. Cheap enough to poll several times a second."""
        return database.data_version(self.db)

    @property
    def language(self) -> str:
        return self._scheme.language or "en"  # the scheme is the one place the language is stored

    @property
    def model(self) -> str | None:
        """The pipeline named for this project (name or path), or None for the best installed one."""
        return database.get_setting(self.db, "model")

    def set_model(self, model: str | None) -> None:
        if model:
            database.set_setting(self.db, "model", model)
        else:
            self.db.execute("DELETE FROM settings WHERE key = 'model'")

    def setting(self, key: str, default: str | None = None) -> str | None:
        return database.get_setting(self.db, key, default)

    def set_setting(self, key: str, value: str) -> None:
        database.set_setting(self.db, key, value)

    # -- documents -------------------------------------------------------------------------------------------
    def document_count(self) -> int:
        return documents.count_documents(self.db)

    def document_ids(self) -> list[str]:
        return documents.document_ids(self.db)

    def document(self, doc_id: str) -> Document:
        doc = documents.get_document(self.db, doc_id)
        if doc is None:
            raise NotFoundError(f"{self.path}: no document with id {doc_id!r}")
        return doc

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def iter_documents(self):
        return documents.iter_documents(self.db)

    # -- annotators ------------------------------------------------------------------------------------------
    def annotators(self, *, include_gold: bool = True) -> list[str]:
        names = ann_store.annotator_names(self.db)
        return names if include_gold else [n for n in names if n != GOLD]

    def add_annotator(self, name: str) -> None:
        _check_name(name)
        ann_store.ensure_annotator(self.db, name)

    def last_document(self, annotator: str) -> str | None:
        return ann_store.last_document(self.db, annotator)

    def set_last_document(self, annotator: str, doc_id: str) -> None:
        ann_store.set_last_document(self.db, annotator, doc_id)

    # -- reading layers ----------------------------------------------------------------------------------------
    def annotation(self, doc_id: str, annotator: str) -> Annotation:
        return ann_store.load_annotation(self.db, doc_id, annotator)

    def status(self, doc_id: str, annotator: str) -> Status:
        return ann_store.get_status(self.db, doc_id, annotator)

    def layers(self, annotator: str | None = None) -> list[tuple[str, str]]:
        return list(ann_store.layers(self.db, annotator))

    def annotators_of(self, doc_id: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT annotator FROM doc_states WHERE document_id = ? ORDER BY annotator", [doc_id]
            )
        ]

    # -- span mutations ----------------------------------------------------------------------------------------
    def _text(self, doc_id: str) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise NotFoundError(f"{self.path}: no document with id {doc_id!r}")
        return row[0]

    def add_span(self, doc_id: str, annotator: str, start: int, end: int, label: str, source: str = "manual") -> Span:
        check_offsets(start, end, self._text(doc_id))
        self._scheme.check_label(label)
        with self.db.atomic():
            ann_store.touch(self.db, doc_id, annotator)
            return ann_store.insert_span(self.db, doc_id, annotator, Span(start, end, label, source=source))

    def delete_span(self, span_id: int) -> Span:
        """Delete a span; event arguments and evidence are stored by offsets, so nothing dangles."""
        found = self._span(span_id)
        doc_id, annotator, span = found
        with self.db.atomic():
            ann_store.delete_span(self.db, span_id)
            ann_store.touch(self.db, doc_id, annotator)
        return span

    def relabel_span(self, span_id: int, label: str) -> Span:
        self._scheme.check_label(label)
        doc_id, annotator, span = self._span(span_id)
        with self.db.atomic():
            ann_store.update_span(self.db, span_id, label=label)
            ann_store.touch(self.db, doc_id, annotator)
        return Span(span.start, span.end, label, id=span_id, source=span.source)

    def move_span(self, span_id: int, start: int, end: int) -> Span:
        doc_id, annotator, span = self._span(span_id)
        check_offsets(start, end, self._text(doc_id))
        with self.db.atomic():
            ann_store.update_span(self.db, span_id, start=start, end=end)
            ann_store.touch(self.db, doc_id, annotator)
        return Span(start, end, span.label, id=span_id, source=span.source)

    def span(self, span_id: int) -> Span:
        return self._span(span_id)[2]

    def _span(self, span_id: int) -> tuple[str, str, Span]:
        found = ann_store.get_span(self.db, span_id)
        if found is None:
            raise NotFoundError(f"no span with id {span_id}")
        return found

    # -- event mutations ---------------------------------------------------------------------------------------
    def add_event(
        self,
        doc_id: str,
        annotator: str,
        type_: str,
        trigger_start: int,
        trigger_end: int,
        arguments: tuple[Argument, ...] = (),
        source: str = "manual",
    ) -> Event:
        text = self._text(doc_id)
        check_offsets(trigger_start, trigger_end, text, "trigger")
        self._scheme.check_event(type_, [a.role for a in arguments])
        for arg in arguments:
            check_offsets(arg.start, arg.end, text, f"{arg.role} argument")
        with self.db.atomic():
            ann_store.touch(self.db, doc_id, annotator)
            return ann_store.insert_event(
                self.db, doc_id, annotator, Event(type_, trigger_start, trigger_end, arguments, source=source)
            )

    def event(self, event_id: int) -> Event:
        return self._event(event_id)[2]

    def _event(self, event_id: int) -> tuple[str, str, Event]:
        found = ann_store.get_event(self.db, event_id)
        if found is None:
            raise NotFoundError(f"no event with id {event_id}")
        return found

    def delete_event(self, event_id: int) -> Event:
        doc_id, annotator, event = self._event(event_id)
        with self.db.atomic():
            ann_store.delete_event(self.db, event_id)
            ann_store.touch(self.db, doc_id, annotator)
        return event

    def set_event_type(self, event_id: int, type_: str) -> Event:
        doc_id, annotator, event = self._event(event_id)
        self._scheme.check_event(type_)
        roles = self._scheme.event(type_).roles  # type: ignore[union-attr]
        lost = [a for a in event.arguments if a.role not in roles]
        if lost:
            raise SchemeError(
                f"event type {type_!r} has no role {lost[0].role!r}; remove that argument before changing type"
            )
        with self.db.atomic():
            ann_store.update_event(self.db, event_id, type=type_)
            ann_store.touch(self.db, doc_id, annotator)
        return self.event(event_id)

    def add_argument(self, event_id: int, role: str, start: int, end: int) -> Argument:
        doc_id, annotator, event = self._event(event_id)
        self._scheme.check_event(event.type, [role])
        check_offsets(start, end, self._text(doc_id), f"{role} argument")
        with self.db.atomic():
            arg = ann_store.insert_argument(self.db, event_id, Argument(role, start, end))
            ann_store.touch(self.db, doc_id, annotator)
        return arg

    def remove_argument(self, event_id: int, argument_id: int) -> Argument:
        doc_id, annotator, event = self._event(event_id)
        arg = next((a for a in event.arguments if a.id == argument_id), None)
        if arg is None:
            raise NotFoundError(f"event {event_id} has no argument {argument_id}")
        with self.db.atomic():
            ann_store.delete_argument(self.db, argument_id)
            ann_store.touch(self.db, doc_id, annotator)
        return arg

    # -- stance, status, notes ------------------------------------------------------------------------------
    def set_stance(self, doc_id: str, annotator: str, target: str, value: str | None) -> str | None:
        """Set (or with None, unset) the stance toward `target`; returns the previous value."""
        self._scheme.check_stance(target, value)
        self._text(doc_id)
        with self.db.atomic():
            previous = ann_store.stance_of(self.db, doc_id, annotator).get(target)
            ann_store.touch(self.db, doc_id, annotator)
            ann_store.set_stance(self.db, doc_id, annotator, target, value)
        return previous

    def add_stance_evidence(self, doc_id: str, annotator: str, target: str, start: int, end: int) -> Evidence:
        self._scheme.check_stance(target)
        check_offsets(start, end, self._text(doc_id), "evidence")
        with self.db.atomic():
            ann_store.touch(self.db, doc_id, annotator)
            ann_store.add_evidence(self.db, doc_id, annotator, target, Evidence(start, end))
        return Evidence(start, end)

    def remove_stance_evidence(self, doc_id: str, annotator: str, target: str, start: int, end: int) -> None:
        with self.db.atomic():
            ann_store.remove_evidence(self.db, doc_id, annotator, target, Evidence(start, end))
            ann_store.touch(self.db, doc_id, annotator)

    def set_status(self, doc_id: str, annotator: str, status: Status | str) -> Status:
        """Set the document's status for the annotator; returns the previous status."""
        status = Status.parse(status) if isinstance(status, str) else status
        self._text(doc_id)
        with self.db.atomic():
            previous = ann_store.get_status(self.db, doc_id, annotator)
            if status == Status.NOT_STARTED:
                self.db.execute(
                    "UPDATE doc_states SET status = 'not_started' WHERE document_id = ? AND annotator = ?",
                    [doc_id, annotator],
                )
            else:
                ann_store.touch(self.db, doc_id, annotator, status)
        return previous

    def set_note(self, doc_id: str, annotator: str, note: str) -> str:
        with self.db.atomic():
            previous = ann_store.load_annotation(self.db, doc_id, annotator).note
            ann_store.set_note(self.db, doc_id, annotator, note)
        return previous

    def set_flags(self, doc_id: str, annotator: str, flags: list[str]) -> list[str]:
        with self.db.atomic():
            previous = ann_store.load_annotation(self.db, doc_id, annotator).flags
            ann_store.set_flags(self.db, doc_id, annotator, flags)
        return previous

    def replace_annotation(self, ann: Annotation) -> Annotation:
        """Replace a whole layer (used by import, merge and review); returns the previous layer."""
        check_annotation(ann, self._text(ann.document_id), self._scheme)
        _check_name(ann.annotator)
        with self.db.atomic():
            previous = ann_store.load_annotation(self.db, ann.document_id, ann.annotator)
            ann_store.write_annotation(self.db, ann)
        return previous

    def clear_annotation(self, doc_id: str, annotator: str) -> Annotation:
        with self.db.atomic():
            previous = ann_store.load_annotation(self.db, doc_id, annotator)
            ann_store.clear_annotation(self.db, doc_id, annotator)
        return previous

    # -- suggestions -----------------------------------------------------------------------------------------
    def suggestion_model(self) -> str | None:
        """The model key whose suggestions are current (set by the last suggest run)."""
        return database.get_setting(self.db, "suggestion_model")

    def suggestions(self, doc_id: str, model: str | None = None) -> Suggestions:
        model = model or self.suggestion_model() or ""
        return sugg_store.load_suggestions(self.db, doc_id, model)

    def open_suggestions(self, doc_id: str, annotator: str, model: str | None = None) -> Suggestions:
        """Suggestions not yet accepted (same offsets) or rejected by this annotator."""
        sugg = self.suggestions(doc_id, model)
        rejected = sugg_store.rejected(self.db, doc_id, annotator)
        taken = {(s.start, s.end) for s in ann_store.spans_of(self.db, doc_id, annotator)}
        taken_events = {(e.trigger_start, e.trigger_end) for e in ann_store.events_of(self.db, doc_id, annotator)}
        sugg.spans = [
            s for s in sugg.spans if (s.start, s.end) not in taken and ("span", s.start, s.end, s.label) not in rejected
        ]
        sugg.events = [
            e
            for e in sugg.events
            if (e.trigger_start, e.trigger_end) not in taken_events
            and ("event", e.trigger_start, e.trigger_end, e.type) not in rejected
        ]
        return sugg

    def reject_suggestion(self, doc_id: str, annotator: str, kind: str, start: int, end: int, label: str) -> None:
        with self.db.atomic():
            ann_store.touch(self.db, doc_id, annotator)
            sugg_store.reject(self.db, doc_id, annotator, kind, start, end, label)

    def unreject_suggestion(self, doc_id: str, annotator: str, kind: str, start: int, end: int, label: str) -> None:
        with self.db.atomic():
            sugg_store.unreject(self.db, doc_id, annotator, kind, start, end, label)

    # -- statistics ------------------------------------------------------------------------------------------
    def stats(self) -> dict:
        db = self.db
        per: dict[str, dict] = {}
        for name in ann_store.annotator_names(db):
            per[name] = {"done": 0, "in_progress": 0, "not_started": 0, "spans": 0, "events": 0, "stance": 0}
        for name, status, n in db.execute("SELECT annotator, status, count(*) FROM doc_states GROUP BY 1, 2"):
            per.setdefault(name, {})[status] = n
        for table, key in (("spans", "spans"), ("events", "events"), ("stance", "stance")):
            for name, n in db.execute(f"SELECT annotator, count(*) FROM {table} GROUP BY 1"):
                per[name][key] = n
        # event arguments, stance evidence, notes and flagged articles (issue 5: everything is counted)
        for name in per:
            per[name].update(arguments=0, evidence=0, notes=0, flagged=0, stance_values={}, flags={})
        for sql, key in (
            (
                "SELECT e.annotator, count(*) FROM event_arguments a JOIN events e ON e.id = a.event_id GROUP BY 1",
                "arguments",
            ),
            ("SELECT annotator, count(*) FROM stance_evidence GROUP BY 1", "evidence"),
            ("SELECT annotator, count(*) FROM doc_states WHERE note != '' GROUP BY 1", "notes"),
            ("SELECT annotator, count(*) FROM doc_states WHERE flags NOT IN ('[]', '') GROUP BY 1", "flagged"),
        ):
            for name, n in db.execute(sql):
                per[name][key] = n
        for name, target, value, n in db.execute(
            "SELECT annotator, target, value, count(*) FROM stance GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ):
            per[name]["stance_values"].setdefault(target, {})[value] = n
        for name, flags in db.execute("SELECT annotator, flags FROM doc_states WHERE flags NOT IN ('[]', '')"):
            for flag in json.loads(flags):
                per[name]["flags"][flag] = per[name]["flags"].get(flag, 0) + 1
        labels: Counter[str] = Counter()
        for name in per:
            per[name]["labels"] = {}
            per[name]["event_types"] = {}
        for name, label, n in db.execute("SELECT annotator, label, count(*) FROM spans GROUP BY 1, 2 ORDER BY 1, 2"):
            per[name]["labels"][label] = n
            labels[label] += n
        event_types: Counter[str] = Counter()
        for name, type_, n in db.execute("SELECT annotator, type, count(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2"):
            per[name]["event_types"][type_] = n
            event_types[type_] += n
        model = self.suggestion_model()
        suggestions = sugg_store.suggestion_counts(db, model)
        suggestions["model"] = model
        return {
            "project": str(self.path),
            "scheme": self._scheme.name,
            "language": self.language,
            "model": self.model,
            "documents": documents.count_documents(db),
            "annotators": per,
            "labels": dict(sorted(labels.items())),
            "event_types": dict(sorted(event_types.items())),
            "suggestions": suggestions,
            "suggestion_quality": suggestion_quality(self),
        }


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name.strip() or name != name.strip() or len(name) > 100:
        raise SchemeError(f"annotator name {name!r} must be non-empty text without surrounding spaces")
