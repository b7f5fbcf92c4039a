"""doccano JSONL, every shape its versions export, as lines or as one (pretty-printed) JSON array:

    {"id": 1, "text": "...", "label": [[0, 5, "LOC"]]}                       sequence labelling (1.x)
    {"text": "...", "labels": [[0, 5, "LOC"]]}                               import format
    {"text": "...", "entities": [{"id": 7, "label": "LOC", "start_offset": 0, "end_offset": 5}],
     "relations": [...], "cats": [...]}                                       relation / intent projects
    {"text": "...", "annotations": [{"label": 3, "start_offset": 0, "end_offset": 5, "user": 1}]}  old export
    {"data": "...", "label": [...]}                                           1.0-1.2 (text under "data")

A line holds no annotator (doccano exports one file per user); a line without spans, stance or events imports
only the article (doccano writes `label: []` for examples nobody annotated): the layer is `--annotator`'s, default `imported`;
the old `annotations` shape keeps its users apart (`user1`, `user2`). String labels of a text classification
(`label: ["positive"]`) and relations are counted as not imported; `cats` of the form `Target=value` for a stance
target of the scheme are stance (that is how we export stance). doccano gives no span texts: offsets are code
points unless reading them as UTF-16 units (older doccano) puts clearly more spans on word boundaries.
Writing: `label: [[start, end, label]]` in code points, plus our `events` and stance as `cats`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.model import Annotation, Document, Span, Status
from annotator.formats.jsondocs import iter_objects
from annotator.formats.jsonl import _Bad, _int, annotation_from_json, record_from_json
from annotator.formats.offsets import Offsets, describe_mismatch

WHAT = "a doccano line"


def read(path: Path, doc_id: str | None = None, stance_targets: Iterable[str] = ()) -> Iterator[ImportRecord]:
    path = Path(path)
    for line, obj in iter_objects(path, "doccano JSONL"):
        try:
            yield from _records(obj, path, line)
        except _Bad as exc:
            raise InputFileError(path, f"{WHAT}: {exc}", line) from None


def _triples(obj: dict, key: str, counts: Counter) -> list[tuple[int, int, str, str | None]]:
    """(start, end, label, user) from any of doccano's span shapes under `key`."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"'{key}' must be a list")
    out: list[tuple[int, int, str, str | None]] = []
    for i, item in enumerate(value):
        if isinstance(item, list | tuple):
            if len(item) != 3:
                raise _Bad(f"{key}[{i}] must be [start, end, label], got {item!r}")
            start, end, label = item
            out.append((_int(start, f"{key}[{i}] start"), _int(end, f"{key}[{i}] end"), _name(label, key, i), None))
        elif isinstance(item, dict):
            if "start_offset" not in item or "end_offset" not in item:
                if "label" in item:  # a category of a classification project
                    counts["category label(s)"] += 1
                    continue
                raise _Bad(f"{key}[{i}] needs 'start_offset' and 'end_offset'")
            user = item.get("user")
            out.append(
                (
                    _int(item["start_offset"], f"{key}[{i}] start_offset"),
                    _int(item["end_offset"], f"{key}[{i}] end_offset"),
                    _name(item.get("label"), key, i),
                    None if user is None else str(user),
                )
            )
        elif isinstance(item, str):
            counts["category label(s)"] += 1
        else:
            raise _Bad(f"{key}[{i}] must be [start, end, label] or an object, got {item!r}")
    return out


def _name(label: object, key: str, i: int) -> str:
    if isinstance(label, int) and not isinstance(label, bool):
        return str(label)  # the old export names labels by their id
    if not isinstance(label, str) or not label:
        raise _Bad(f"{key}[{i}] needs a label, got {label!r}")
    return label


def _records(obj: object, path: Path, line: int) -> Iterator[ImportRecord]:
    if not isinstance(obj, dict):
        raise _Bad("each line must be a JSON object")
    text = obj.get("text", obj.get("data"))
    if not isinstance(text, str):
        raise _Bad("no 'text' (a string)")
    meta: dict = obj["meta"] if isinstance(obj.get("meta"), dict) else {}
    known = {"id", "text", "data", "meta", "label", "labels", "entities", "relations", "annotations", "cats"}
    known |= {"Comments", "comments", "events", "stance", "stance_evidence", "annotation_approver", "user"}
    meta = {**{k: v for k, v in obj.items() if k not in known}, **meta}
    ident = obj.get("id")
    weak = isinstance(ident, int) and not isinstance(ident, bool)
    if weak:
        ident = f"doccano-{ident}"  # an example number: the same in every export (and user file) of the project
    base = record_from_json({"id": ident, "text": text, "meta": meta}, str(path), line)
    counts: Counter = Counter()
    triples = [t for key in ("label", "labels", "entities", "annotations") for t in _triples(obj, key, counts)]
    if obj.get("relations"):
        counts["relation(s)"] += len(obj["relations"]) if isinstance(obj["relations"], list) else 1
    comments = obj.get("Comments", obj.get("comments"))
    if comments:
        counts["comment(s)"] += len(comments) if isinstance(comments, list) else 1
    stance: dict[str, str] = {}
    cats = obj.get("cats") or []
    if not isinstance(cats, list):
        raise _Bad("'cats' must be a list")
    for cat in cats:
        target, eq, value = str(cat).partition("=") if isinstance(cat, str) else ("", "", "")
        if eq and target and value:
            stance[target] = value
        else:
            counts["category label(s)"] += 1
    ours = annotation_from_json({k: obj[k] for k in ("events", "stance_evidence") if k in obj}, base.document.id, "")
    offsets = Offsets(text)
    unit = offsets.guess_unit([(s, e) for s, e, _, _ in triples])
    by_user: dict[str | None, list[Span]] = {}
    for start, end, label, user in triples:
        got = offsets.resolve(start, end, unit=unit)
        if got is None:
            raise _Bad(describe_mismatch(text, start, end, None))
        by_user.setdefault(user, []).append(Span(got[0], got[1], label, source="import"))
    # doccano exports unannotated examples with an empty label list too: only what is there makes a layer
    has_work = bool(triples or stance or ours.events)
    users = sorted(by_user, key=str) if by_user else [None]
    for n, user in enumerate(users):
        rec = ImportRecord(Document(base.document.id, text, base.document.meta), path=str(path), line=line)
        rec.weak_id = weak
        if n == 0:
            rec.not_imported.update(counts)
        if has_work or user is not None:
            rec.annotation = Annotation(
                base.document.id,
                f"user{user}" if user is not None and len(users) > 1 else "",
                Status.DONE,
                spans=by_user.get(user, []),
                events=ours.events if n == 0 else [],
                stance=stance if n == 0 else {},
                stance_evidence=ours.stance_evidence if n == 0 else {},
            )
        yield rec


def layer_to_doccano(doc: Document, ann: Annotation) -> dict:
    out: dict = {"id": doc.id, "text": doc.text, "meta": doc.meta}
    out["label"] = [[s.start, s.end, s.label] for s in sorted(ann.spans)]
    if ann.stance:
        out["cats"] = [f"{t}={v}" for t, v in sorted(ann.stance.items())]
    if ann.events:
        from annotator.formats.jsonl import annotation_to_json

        out["events"] = annotation_to_json(doc, ann)["events"]
    return out


def write(pairs: Iterable[tuple[Document, Annotation]], out: IO[str], report, tick: Callable[[], None]) -> None:
    for doc, ann in pairs:
        out.write(json.dumps(layer_to_doccano(doc, ann), ensure_ascii=False) + "\n")
        report.count_layer(ann)
        tick()
    if report.counts["trigger"] or report.counts["stance"]:
        report.warnings.append(
            "events are written under 'events' and stance as 'cats' (Target=value): doccano shows events only as "
            "metadata; we read both back"
        )
