"""Label Studio exports: JSON (a list of tasks with `annotations` and `predictions`) and JSON_MIN (one flat object
per annotation). Reading:

- every `labels` result (`value.start`, `value.end`, `value.text`, `value.labels`) is a span of the layer of the
  annotation's `completed_by` (an email, or `user<N>` for a numeric id); cancelled annotations are skipped and
  counted; `predictions` are counted (they are a model's, not anyone's work);
- results from the `trigger` and `argument` controls joined by `relation`s are events (that is how we export
  them); `choices` of the `stance` control (`Target=value`) are stance; other relations, choices and text areas
  are counted as not imported;
- offsets are checked against `value.text`; offsets in UTF-16 units (older Label Studio) are converted.
Writing: one task per document (`data`: id, text, meta), one annotation per layer, offsets in code points with
`value.text`, so both older and newer Label Studio versions (and we) can check them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.model import Annotation, Argument, Document, Event, Span, Status
from annotator.formats.jsondocs import iter_objects
from annotator.formats.jsonl import _Bad, _int, record_from_json
from annotator.formats.offsets import Offsets, describe_mismatch

WHAT = "a Label Studio task"
_MIN_KEYS = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "meta"}


def read(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    path = Path(path)
    for n, (line, obj) in enumerate(iter_objects(path, "Label Studio JSON"), start=1):
        try:
            if isinstance(obj, dict) and isinstance(obj.get("data"), dict):
                yield from _task(obj, path, line)
            else:
                yield _min(obj, path, line)
        except _Bad as exc:
            raise InputFileError(path, f"{WHAT} (task {n}): {exc}", line) from None


def _user(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"user{value}"
    if isinstance(value, str) and value.strip():
        return value.strip()
    return ""


def _document(data: dict, task_id: object, path: Path, line: int, text_key: str | None = None) -> Document:
    text = data.get(text_key or "text")
    if not isinstance(text, str):
        strings = [k for k, v in data.items() if isinstance(v, str) and k not in ("id",)]
        if len(strings) != 1:
            raise _Bad("no 'text' in the task's data")
        text = data[strings[0]]
    ident = data.get("id")
    if ident is None or ident == "":  # a task number: the same in every export of the project (see weak_id)
        ident = f"labelstudio-{task_id}" if task_id is not None else None
    # our export keeps meta under data.meta; other tasks' data fields (title, url...) become meta
    meta = (
        data["meta"]
        if isinstance(data.get("meta"), dict)
        else {k: v for k, v in data.items() if k not in ("id", text_key or "text") and v is not text}
    )
    return record_from_json({"id": ident, "text": text, "meta": meta}, str(path), line).document


def _results(results: object, doc: Document, counts: Counter, problems: list[str]) -> tuple[list, list, dict]:
    """Spans, events and stance from one annotation's `result` list."""
    if not isinstance(results, list):
        raise _Bad("an annotation's 'result' must be a list")
    offsets = Offsets(doc.text)
    # regions without their text (newer exports may leave it out): one unit for the whole annotation
    bare = [
        (r["value"]["start"], r["value"]["end"])
        for r in results
        if isinstance(r, dict)
        and isinstance(r.get("value"), dict)
        and "text" not in r["value"]
        and all(isinstance(r["value"].get(k), int) for k in ("start", "end"))
    ]
    unit = offsets.guess_unit(bare)
    spans: list[Span] = []
    regions: dict[str, tuple[str, int, int, str]] = {}  # result id -> (control, start, end, label)
    relations: list[tuple[str, str, str]] = []
    stance: dict[str, str] = {}
    for i, r in enumerate(results):
        if not isinstance(r, dict):
            raise _Bad(f"result[{i}] must be an object")
        kind = r.get("type")
        value: dict = r["value"] if isinstance(r.get("value"), dict) else {}
        if kind == "relation":
            labels = r.get("labels")
            role = str(labels[0]) if isinstance(labels, list) and labels else ""
            relations.append((str(r.get("from_id")), str(r.get("to_id")), role))
            continue
        if kind == "choices" and r.get("from_name") == "stance":
            choices = value.get("choices")
            for choice in choices if isinstance(choices, list) else []:
                target, eq, v = str(choice).partition("=")
                if eq:
                    stance[target] = v
            continue
        if kind != "labels" or "start" not in value:  # hypertext (XPath) regions, images, text areas...
            counts[f"{kind or 'untyped'} result(s)"] += 1
            continue
        start, end = _int(value.get("start"), f"result[{i}] start"), _int(value.get("end"), f"result[{i}] end")
        labels = value.get("labels")
        if labels == []:  # a region whose label was removed
            counts["region(s) without a label"] += 1
            continue
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise _Bad(f"result[{i}] needs 'labels' (a list of label names)")
        expected = value.get("text") if isinstance(value.get("text"), str) else None
        got = offsets.resolve(start, end, expected, unit=unit)
        if got is None:
            if expected is None:
                raise _Bad(describe_mismatch(doc.text, start, end, None))
            problems.append(f"{labels[0]} {describe_mismatch(doc.text, start, end, expected)}: left out")
            counts["span(s) matching no offset unit"] += 1
            continue
        control = r.get("from_name")
        if control in ("trigger", "argument"):
            regions[str(r.get("id"))] = (str(control), got[0], got[1], labels[0])
            continue
        for label in labels:
            spans.append(Span(got[0], got[1], label, source="import"))
    events: dict[str, Event] = {}
    for rid, (control, start, end, label) in regions.items():
        if control == "trigger":
            events[rid] = Event(label, start, end, source="import")
    for src, dst, role in relations:
        if src in events and dst in regions:
            _, start, end, label = regions[dst]
            ev = events[src]
            events[src] = Event(
                ev.type,
                ev.trigger_start,
                ev.trigger_end,
                (*ev.arguments, Argument(role or label, start, end)),
                source="import",
            )
        else:
            counts["relation(s)"] += 1
    return spans, list(events.values()), stance


def _task(task: dict, path: Path, line: int) -> Iterator[ImportRecord]:
    doc = _document(task["data"], task.get("id"), path, line)
    counts: Counter = Counter()
    predictions = task.get("predictions") or []
    if predictions:
        counts["prediction(s)"] += len(predictions) if isinstance(predictions, list) else 1
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise _Bad("'annotations' must be a list")
    records = []
    for a in annotations:
        if not isinstance(a, dict):
            raise _Bad("each annotation must be an object")
        if a.get("was_cancelled"):
            counts["cancelled annotation(s)"] += 1
            continue
        problems: list[str] = []
        spans, events, stance = _results(a.get("result") or [], doc, counts, problems)
        stamp = a.get("updated_at") if isinstance(a.get("updated_at"), str) else None
        ann = Annotation(
            doc.id,
            _user(a.get("completed_by")),
            Status.DONE,
            spans=spans,
            events=events,
            stance=stance,
            updated_at=stamp,
        )
        rec = ImportRecord(doc, ann, str(path), line)
        rec.problems = problems
        records.append(rec)
    if not records:
        records.append(ImportRecord(doc, None, str(path), line))
    for rec in records:
        rec.weak_id = "id" not in task["data"]
    records[0].not_imported.update(counts)
    yield from records


def _min(obj: object, path: Path, line: int) -> ImportRecord:
    if not isinstance(obj, dict):
        raise _Bad("each task must be a JSON object")
    controls = {k: v for k, v in obj.items() if k not in _MIN_KEYS and (k == "stance" or not isinstance(v, str))}
    data = {k: v for k, v in obj.items() if isinstance(v, str) and k not in _MIN_KEYS and k != "stance"}
    if isinstance(obj.get("id"), str):
        data["id"] = obj["id"]
    doc = _document(data, obj.get("id"), path, line)
    counts: Counter = Counter()
    results = []
    for name, value in controls.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and "start" in item:
                results.append({"type": "labels", "from_name": name, "value": item})
            elif name == "stance":  # one choice is a string, several are {"choices": [...]}
                choices = item.get("choices") if isinstance(item, dict) else [item]
                results.append({"type": "choices", "from_name": name, "value": {"choices": choices}})
            else:
                counts[f"{name} value(s)"] += 1
    for key, value in obj.items():
        if isinstance(value, str) and key not in ("text", "id") and key in data and key != _text_key(data):
            counts[f"{key} value(s)"] += 1
    problems: list[str] = []
    spans, events, stance = _results(results, doc, counts, problems)
    has_work = bool(results) or "annotator" in obj or "annotation_id" in obj
    ann = Annotation(doc.id, _user(obj.get("annotator")), Status.DONE, spans=spans, events=events, stance=stance)
    rec = ImportRecord(doc, ann if has_work else None, str(path), line)
    rec.problems = problems
    rec.not_imported.update(counts)
    rec.weak_id = not isinstance(obj.get("id"), str)
    return rec


def _text_key(data: dict) -> str:
    return "text" if "text" in data else next(iter(data), "text")


# -- writing ---------------------------------------------------------------------------------------------------
def _region(rid: str, control: str, start: int, end: int, label: str, text: str) -> dict:
    return {
        "id": rid,
        "from_name": control,
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def layer_results(doc: Document, ann: Annotation) -> list[dict]:
    out: list[dict] = []
    text = doc.text
    for n, s in enumerate(sorted(ann.spans)):
        out.append(_region(f"s{n}", "label", s.start, s.end, s.label, text))
    for n, e in enumerate(sorted(ann.events, key=lambda e: (e.trigger_start, e.trigger_end, e.type))):
        out.append(_region(f"e{n}", "trigger", e.trigger_start, e.trigger_end, e.type, text))
        for k, a in enumerate(sorted(e.arguments)):
            out.append(_region(f"e{n}a{k}", "argument", a.start, a.end, a.role, text))
            out.append(
                {"from_id": f"e{n}", "to_id": f"e{n}a{k}", "type": "relation", "direction": "right", "labels": [a.role]}
            )
    if ann.stance:
        out.append(
            {
                "id": "stance",
                "from_name": "stance",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [f"{t}={v}" for t, v in sorted(ann.stance.items())]},
            }
        )
    return out


def task_to_json(doc: Document, layers: Iterable[Annotation], users: dict[str, int]) -> dict:
    annotations: list[dict] = []
    for ann in layers:
        uid = users.setdefault(ann.annotator, len(users) + 1)
        annotations.append(
            {
                "id": len(annotations) + 1,
                "completed_by": {"id": uid, "email": ann.annotator},
                "result": layer_results(doc, ann),
                "was_cancelled": False,
                "ground_truth": ann.annotator == "gold",
                "updated_at": ann.updated_at,
            }
        )
    return {"data": {"id": doc.id, "text": doc.text, "meta": doc.meta}, "annotations": annotations, "predictions": []}


def write(groups: Iterable[tuple[Document, list[Annotation]]], out: IO[str], report, tick: Callable[[], None]) -> None:
    """A JSON array of tasks, one per line, so a large export streams."""
    users: dict[str, int] = {}
    out.write("[")
    first = True
    for doc, layers in groups:
        out.write("\n" if first else ",\n")
        first = False
        out.write(json.dumps(task_to_json(doc, layers, users), ensure_ascii=False))
        for ann in layers:
            report.count_layer(ann)
        tick()
    out.write("\n]\n")
