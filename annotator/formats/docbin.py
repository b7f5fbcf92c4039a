"""spaCy DocBin (`.spacy`): writing one layer as training data, a ready training config, and reading it back.

Per document:
- entity spans -> `doc.ents` (spaCy allows no overlap there: the longest wins, the others are reported) and
  *all* entity spans -> `doc.spans["entities"]`, so nothing is lost;
- event triggers -> `doc.spans["events"]` labelled with the event type, arguments -> `doc.spans["event_args"]`
  labelled with the role;
- stance -> `doc.cats`: for each target that is set, `"Target=value"` is 1.0 and every other value of that
  target 0.0; unset targets are left out (missing, not negative);
- `doc.user_data`: the layer exactly as annotated (JSON-serialisable, original character offsets):
  {"id", "annotator", "spans": [{"start", "end", "label"}],
   "events": [{"type", "trigger": [start, end], "arguments": [{"role", "start", "end"}]}], "stance": {...},
   "stance_evidence": {target: [[start, end], ...]}}.

Tokens covered by an entity that could not go into `doc.ents` (skipped, or overlapping a longer one) are marked
*missing* for NER rather than "outside", so a model is not taught that they are no entity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.limits import MAX_DOCBIN_FILE_BYTES, MAX_DOCBIN_RATIO, docbin_expanded_limit, megabytes
from annotator.core.model import Annotation, Argument, Document, Event, Evidence, Span, Status
from annotator.formats.alignment import Aligner, ExportReport, non_overlapping

ENTITIES_KEY = "entities"
EVENTS_KEY = "events"
ARGS_KEY = "event_args"
DOCBIN_ATTRS = ["ENT_IOB", "ENT_TYPE"]  # ORTH and SPACY are always stored


def annotation_to_doc(nlp, document: Document, ann: Annotation, stance_values, align: Aligner):
    """One spaCy Doc (tokenised by `nlp.make_doc`, so doc.text is the stored text) for one layer."""
    from spacy.tokens import Span as SpacySpan

    doc = nlp.make_doc(document.text)
    report = align.report
    doc_id = document.id
    fit = align.document(doc, doc_id, document.text)
    entities, skipped = [], []
    for s in sorted(ann.spans):
        span = fit("entity", s.start, s.end, s.label)
        if span is not None:
            entities.append(span)
        else:
            skipped.append(s)
    kept, dropped = non_overlapping(entities)
    missing_tokens: set[int] = set()
    for span, other in dropped:
        what = "duplicate of" if (span.start, span.end) == (other.start, other.end) else "overlaps"
        report.add(
            doc_id,
            "entity",
            span.start_char,
            span.end_char,
            span.label_,
            span.text,
            "not in doc.ents",
            reason=f"{what} {other.label_} {other.text!r} in doc.ents; kept in doc.spans[{ENTITIES_KEY!r}]",
        )
        missing_tokens.update(range(span.start, span.end))
    for s in skipped:  # strict/contract-skipped entities: their tokens are unknown, not "outside"
        near = doc.char_span(s.start, s.end, alignment_mode="expand")
        if near is not None:
            missing_tokens.update(t.i for t in near if not t.is_space)
    for span in kept:
        missing_tokens.difference_update(range(span.start, span.end))
    missing = [SpacySpan(doc, i, i + 1) for i in sorted(missing_tokens)]
    doc.set_ents(kept, missing=missing, default="outside")
    doc.spans[ENTITIES_KEY] = entities
    report.counts["entity"] += len(entities)

    triggers, arguments = [], []
    for ev in sorted(ann.events, key=lambda e: (e.trigger_start, e.trigger_end, e.type)):
        span = fit("trigger", ev.trigger_start, ev.trigger_end, ev.type)
        if span is not None:
            triggers.append(span)
        for arg in sorted(ev.arguments):
            span = fit("argument", arg.start, arg.end, arg.role, event=ev.type)
            if span is not None:
                arguments.append(span)
    if ann.events:
        doc.spans[EVENTS_KEY] = triggers
        doc.spans[ARGS_KEY] = arguments
    report.counts["trigger"] += len(triggers)
    report.counts["argument"] += len(arguments)

    for target, value in sorted(ann.stance.items()):
        values = list(stance_values)
        if value not in values:
            values.append(value)
        for v in values:
            doc.cats[f"{target}={v}"] = 1.0 if v == value else 0.0
        report.counts["stance"] += 1

    doc.user_data.update(layer_to_user_data(document, ann))
    if document.meta:
        doc.user_data["meta"] = document.meta
    return doc


def layer_to_user_data(document: Document, ann: Annotation) -> dict:
    return {
        "id": document.id,
        "annotator": ann.annotator,
        "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in sorted(ann.spans)],
        "events": [
            {
                "type": e.type,
                "trigger": [e.trigger_start, e.trigger_end],
                "arguments": [{"role": a.role, "start": a.start, "end": a.end} for a in sorted(e.arguments)],
            }
            for e in sorted(ann.events, key=lambda e: (e.trigger_start, e.trigger_end, e.type))
        ],
        "stance": dict(ann.stance),
        "stance_evidence": {t: [[ev.start, ev.end] for ev in sorted(evs)] for t, evs in ann.stance_evidence.items()},
    }


def docs_from_layer(
    pairs: Iterable[tuple[Document, Annotation]], nlp, scheme, report: ExportReport, tick: Callable[[], None]
) -> Iterator:
    align = Aligner(report, report.align)
    for document, ann in pairs:
        yield annotation_to_doc(nlp, document, ann, scheme.stance_values, align)
        tick()


def write_docbin(
    pairs: Iterable[tuple[Document, Annotation]],
    path: Path,
    nlp,
    scheme,
    report: ExportReport,
    tick: Callable[[], None] = lambda: None,
) -> set[str]:
    """Write a `.spacy` file; returns the trainable components the data supports (ner, spancat, textcat)."""

    found: set[str] = set()
    db = _docbin_class()(attrs=DOCBIN_ATTRS, store_user_data=True)
    with frozen_msgpack_registries():
        for doc in docs_from_layer(pairs, nlp, scheme, report, tick):
            if doc.ents:
                found.add("ner")
            if doc.spans.get(EVENTS_KEY):
                found.add("spancat")
            if doc.cats:
                found.add("textcat")
            db.add(doc)
        db.to_disk(path)
    return found


def _docbin_class():
    """spaCy's DocBin with a faster `add` for tokenizer-only Docs (same file, same Docs back).

    DocBin.add stores nine strings per token in a Python loop (tag, lemma, norm, morph, dep, kb ids) for
    attributes a tokenizer-only Doc does not have and DOCBIN_ATTRS does not store; with it the DocBin costs
    as much as tokenising. Only the token texts and the entity and span labels are needed to read it back.
    """
    import numpy
    import srsly
    from spacy.attrs import SPACY
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    class TrainingDocBin(DocBin):
        def __init__(self, *args, **kwargs) -> None:
            self.orths: set[int] = set()
            self.vocab: Vocab | None = None  # the vocab of the docs added, to turn their ORTH hashes into strings
            super().__init__(*args, **kwargs)

        def to_bytes(self) -> bytes:
            if self.orths and self.vocab is not None:
                strings = self.vocab.strings
                self.strings.update(strings[orth] for orth in self.orths)
                self.orths.clear()
            return super().to_bytes()

        def add(self, doc) -> None:
            array = doc.to_array(self.attrs)
            if len(array.shape) == 1:
                array = array.reshape((array.shape[0], 1))
            self.tokens.append(array)
            spaces = doc.to_array(SPACY).reshape((-1, 1))
            self.spaces.append(numpy.asarray(spaces, dtype=bool))
            self.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
            # attrs[0] is always ORTH: keep the hashes, turn the distinct ones into strings once, when writing
            self.orths.update(array[:, 0].tolist())
            self.vocab = doc.vocab
            for ent in doc.ents:
                self.strings.add(ent.label_)
            self.cats.append(doc.cats)
            if self.store_user_data:
                self.user_data.append(srsly.msgpack_dumps(doc.user_data))
            self.span_groups.append(doc.spans.to_bytes())
            for group in doc.spans.values():
                for span in group:
                    self.strings.add(span.label_)

    return TrainingDocBin


@contextmanager
def frozen_msgpack_registries():
    """Look srsly's msgpack encoders/decoders up once instead of on every pack/unpack.

    srsly rescans entry points and catalogue's whole registry each time it packs (about 1.5 ms here), and a
    DocBin packs user_data and every span group of every document: without this an export of 10,000 articles
    spends over a minute in that look-up alone. Nothing registers msgpack encoders during an export.
    """
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    patched = []
    for registry in (msgpack_encoders, msgpack_decoders):
        if "get_all" in vars(registry):  # already frozen by an outer call
            continue
        functions = registry.get_all()
        registry.get_all = lambda functions=functions: dict(functions)
        patched.append(registry)
    try:
        yield
    finally:
        for registry in patched:
            del registry.get_all


# -- the training config -----------------------------------------------------------------------------------------
def training_config(lang: str, components: set[str]) -> str:
    """A CPU/efficiency config from spaCy's own template (`spacy init config`) for the components given.

    Stance becomes one `textcat_multilabel` over all "Target=value" keys: spaCy's exclusive `textcat` checks
    *all* of doc.cats for a single 1.0, so one exclusive textcat per target fails as soon as a document has
    stance on two targets; the multilabel component treats unset targets as missing, which is what we want.
    """
    from spacy.cli.init_config import init_config

    from annotator.formats.export import ExportError

    pipeline = [c for c in ("ner", "spancat", "textcat_multilabel") if c.split("_")[0] in components]
    if not pipeline:
        raise ExportError("the layer has no entities, events or stance in doc.ents/spans/cats: nothing to train")
    config = init_config(lang=lang, pipeline=pipeline, optimize="efficiency", gpu=False, pretraining=False)
    config["paths"]["train"] = "train.spacy"
    config["paths"]["dev"] = "dev.spacy"
    if "spancat" in pipeline:
        config["components"]["spancat"]["spans_key"] = EVENTS_KEY
        weights = config["training"]["score_weights"]
        for suffix in ("f", "p", "r"):
            weights[f"spans_{EVENTS_KEY}_{suffix}"] = weights.pop(f"spans_sc_{suffix}")
    header = (
        "# Generated by `annotator export --format spacy --dev` with spaCy's own template (spacy init config).\n"
        "# Train: python -m spacy train config.cfg --paths.train train.spacy --paths.dev dev.spacy --output model\n"
    )
    return header + config.to_str()


# -- reading -------------------------------------------------------------------------------------------------
def read(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    """Import a `.spacy` file: doc.text as the article, entities as the layer of the importing annotator.

    Files we wrote carry the exact layer in user_data (spans, events, stance) and it is used as is; otherwise
    doc.ents and every span group (except our event keys) become entity spans.
    """
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    path = Path(path)
    data = _bounded_docbin_bytes(path)
    try:
        with frozen_msgpack_registries():
            db = DocBin().from_bytes(data)
            del data
            docs = list(db.get_docs(Vocab()))
    except Exception as exc:  # DocBin raises assorted errors (msgpack, zlib, KeyError) for a bad file
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise InputFileError(path, f"not a spaCy DocBin file ({type(exc).__name__}: {message})") from None
    if not docs:
        raise InputFileError(path, "the DocBin holds no documents")
    base = doc_id or path.name
    for n, doc in enumerate(docs, start=1):
        if not doc.text:
            continue
        ident = doc.user_data.get("id")
        ident = (
            str(ident) if isinstance(ident, str | int) and ident != "" else base if len(docs) == 1 else f"{base}#{n}"
        )
        meta = doc.user_data.get("meta")
        document = Document(ident, doc.text, meta if isinstance(meta, dict) else {})
        if isinstance(doc.user_data.get("spans"), list | tuple):
            try:
                ann = _layer_from_user_data(doc.user_data, ident)
            except _BadLayer as exc:
                raise InputFileError(path, f"document {n} ({ident!r}): user_data {exc}") from None
        else:
            ann = None
        if ann is None:
            ann = Annotation(ident, "", Status.DONE, spans=_doc_spans(doc))
        yield ImportRecord(document, ann, str(path), None, default_annotator="imported")


def _bounded_docbin_bytes(path: Path) -> bytes:
    """The file's zlib stream, checked to expand within the limits before spaCy expands it (a zlib bomb of 1.5 MB
    would otherwise take gigabytes); returned recompressed without compression, which spaCy reads at copy speed."""
    import zlib

    try:
        size = path.stat().st_size
        if size > MAX_DOCBIN_FILE_BYTES:
            raise InputFileError(
                path, f"the .spacy file is {megabytes(size)}, over the limit of {megabytes(MAX_DOCBIN_FILE_BYTES)}"
            )
        compressed = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read file ({exc.strerror})") from None
    limit = docbin_expanded_limit(len(compressed))
    inflate = zlib.decompressobj()
    try:
        raw = inflate.decompress(compressed, limit + 1)
    except zlib.error as exc:
        raise InputFileError(path, f"not a spaCy DocBin file (not zlib-compressed data: {exc})") from None
    if len(raw) > limit or inflate.unconsumed_tail:
        raise InputFileError(
            path,
            f"the .spacy file expands to more than {megabytes(limit)}, the limit for its size ({MAX_DOCBIN_RATIO} times "
            "the file, at least 64 MB): refused as a likely decompression bomb",
        )
    if not inflate.eof:
        raise InputFileError(path, "not a spaCy DocBin file (the compressed data is truncated)")
    del compressed
    return zlib.compress(raw, 0)


def _doc_spans(doc) -> list[Span]:
    seen: dict[tuple[int, int, str], Span] = {}
    groups = [doc.spans[key] for key in doc.spans if key not in (EVENTS_KEY, ARGS_KEY)]
    for span in [*doc.ents, *(s for g in groups for s in g)]:
        key = (span.start_char, span.end_char, span.label_)
        if span.label_ and key not in seen:
            seen[key] = Span(*key, source="import")
    return sorted(seen.values())


class _BadLayer(ValueError):
    pass


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _BadLayer(f"{what} must be a whole number")
    return value


def _str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _BadLayer(f"{what} must be a string")
    return value


def _pair(value: object, what: str) -> tuple[int, int]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise _BadLayer(f"{what} must be a [start, end] pair")
    return _int(value[0], f"{what} start"), _int(value[1], f"{what} end")


def _items(value: object, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise _BadLayer(f"{what} must be a list")
    return list(value)


def _mapping(value: object, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _BadLayer(f"{what} must be a mapping")
    return value


def _record(value: object, what: str, keys: tuple[str, ...]) -> dict:
    if not isinstance(value, dict) or any(k not in value for k in keys):
        raise _BadLayer(f"{what} must be a mapping with {', '.join(keys)}")
    return value


def _layer_from_user_data(data: dict, doc_id: str) -> Annotation:
    """The layer we wrote into user_data; _BadLayer names what is malformed."""
    spans = []
    for i, raw in enumerate(_items(data["spans"], "spans")):
        s = _record(raw, f"spans[{i}]", ("start", "end", "label"))
        start, end = _int(s["start"], f"spans[{i}] start"), _int(s["end"], f"spans[{i}] end")
        spans.append(Span(start, end, _str(s["label"], f"spans[{i}] label"), source="import"))
    events = []
    for i, raw in enumerate(_items(data.get("events"), "events")):
        e = _record(raw, f"events[{i}]", ("type", "trigger"))
        args = []
        for j, a in enumerate(_items(e.get("arguments"), f"events[{i}] arguments")):
            a = _record(a, f"events[{i}] arguments[{j}]", ("role", "start", "end"))
            where = f"events[{i}] arguments[{j}]"
            args.append(Argument(_str(a["role"], f"{where} role"), _int(a["start"], where), _int(a["end"], where)))
        start, end = _pair(e["trigger"], f"events[{i}] trigger")
        events.append(Event(_str(e["type"], f"events[{i}] type"), start, end, tuple(args), source="import"))
    stance = {}
    for target, value in _mapping(data.get("stance"), "stance").items():
        stance[_str(target, "stance target")] = _str(value, f"stance[{target!r}]")
    evidence = {}
    for target, items in _mapping(data.get("stance_evidence"), "stance_evidence").items():
        what = f"stance_evidence[{target!r}]"
        evidence[_str(target, "stance_evidence target")] = [Evidence(*_pair(it, what)) for it in _items(items, what)]
    return Annotation(doc_id, "", Status.DONE, spans=spans, events=events, stance=stance, stance_evidence=evidence)
