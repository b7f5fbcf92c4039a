"""Running suggestions over a project: what is stale, spaCy in batches, one transaction per batch, progress.

Suggestions are cached per (document, model key, text hash). Besides that, a small per-model state (a digest of
the scheme parts suggestions depend on, and the learned patterns used) decides what else must be redone:
- scheme changed, or a learned pattern disappeared: every document is recomputed;
- new learned patterns only: documents containing them get a cheap, tokenizer-only pattern refresh;
- otherwise only new or changed texts are processed, and an unchanged project loads no pipeline at all.
Progress is reported through a plain callback receiving the same dicts the CLI prints with `--progress json`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from annotator.core.model import Span, Suggestions
from annotator.core.project import Project
from annotator.nlp import models
from annotator.nlp.parallel import shares
from annotator.nlp.patterns import Pattern, confirmed_patterns, merge
from annotator.nlp.trained import TrainedModelError, load_trained, trained_model
from annotator.store import annotations as ann_store
from annotator.store import documents as doc_store
from annotator.store import suggestions as sugg_store

DEFAULT_BATCH_SIZE = 64
PIECE_CHARS = 100_000  # long articles are cut (on paragraph breaks) into pieces of at most this many characters
# The pipeline's memory grows with the text of the batch in flight (about 250 MB per 100k characters with the
# parser): batches counted in documents alone let one 2 MB article (20 pieces in one batch) take 6 GB. So the pieces
# of a long article go through the pipeline one at a time, and a batch of whole articles holds at most this many
# characters (64 news articles of 4 KB fit: smaller batches cost the parser about 20% of its speed).
BATCH_CHARS = 500_000
CANDIDATE = 0.1  # a trained model's entity or trigger candidates from this score on count for its certainty
BEAM_WIDTH = 8  # the beam that scores a trained entity recognizer's candidates (as Prodigy's ner.teach does)

Progress = Callable[[dict], None]
T = TypeVar("T")


@dataclass
class SuggestReport:
    model: str
    documents: int = 0  # documents in the project
    processed: int = 0  # documents run through the pipeline
    refreshed: int = 0  # documents whose learned-pattern suggestions were refreshed (tokenizer only)
    cached: int = 0  # documents whose stored suggestions were still valid
    tokens: int = 0
    seconds: float = 0.0  # the whole run
    load_seconds: float = 0.0  # of which loading the pipeline
    cancelled: bool = False
    dropped: Counter[str] = field(default_factory=Counter)  # model labels the scheme lacks
    entities_by_label: dict[str, int] = field(default_factory=dict)  # stored for this model, all documents
    events_by_type: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @property
    def entities(self) -> int:
        return sum(self.entities_by_label.values())

    @property
    def events(self) -> int:
        return sum(self.events_by_type.values())

    @property
    def tokens_per_second(self) -> float | None:
        work = self.seconds - self.load_seconds
        return self.tokens / work if work > 0 and self.tokens else None


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """Cut a long text into (offset, piece) of at most `limit` characters, preferring paragraph breaks."""
    if len(text) <= limit:
        return [(0, text)]
    pieces, start, n = [], 0, len(text)
    while n - start > limit:
        end = start + limit
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):  # search only the back half, so each cut is O(limit)
            i = text.rfind(sep, start + limit // 2, end)
            if i != -1:
                cut = i + len(sep)
                break
        if cut <= start:
            cut = end
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _char_batches(items: Iterator[tuple[str, T, bool]], size: int, chars: int) -> Iterator[list[tuple[str, T]]]:
    """Group (text, context, alone) into batches of at most `size` items and (beyond the first item) `chars`
    characters; an item marked `alone` (a piece of a long article) is a batch of its own."""
    batch: list[tuple[str, T]] = []
    held = 0
    for text, ctx, alone in items:
        if batch and (alone or len(batch) >= size or held + len(text) > chars):
            yield batch
            batch, held = [], 0
        batch.append((text, ctx))
        held += len(text)
        if alone:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def scheme_digest(project: Project) -> str:
    scheme = project.scheme
    parts = {
        "language": project.language,
        "entities": scheme.entity_labels,
        "label_map": scheme.extra.get("label_map"),
        "events": [[ev.type, list(ev.roles), list(ev.triggers)] for ev in scheme.events],
    }
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def learned_patterns(project: Project) -> list[Pattern]:
    return confirmed_patterns(ann_store.labelled_span_texts(project.db), project.scheme)


def _state_key(model_key: str) -> str:
    return f"suggestion_state:{model_key}"


def _load_state(project: Project, model_key: str) -> dict | None:
    raw = project.setting(_state_key(model_key))
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _save_state(project: Project, model_key: str, digest: str, patterns: list[Pattern]) -> None:
    state = {"scheme": digest, "patterns": [list(p) for p in patterns]}
    project.set_setting(_state_key(model_key), json.dumps(state, ensure_ascii=False))


def plan(project: Project, key: str, digest: str, patterns: list[Pattern]) -> tuple[list[str], list[str]]:
    """(ids to run through the pipeline, ids needing only a learned-pattern refresh), in document order."""
    db = project.db
    state = _load_state(project, key)
    old = {tuple(p) for p in state["patterns"]} if state else set()
    if state is None or state.get("scheme") != digest or not old <= set(patterns):
        # Invalidate in the same transaction that records the new state: an interrupted run resumes correctly.
        with db.atomic():
            sugg_store.forget_model(db, key)
            _save_state(project, key, digest, patterns)
        return sugg_store.stale_documents(db, key), []
    stale = sugg_store.stale_documents(db, key)
    added = [text for _, text in set(patterns) - old]
    if not added:
        return stale, []
    skip = set(stale)
    refresh = [
        doc_id
        for doc_id, text in sugg_store.cached_texts(db, key)
        if doc_id not in skip and any(t in text for t in added)
    ]
    return stale, refresh


def _texts(project: Project, ids: list[str], chunk: int = 64) -> Iterator[tuple[str, str, str]]:
    for i in range(0, len(ids), chunk):
        part = ids[i : i + chunk]
        rows = doc_store.texts_and_hashes(project.db, part)
        yield from (rows[d] for d in part if d in rows)


class _Run:
    """State of one suggest run: the pipeline, matchers, and the batch being committed."""

    def __init__(
        self,
        project: Project,
        spec: models.ModelSpec,
        patterns: list[Pattern],
        report: SuggestReport,
        trained: tuple | None = None,
    ):
        from annotator.nlp.entities import LabelMapper, PatternMatcher
        from annotator.nlp.events import TriggerMatcher

        self.project, self.spec, self.report = project, spec, report
        scheme = project.scheme
        # a model trained on the project (`annotator train`): the labels, trigger types and roles it scored best on
        run = trained[1] if trained is not None else {}

        def chosen(choice: dict) -> frozenset[str]:
            return frozenset(k for k, v in choice.items() if v == "trained")

        self.choice = dict(run.get("choice", {}))
        self.trained_labels = chosen(self.choice)
        self.trained_types = chosen(run.get("event_choice", {}))
        self.trained_roles = chosen(run.get("argument_choice", {}))
        # the parser, tagger and lemmatizer serve the trigger lists and the argument rules (and the sentences that
        # learned argument phrases are given to triggers in): needed with trigger lists or trained triggers
        self.with_events = any(ev.triggers for ev in scheme.events) or bool(self.trained_types | self.trained_roles)
        started = time.perf_counter()
        self.nlp = models.load(spec, events=self.with_events)
        report.load_seconds = time.perf_counter() - started
        if spec.is_blank:
            models.fill_ruler(self.nlp, patterns)
        self.patterns = PatternMatcher(self.nlp, patterns)
        self.mapper = LabelMapper(scheme)
        self.triggers = TriggerMatcher(self.nlp, scheme)
        self.with_arguments = models.has_parser(self.nlp)
        self.pending: list[tuple[Suggestions, str]] = []
        self.done = 0
        self.lock: threading.Lock | contextlib.nullcontext = contextlib.nullcontext()
        self.trained = None
        if trained is not None:
            # a component no label, type or role is taken from is not run (the argument one costs the most)
            unused = {"ner": self.trained_labels, "spancat": self.trained_types, "arguments": self.trained_roles}
            self.trained = load_trained(trained[0], [name for name, used in unused.items() if not used])
            if "spancat" in self.trained.pipe_names:  # candidates below the threshold tell where it is unsure
                spancat: Any = self.trained.get_pipe("spancat")
                spancat.cfg["threshold"] = CANDIDATE

    def stance(self, trained) -> dict[str, tuple[str, float]]:
        """The trained stance classifier's value per target (highest score), if the project's model has one;
        `trained`: the trained pipeline's Doc of the article (or None)."""
        if trained is None or self.trained is None or "textcat_multilabel" not in self.trained.pipe_names:
            return {}
        from annotator.nlp.training import predict_stance

        cats = trained.cats
        out = {}
        for target in self.project.scheme.stance_targets:
            value, score = predict_stance(cats, target)
            if value is not None and value in self.project.scheme.stance_values:
                out[target] = (value, round(score, 4))
        return out

    def run_trained(self, texts: list[str]) -> list:
        """The trained pipeline's Docs of a batch of pieces (None each without a trained model), in one pass, with
        the beam's scores of its entity candidates (for the certainty) attached as `user_data["entity_scores"]`."""
        if self.trained is None:
            return [None] * len(texts)
        docs = list(self.trained.pipe(texts, batch_size=max(1, len(texts))))
        if self.trained_labels and "ner" in self.trained.pipe_names:
            ner: Any = self.trained.get_pipe("ner")
            for doc, scored in zip(docs, ner.scored_ents(ner.beam_parse(docs, beam_width=BEAM_WIDTH)), strict=True):
                doc.user_data["entity_scores"] = scored
        return docs

    def certainty(self, trained, with_stance: bool = True) -> float | None:
        """How sure the trained model is of its least sure decision in this doc (0 .. 1; an article's pieces: the
        lowest): max(p, 1 - p) of each entity candidate of a label it suggests (scored by a beam, see run_trained)
        and each trigger candidate, and (`with_stance`: the article's first piece) the score of each stance
        target's suggested value. None without a trained model."""
        if trained is None or self.trained is None:
            return None
        from annotator.nlp.events import trained_triggers

        sure = [max(p, 1 - p) for *_, p in trained_triggers(trained, set(self.trained_types), CANDIDATE)]
        scored = trained.user_data.get("entity_scores", {})
        sure += [
            max(p, 1 - p) for (_, _, label), p in scored.items() if label in self.trained_labels and p >= CANDIDATE
        ]
        if with_stance:
            sure += [score for _, score in self.stance(trained).values()]
        return round(min(sure), 4) if sure else 1.0

    def triggers_of(self, trained) -> list[tuple[int, int, str, float]]:
        """The trained span categorizer's triggers (types it scored best on) in the trained Doc of a piece."""
        if trained is None or not self.trained_types:
            return []
        from annotator.nlp.events import best_spans, trained_triggers

        return best_spans(trained_triggers(trained, set(self.trained_types)))

    def arguments_of(self, trained) -> list[tuple[int, int, str, float]]:
        """The trained argument component's phrases (roles it scored best on) in the trained Doc of a piece."""
        if trained is None or not self.trained_roles:
            return []
        from annotator.nlp.events import ARGUMENTS_KEY, best_spans, trained_spans

        return best_spans(trained_spans(trained, set(self.trained_roles), key=ARGUMENTS_KEY))

    def entity_spans(self, doc, offset: int, trained=None) -> list[Span]:
        """The base model's spans, except for labels the trained model does better, which come from it."""
        from annotator.nlp.entities import model_spans

        found = model_spans(doc, self.mapper, offset)
        if self.trained is None:
            return found
        base = [s for s in found if self.choice.get(s.label, "model") != "trained"]
        trained = [
            replace(s, source="trained")
            for s in model_spans(trained if trained is not None else self.trained(doc.text), self.mapper, offset)
            if self.choice.get(s.label) == "trained"
        ]
        return sorted(base + trained)

    def commit(self, total: int, progress: Progress | None) -> None:
        if not self.pending:
            return
        sugg_store.write_many(self.project.db, self.pending)
        with self.lock:  # other shares' progress is relayed from a thread (nlp.parallel)
            if progress:
                for sugg, _ in self.pending:
                    self.done += 1
                    progress({"event": "document", "id": sugg.document_id, "done": self.done, "total": total})
            else:
                self.done += len(self.pending)
        self.pending = []

    def run_pipeline(self, ids: list[str], total: int, batch_size: int, piece_chars: int, progress, cancel) -> bool:
        """Process `ids` with the pipeline; returns False if cancelled."""
        from annotator.nlp.events import suggest_events

        limit = max(1000, min(piece_chars, self.nlp.max_length - 1))
        meta: dict[str, tuple[str, int]] = {}  # doc id -> (text hash, number of pieces)

        def pieces() -> Iterator[tuple[str, tuple[str, int], bool]]:
            for doc_id, text, text_hash in _texts(self.project, ids):
                parts = split_text(text, limit)
                meta[doc_id] = (text_hash, len(parts))
                for offset, piece in parts:
                    yield piece, (doc_id, offset), len(parts) > 1

        spans: list[Span] = []
        stance: dict[str, tuple[str, float]] = {}
        events: list = []
        certainty: float | None = None
        seen = 0
        for batch in _char_batches(pieces(), batch_size, BATCH_CHARS):
            trained_docs = iter(self.run_trained([text for text, _ in batch]))
            for doc, (doc_id, offset) in self.nlp.pipe(batch, batch_size=len(batch), as_tuples=True):
                self.report.tokens += len(doc)
                trained = next(trained_docs)
                found = self.entity_spans(doc, offset, trained)
                if offset == 0:  # the article's stance, from its (first) piece
                    stance = self.stance(trained)
                piece_certainty = self.certainty(trained, with_stance=offset == 0)
                if piece_certainty is not None:
                    certainty = piece_certainty if certainty is None else min(certainty, piece_certainty)
                spans += merge(self.patterns.spans(doc, offset), found)
                events += suggest_events(
                    doc,
                    self.triggers,
                    offset,
                    with_arguments=self.with_arguments,
                    trained=self.triggers_of(trained),
                    trained_types=self.trained_types,
                    trained_arguments=self.arguments_of(trained),
                    trained_roles=self.trained_roles,
                )
                del doc  # released before the next piece is parsed
                seen += 1
                text_hash, n_pieces = meta[doc_id]
                if seen < n_pieces:
                    continue
                del meta[doc_id]
                found_all = Suggestions(doc_id, self.spec.key, spans, events, stance, certainty)
                self.pending.append((found_all, text_hash))
                self.report.processed += 1
                spans, events, seen, certainty = [], [], 0, None
                if len(self.pending) >= batch_size:
                    self.commit(total, progress)
                    if cancel and cancel():
                        return False
        self.commit(total, progress)
        self.report.dropped = self.mapper.dropped
        return True

    def refresh_patterns(self, ids: list[str], total: int, batch_size: int, piece_chars: int, progress, cancel):
        db, key = self.project.db, self.spec.key
        for doc_id, text, text_hash in _texts(self.project, ids):
            old = sugg_store.load_suggestions(db, doc_id, key)
            learned = []
            for offset, piece in split_text(text, piece_chars):
                learned += self.patterns.spans(self.nlp.make_doc(piece), offset)
            spans = merge(learned, [s for s in old.spans if s.source in ("model", "trained")])
            kept = Suggestions(doc_id, key, spans, old.events, old.stance, old.certainty)
            self.pending.append((kept, text_hash))
            self.report.refreshed += 1
            if len(self.pending) >= batch_size:
                self.commit(total, progress)
                if cancel and cancel():
                    return False
        self.commit(total, progress)
        return True


def suggest_project(
    project: Project,
    model: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    *,
    piece_chars: int = PIECE_CHARS,
    processes: int = 1,
    only: list[str] | None = None,
) -> SuggestReport:
    """Compute the suggestions that are missing or stale; `model` (a name or folder) becomes the project's model.
    `processes`: deal the stale articles out to that many processes (see nlp.parallel). `only`: compute exactly
    these articles and save no run state (a share of a parallel run).

    Raises ModelError (and leaves the project's model unchanged) if `model` cannot be found or loaded.
    """
    started = time.perf_counter()
    base = spec = models.resolve(model or project.model, project.language)
    trained_notice = None
    try:
        trained = trained_model(project)
    except TrainedModelError as exc:  # a project copied without PROJECT.models: the base pipeline, said once
        trained, trained_notice = None, str(exc)
    if trained is not None:  # the cache key names the trained model too: a new training recomputes suggestions
        spec = replace(base, key=f"{base.key}+{trained[1]['name']}")
    report = SuggestReport(model=spec.key, documents=project.document_count())
    patterns = learned_patterns(project)
    digest = scheme_digest(project)
    notice = models.fallback_notice(spec)
    if notice:
        report.notices.append(notice)
        if progress:
            progress({"event": "notice", "message": notice})
    run = None
    if _has_work(project, spec.key, digest, patterns):
        try:
            run = _Run(project, spec, patterns, report, trained)
        except TrainedModelError as exc:  # its files are damaged: the base pipeline, said once
            trained, trained_notice, spec = None, str(exc), base
            report.model = spec.key
            run = _Run(project, spec, patterns, report) if _has_work(project, spec.key, digest, patterns) else None
    if trained_notice:
        report.notices.append(trained_notice)
        if progress:
            progress({"event": "notice", "message": trained_notice})
    with project.db.atomic():  # committed now: set_model alone would leave an implicit transaction open
        if model:
            project.set_model(models.stored_name(model, spec))  # only now: resolved, and loaded if needed
        if run:
            # Current from the start, so a window shows each article's suggestions as soon as its batch is
            # committed, and a cancelled run's committed suggestions stay visible.
            project.set_setting("suggestion_model", spec.key)
    stale, refresh = plan(project, spec.key, digest, patterns) if run else ([], [])
    if only is not None:  # a share of a parallel run: exactly these articles, no learned-pattern refresh
        wanted = set(only)
        stale, refresh = [d for d in stale if d in wanted], []
    total = len(stale) + len(refresh)
    report.cached = report.documents - total
    if progress:
        progress({"event": "start", "total": total, "model": spec.key})
    batch_size = max(1, batch_size)
    ok = True
    parts = shares(stale, processes) if run and only is None and processes > 1 else [stale]
    children = None
    if len(parts) > 1:
        from annotator.nlp.parallel import Children

        lock = threading.Lock()

        def relayed(doc_id: str) -> None:  # another share committed an article: one progress for the run
            with lock:
                assert run is not None
                run.done += 1
                report.processed += 1
                if progress:
                    progress({"event": "document", "id": doc_id, "done": run.done, "total": total})

        assert run is not None
        children = Children(project.path, parts[1:], relayed)
        run.lock = lock
        stale = parts[0]
    if run and stale:
        ok = run.run_pipeline(stale, total, batch_size, piece_chars, progress, cancel)
    if children is not None:
        if not ok:
            children.cancel()
        ok = children.wait() and ok
        if children.errors:
            report.notices.extend(children.errors)
    if run and ok and refresh:
        ok = run.refresh_patterns(refresh, total, batch_size, piece_chars, progress, cancel)
    report.cancelled = not ok
    with project.db.atomic():
        if ok and run and only is None:
            _save_state(project, spec.key, digest, patterns)
        project.set_setting("suggestion_model", spec.key)
    counts = sugg_store.suggestion_counts(project.db, spec.key)
    report.entities_by_label, report.events_by_type = counts["by_label"], counts["by_event_type"]
    report.seconds = time.perf_counter() - started
    if progress:
        progress(
            {
                "event": "finished",
                "processed": report.processed + report.refreshed,
                "cached": report.cached,
                "entities": report.entities,
                "events": report.events,
            }
        )
    return report


def _has_work(project: Project, key: str, digest: str, patterns: list[Pattern]) -> bool:
    """Cheap check (no pipeline) whether anything must be computed."""
    state = _load_state(project, key)
    if state is None or state.get("scheme") != digest or [tuple(p) for p in state["patterns"]] != patterns:
        return project.document_count() > 0
    return bool(sugg_store.stale_documents(project.db, key))
