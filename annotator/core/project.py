"""The Project facade: the one object the CLI and the window talk to.

Every mutation is one short transaction and returns what it changed, so views refresh only that and the undo
stack can invert it. Reads return plain dataclasses from `annotator.core.model`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from annotator import __version__
from annotator.core.effort import effort_by_annotator
from annotator.core.errors import NotFoundError, ProjectError, SchemeError
from annotator.core.health import quick_check_on_open
from annotator.core.model import (
    GOLD,
    Annotation,
    Argument,
    ArticleRows,
    Document,
    DocumentFilters,
    Event,
    Evidence,
    Span,
    Status,
    SuggestedEvent,
    Suggestions,
)
from annotator.core.scheme import Scheme, default_scheme
from annotator.core.suggestion_quality import suggestion_quality
from annotator.core.suggestion_rules import open_event, open_span
from annotator.core.validation import check_annotation, check_annotator_name, check_offsets
from annotator.store import annotations as ann_store
from annotator.store import article_rows as article_store
from annotator.store import database, document_queries, documents, operation_log, search_index
from annotator.store import labels as label_store
from annotator.store import stats as stat_store
from annotator.store import suggestions as sugg_store
from annotator.store import training as training_store


class Project:
    """An open project file."""

    def __init__(
        self, path: str | Path, *, readonly: bool = False, wait: float | None = None, foreign: bool = False, _db=None
    ):
        """`wait`: seconds a write waits for another process's transaction (default: the process's policy,
        see `set_writer_wait`); the window passes 0.1 so a busy file never freezes it. `foreign`: another
        person's file, only read (merge): SQLite writes nothing to it, not even a checkpoint of its -wal."""
        self.path = Path(path)
        self.readonly = readonly or foreign
        self._quiet = 0
        self.db = (
            _db if _db is not None else database.open_database(self.path, readonly=readonly, wait=wait, foreign=foreign)
        )
        try:
            raw = database.get_setting(self.db, "scheme")
            if raw is None:
                raise ProjectError(f"{self.path}: project has no label scheme (damaged file?)")
            self._scheme = _stored_scheme(self.path, raw)
        except BaseException:
            if _db is None:
                self.db.close()
            raise
        self._scheme_json = raw  # what `reload_scheme` compares with before parsing anything
        # SQLite's quick check when cheap (see core.health): problems found, [] if sound, None if not run now
        self.damage: list[str] | None = (
            None if foreign or _db is not None else quick_check_on_open(self.db, self.path, record=not readonly)
        )

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
    def open(
        cls, path: str | Path, *, readonly: bool = False, wait: float | None = None, foreign: bool = False
    ) -> Project:
        return cls(path, readonly=readonly, wait=wait, foreign=foreign)

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
        scheme = _stored_scheme(self.path, raw)
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
            database.delete_setting(self.db, "model")

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
        return documents.has_document(self.db, doc_id)

    def iter_documents(self):
        return documents.iter_documents(self.db)

    # -- annotators ------------------------------------------------------------------------------------------
    def annotators(self, *, include_gold: bool = True) -> list[str]:
        names = ann_store.annotator_names(self.db)
        return names if include_gold else [n for n in names if n != GOLD]

    def add_annotator(self, name: str) -> None:
        check_annotator_name(name)
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

    def layers_using_label(self, label: str) -> list[tuple[str, str]]:
        """(document id, annotator) of every layer with a span of this label."""
        return ann_store.layers_using_label(self.db, label)

    def annotators_of(self, doc_id: str) -> list[str]:
        return ann_store.annotators_of(self.db, doc_id)

    # -- the operation log ------------------------------------------------------------------------------------
    def log(self, name: str, doc_id: str | None, annotator: str | None, **detail: object) -> None:
        """Record a user action in the operation log (call inside the action's transaction)."""
        if not self._quiet:
            operation_log.record(self.db, name, annotator, doc_id, **detail)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several mutations as one transaction (nested: a savepoint); the project is unchanged if it fails."""
        with self.db.atomic():
            yield

    @contextmanager
    def quiet_log(self) -> Iterator[None]:
        """Mutations inside log nothing themselves: the operation around them logs one row for all of them."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def recent_operations(self, limit: int = 100) -> list[dict]:
        return operation_log.recent(self.db, limit)

    # -- span mutations ----------------------------------------------------------------------------------------
    def _text(self, doc_id: str) -> str:
        text = documents.document_text(self.db, doc_id)
        if text is None:
            raise NotFoundError(f"{self.path}: no document with id {doc_id!r}")
        return text

    def add_span(self, doc_id: str, annotator: str, start: int, end: int, label: str, source: str = "manual") -> Span:
        check_offsets(start, end, self._text(doc_id))
        self._scheme.check_label(label)
        with self.db.atomic():
            ann_store.touch(self.db, doc_id, annotator)
            self.log("add_span", doc_id, annotator, start=start, end=end, label=label, source=source)
            return ann_store.insert_span(self.db, doc_id, annotator, Span(start, end, label, source=source))

    def accept_suggestions(
        self, doc_id: str, annotator: str, spans: list[Span], events: list[Event]
    ) -> tuple[list[Span], list[Event]]:
        """Accept many suggestions (Shift+A) in one transaction: all of them are stored, or none."""
        text = self._text(doc_id)
        for span in spans:
            check_offsets(span.start, span.end, text)
            self._scheme.check_label(span.label)
        for event in events:
            check_offsets(event.trigger_start, event.trigger_end, text, "trigger")
            self._scheme.check_event(event.type, [a.role for a in event.arguments])
        with self.db.atomic():
            ann_store.touch(self.db, doc_id, annotator)
            ann_store.insert_spans(self.db, doc_id, annotator, spans)
            added_events = [ann_store.insert_event(self.db, doc_id, annotator, e) for e in events]
            self.log("accept_suggestions", doc_id, annotator, spans=len(spans), events=len(events))
        return spans, added_events

    def delete_span(self, span_id: int) -> Span:
        """Delete a span, detaching the event arguments on exactly its offsets (see `remove_span`)."""
        return self.remove_span(span_id)[0]

    def remove_span(self, span_id: int) -> tuple[Span, list[tuple[tuple[int, int, str], Argument]]]:
        """Delete a span and detach the arguments of the layer's events that sit on exactly its offsets (a role
        filled by a deleted span would otherwise point at nothing the annotator can see). Returns the span and
        the detached arguments as ((trigger start, trigger end, event type), argument), for undo."""
        doc_id, annotator, span = self._span(span_id)
        detached: list[tuple[tuple[int, int, str], Argument]] = []
        with self.db.atomic():
            ann_store.delete_span(self.db, span_id)
            for event in ann_store.events_of(self.db, doc_id, annotator):
                for arg in event.arguments:
                    if (arg.start, arg.end) == (span.start, span.end) and arg.id is not None:
                        ann_store.delete_argument(self.db, arg.id)
                        detached.append(((event.trigger_start, event.trigger_end, event.type), arg))
            ann_store.touch(self.db, doc_id, annotator)
            self.log("delete_span", doc_id, annotator, start=span.start, end=span.end, label=span.label)
        return span, detached

    def relabel_span(self, span_id: int, label: str) -> Span:
        self._scheme.check_label(label)
        doc_id, annotator, span = self._span(span_id)
        with self.db.atomic():
            self.log("relabel_span", doc_id, annotator, start=span.start, end=span.end, label=label)
            ann_store.update_span(self.db, span_id, label=label)
            ann_store.touch(self.db, doc_id, annotator)
        return Span(span.start, span.end, label, id=span_id, source=span.source)

    def move_span(self, span_id: int, start: int, end: int) -> Span:
        doc_id, annotator, span = self._span(span_id)
        check_offsets(start, end, self._text(doc_id))
        with self.db.atomic():
            self.log("move_span", doc_id, annotator, start=start, end=end, label=span.label)
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
            self.log("add_event", doc_id, annotator, type=type_, start=trigger_start, end=trigger_end)
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
            self.log("delete_event", doc_id, annotator, type=event.type, start=event.trigger_start)
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
            self.log("set_event_type", doc_id, annotator, type=type_, start=event.trigger_start)
            # a retyped event is the annotator's decision, no longer the model's suggestion as it was
            ann_store.update_event(self.db, event_id, type=type_, source="manual")
            ann_store.touch(self.db, doc_id, annotator)
        return self.event(event_id)

    def add_argument(self, event_id: int, role: str, start: int, end: int) -> Argument:
        doc_id, annotator, event = self._event(event_id)
        self._scheme.check_event(event.type, [role])
        check_offsets(start, end, self._text(doc_id), f"{role} argument")
        with self.db.atomic():
            self.log("add_argument", doc_id, annotator, role=role, start=start, end=end)
            arg = ann_store.insert_argument(self.db, event_id, Argument(role, start, end))
            ann_store.touch(self.db, doc_id, annotator)
        return arg

    def remove_argument(self, event_id: int, argument_id: int) -> Argument:
        doc_id, annotator, event = self._event(event_id)
        arg = next((a for a in event.arguments if a.id == argument_id), None)
        if arg is None:
            raise NotFoundError(f"event {event_id} has no argument {argument_id}")
        with self.db.atomic():
            self.log("remove_argument", doc_id, annotator, role=arg.role, start=arg.start)
            ann_store.delete_argument(self.db, argument_id)
            ann_store.touch(self.db, doc_id, annotator)
        return arg

    # -- stance, status, notes ------------------------------------------------------------------------------
    def set_stance(self, doc_id: str, annotator: str, target: str, value: str | None) -> str | None:
        """Set (or with None, unset) the stance toward `target`; returns the previous value."""
        self._scheme.check_stance(target, value)
        self._text(doc_id)
        with self.db.atomic():
            self.log("set_stance", doc_id, annotator, target=target, value=value)
            previous = ann_store.stance_of(self.db, doc_id, annotator).get(target)
            ann_store.touch(self.db, doc_id, annotator)
            ann_store.set_stance(self.db, doc_id, annotator, target, value)
        return previous

    def add_stance_evidence(self, doc_id: str, annotator: str, target: str, start: int, end: int) -> Evidence:
        self._scheme.check_stance(target)
        check_offsets(start, end, self._text(doc_id), "evidence")
        with self.db.atomic():
            self.log("add_evidence", doc_id, annotator, target=target, start=start, end=end)
            ann_store.touch(self.db, doc_id, annotator)
            ann_store.add_evidence(self.db, doc_id, annotator, target, Evidence(start, end))
        return Evidence(start, end)

    def remove_stance_evidence(self, doc_id: str, annotator: str, target: str, start: int, end: int) -> None:
        with self.db.atomic():
            self.log("remove_evidence", doc_id, annotator, target=target, start=start)
            ann_store.remove_evidence(self.db, doc_id, annotator, target, Evidence(start, end))
            ann_store.touch(self.db, doc_id, annotator)

    def set_status(self, doc_id: str, annotator: str, status: Status | str) -> Status:
        """Set the document's status for the annotator; returns the previous status."""
        status = Status.parse(status) if isinstance(status, str) else status
        self._text(doc_id)
        with self.db.atomic():
            self.log("set_status", doc_id, annotator, status=str(status))
            previous = ann_store.get_status(self.db, doc_id, annotator)
            if status == Status.NOT_STARTED:
                ann_store.reset_status(self.db, doc_id, annotator)
            else:
                ann_store.touch(self.db, doc_id, annotator, status)
        return previous

    def set_note(self, doc_id: str, annotator: str, note: str) -> str:
        with self.db.atomic():
            self.log("set_note", doc_id, annotator, length=len(note))
            previous = ann_store.load_annotation(self.db, doc_id, annotator).note
            ann_store.set_note(self.db, doc_id, annotator, note)
        return previous

    def set_flags(self, doc_id: str, annotator: str, flags: list[str]) -> list[str]:
        with self.db.atomic():
            self.log("set_flags", doc_id, annotator, flags=sorted(flags))
            previous = ann_store.load_annotation(self.db, doc_id, annotator).flags
            ann_store.set_flags(self.db, doc_id, annotator, flags)
        return previous

    def replace_annotation(self, ann: Annotation) -> Annotation:
        """Replace a whole layer (used by import, merge and review); returns the previous layer."""
        check_annotation(ann, self._text(ann.document_id), self._scheme)
        check_annotator_name(ann.annotator, allow_gold=True)
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

    def suggested_stance(self, doc_id: str) -> dict[str, tuple[str, float]]:
        """target -> (value, score) a trained stance classifier suggests; never counted as anyone's work."""
        model = self.suggestion_model()
        return sugg_store.suggested_stance(self.db, doc_id, model) if model else {}

    def open_suggestions(self, doc_id: str, annotator: str, model: str | None = None) -> Suggestions:
        """Suggestions still open for this annotator (the rule of `core.suggestion_rules`, as the window shows)."""
        sugg = self.suggestions(doc_id, model)
        rejected = sugg_store.rejected(self.db, doc_id, annotator)
        taken = {(s.start, s.end) for s in ann_store.spans_of(self.db, doc_id, annotator)}
        taken_events = {(e.trigger_start, e.trigger_end) for e in ann_store.events_of(self.db, doc_id, annotator)}
        labels, types = set(self._scheme.entity_labels), set(self._scheme.event_types)
        sugg.spans = [s for s in sugg.spans if open_span(s.start, s.end, s.label, taken, rejected, labels)]
        sugg.events = [
            e for e in sugg.events if open_event(e.trigger_start, e.trigger_end, e.type, taken_events, rejected, types)
        ]
        return sugg

    def has_suggested_span(self, doc_id: str, start: int, end: int, label: str) -> bool:
        """Whether the current suggestions propose exactly this span."""
        model = self.suggestion_model()
        return bool(model) and sugg_store.has_suggested_span(self.db, doc_id, model or "", start, end, label)

    def reject_suggestion(self, doc_id: str, annotator: str, kind: str, start: int, end: int, label: str) -> None:
        with self.db.atomic():
            self.log("reject_suggestion", doc_id, annotator, kind=kind, start=start, label=label)
            ann_store.touch(self.db, doc_id, annotator)
            sugg_store.reject(self.db, doc_id, annotator, kind, start, end, label)

    def unreject_suggestion(self, doc_id: str, annotator: str, kind: str, start: int, end: int, label: str) -> None:
        with self.db.atomic():
            self.log("unreject_suggestion", doc_id, annotator, kind=kind, start=start)
            sugg_store.unreject(self.db, doc_id, annotator, kind, start, end, label)

    # -- training runs ---------------------------------------------------------------------------------------
    def record_training(self, run: dict) -> None:
        with self.db.atomic():
            training_store.record(self.db, run)
            self.log("train", None, run.get("layer"), model=run.get("name"))

    def log_curve(self, layer: str, points: list[dict]) -> None:
        """A learning curve is logged (not a model): when, which layer, the held-out F1 at each share."""
        with self.db.atomic():
            self.log("train_curve", None, layer, points=points)

    def training_runs(self) -> list[dict]:
        return training_store.runs(self.db)

    def latest_training(self) -> dict | None:
        runs = self.training_runs()
        return runs[-1] if runs else None

    # -- statistics ------------------------------------------------------------------------------------------
    def stats(self) -> dict:
        db = self.db
        per, labels, event_types = stat_store.annotator_counts(db)
        done_docs: dict[str, set[str]] = {}
        for name, doc_id in ann_store.layers_with_status(db, Status.DONE):
            done_docs.setdefault(name, set()).add(doc_id)
        for name, effort in effort_by_annotator(operation_log.times_per_article(db), done_docs).items():
            if name in per:
                per[name]["effort"] = effort
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

    # == issue 11 (one operations layer): what the window used to read and write with its own SQL ============
    # Thin methods over annotator.store, so the GUI talks to the Project only. Kept together, at the end of the
    # class, to ease merging with the core-operations rewrite.

    # -- the document list and status bar ---------------------------------------------------------------------
    def document_rowids(self, annotator: str, filters: DocumentFilters) -> list[int]:
        """Rowids of the documents matching the filters, in document order (a search of a read-only project
        whose index lags behind scans the texts instead)."""
        return document_queries.listed_rowids(self.db, annotator, filters, self.suggestion_model())

    def document_page(self, annotator: str, rowids: list[int]) -> dict[int, tuple[str, str, str]]:
        """rowid -> (id, title, status for the annotator)."""
        return document_queries.page(self.db, annotator, rowids)

    def document_rowids_after(self, rowid: int) -> list[int]:
        """Rowids of the articles added after `rowid` (the unfiltered document list only grows at its end)."""
        return document_queries.rowids_after(self.db, rowid)

    def document_rowid(self, doc_id: str) -> int | None:
        return document_queries.rowid_of(self.db, doc_id)

    def next_not_done(self, annotator: str, doc_id: str) -> str | None:
        """The next document (wrapping around) the annotator has not marked done."""
        return document_queries.next_not_done(self.db, annotator, doc_id)

    def progress(self, annotator: str) -> tuple[int, int]:
        """(documents the annotator marked done, all documents)."""
        return document_queries.progress(self.db, annotator)

    def suggested_count(self, model: str) -> int:
        """Documents with stored suggestions of `model`."""
        return sugg_store.cached_count(self.db, model)

    def has_stale_suggestions(self, model: str) -> bool:
        """Whether some document lacks current suggestions of `model`."""
        return sugg_store.any_stale(self.db, model)

    def search_backlog(self) -> int:
        """Documents the full-text index does not hold yet."""
        return search_index.fts_backlog(self.db)

    def build_search_index(
        self, progress: Callable[[int, int], None] | None = None, stop: Callable[[], bool] | None = None
    ) -> None:
        """Bring the full-text index up to date in short transactions (`stop()` is asked between them)."""
        search_index.ensure_fts(self.db, progress, stop)

    def compared_documents(self) -> list[str]:
        """Documents at least two annotators (not gold) marked done, in project order."""
        return document_queries.compared_documents(self.db, GOLD)

    # -- one article's view -----------------------------------------------------------------------------------
    def article_rows(self, doc_id: str, annotator: str, window: tuple[int, int] | None = None) -> ArticleRows:
        """Span rows for the article view (confirmed, suggested by the current model, rejected), optionally
        only those overlapping `window`."""
        return article_store.article_rows(self.db, doc_id, annotator, self.suggestion_model() or "", window)

    def events(self, doc_id: str, annotator: str) -> list[Event]:
        return ann_store.events_of(self.db, doc_id, annotator)

    def suggested_events(self, doc_id: str, model: str) -> list[SuggestedEvent]:
        """The model's events for the document (all suggestions are read only when there are some)."""
        if not article_store.has_suggested_events(self.db, doc_id, model):
            return []
        return sugg_store.load_suggestions(self.db, doc_id, model).events

    def stance(self, doc_id: str, annotator: str) -> dict[str, str]:
        return ann_store.stance_of(self.db, doc_id, annotator)

    def stance_evidence(self, doc_id: str, annotator: str) -> dict[str, list[Evidence]]:
        return ann_store.evidence_of(self.db, doc_id, annotator)

    def layer_state(self, doc_id: str, annotator: str) -> tuple[str, str, list[str]]:
        """(status, note, flags) of the annotator's layer."""
        return article_store.layer_state(self.db, doc_id, annotator)

    def rejected(self, doc_id: str, annotator: str) -> set[tuple[str, int, int, str]]:
        """(kind, start, end, label) of the suggestions the annotator rejected."""
        return sugg_store.rejected(self.db, doc_id, annotator)

    def record_rejection(self, doc_id: str, annotator: str, kind: str, start: int, end: int, label: str) -> None:
        """Reject a suggestion without touching the layer's state (the caller writes the layer next)."""
        sugg_store.reject(self.db, doc_id, annotator, kind, start, end, label)

    def forget_rejection(self, doc_id: str, annotator: str, kind: str, start: int, end: int, label: str) -> None:
        sugg_store.unreject(self.db, doc_id, annotator, kind, start, end, label)

    def find_span_id(self, doc_id: str, annotator: str, start: int, end: int, label: str) -> int | None:
        """The span at these offsets with this label (undo finds spans by content: ids change)."""
        return ann_store.find_span_id(self.db, doc_id, annotator, start, end, label)

    def find_event_id(self, doc_id: str, annotator: str, start: int, end: int, type_: str) -> int | None:
        return ann_store.find_event_id(self.db, doc_id, annotator, start, end, type_)

    # -- scheme edits that touch stored spans -----------------------------------------------------------------
    def label_usage(self, label: str) -> dict[str, int]:
        """Confirmed spans with this label, per annotator."""
        return label_store.label_usage(self.db, label)

    def rename_label(self, old: str, new: str, scheme: Scheme) -> Scheme:
        """Rename a label in every layer, suggestion and rejection and store `scheme`, in one transaction."""
        with self.db.atomic():
            label_store.rename_label(self.db, old, new)
            return self.set_scheme(scheme)

    def delete_label(self, label: str, scheme: Scheme) -> Scheme:
        """Delete the label's spans and store `scheme` (without it), in one transaction."""
        with self.db.atomic():
            label_store.delete_label_spans(self.db, label)
            return self.set_scheme(scheme)


def set_writer_wait(seconds: float, notify: Callable[[str], None] | None = None) -> None:
    """How long this process's writes wait for other processes' transactions; `notify` hears after 2 s."""
    database.set_wait_policy(seconds, notify)


def _stored_scheme(path: Path, raw: object) -> Scheme:
    """The scheme stored in a project; a damaged one is a ProjectError naming the file."""
    try:
        if not isinstance(raw, str):
            raise SchemeError(f"the stored scheme is not text ({type(raw).__name__})")
        return Scheme.from_json(raw)
    except SchemeError as exc:
        problem = str(exc).removeprefix("project: ")
        raise ProjectError(
            f"{path}: the project's label scheme is damaged ({problem}); restore it from a backup"
        ) from None
