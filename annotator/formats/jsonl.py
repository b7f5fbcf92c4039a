"""JSONL: one line per document and annotator, compatible with Prodigy's task format.

    {"id": "afp-2021-08-05", "text": "...", "meta": {...}, "annotator": "alice", "status": "done",
     "spans": [{"start": 0, "end": 7, "label": "ORG"}],
     "events": [{"type": "ATTACK", "trigger": {"start": 10, "end": 16},
                 "arguments": [{"role": "Target", "start": 40, "end": 58}]}],
     "stance": {"Taliban": "against"}, "stance_evidence": {"Taliban": [{"start": 5, "end": 40}]},
     "note": "..."}

A line without `annotator` (or `_annotator_id`) imports only the article, unless the import names one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.limits import MAX_JSON_DEPTH, MAX_JSONL_LINE_BYTES, megabytes
from annotator.core.model import Annotation, Argument, Document, Event, Evidence, Span, Status

ANNOTATION_KEYS = frozenset(("spans", "events", "stance", "stance_evidence", "note", "flags", "status"))


def read_jsonl(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    """Stream records line by line (a 400 MB file is never held whole in memory)."""
    from annotator.formats import check_binary
    from annotator.formats.jsondocs import check_surrogates

    check_binary(path)
    any_line = False
    with open(path, "rb") as fh:
        # Split on b"\n" only: str.splitlines() would also split on U+2028 and others that JSON allows raw.
        for number, raw in enumerate(iter(lambda: fh.readline(MAX_JSONL_LINE_BYTES + 1), b""), start=1):
            if len(raw) > MAX_JSONL_LINE_BYTES:  # checked before the line is parsed (or read further)
                problem = f"the line is longer than {megabytes(MAX_JSONL_LINE_BYTES)} (the limit for one record)"
                raise InputFileError(path, problem, number)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            any_line = True
            try:
                obj = json.loads(raw)  # bytes: json decodes the UTF-8 itself, one pass instead of two
            except UnicodeDecodeError as exc:
                raise InputFileError(path, f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x})", number) from None
            except json.JSONDecodeError as exc:
                raise InputFileError(path, f"not valid JSON ({exc.msg} at column {exc.colno})", number) from None
            except RecursionError:
                raise InputFileError(
                    path, f"JSON nested more than {MAX_JSON_DEPTH} levels deep (the limit)", number
                ) from None
            except ValueError as exc:  # a number of over 4,300 digits (Python's limit for converting integers)
                raise InputFileError(path, f"not valid JSON ({str(exc).split(':')[0]})", number) from None
            check_surrogates(obj, raw, path, number, "a JSON line")
            try:
                yield record_from_json(obj, str(path), number)
            except _Bad as exc:
                raise InputFileError(path, str(exc), number) from None
    if not any_line:
        raise InputFileError(path, "the file is empty")


class _Bad(ValueError):
    pass


def _show(value: object) -> str:
    """A short repr for a message (a value from a file may be megabytes long or nested deeply)."""
    if isinstance(value, dict | list):
        return f"a JSON {'object' if isinstance(value, dict) else 'list'}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"{what} must be a whole number, got {_show(value)}")
    return value


def _source(obj: dict) -> str:
    source = obj.get("source")
    return source if isinstance(source, str) and source else "manual"


def _offsets(obj: object, what: str) -> tuple[int, int]:
    if not isinstance(obj, dict):
        raise _Bad(f"{what} must be an object with 'start' and 'end'")
    if "start" not in obj or "end" not in obj:
        raise _Bad(f"{what} needs 'start' and 'end'")
    return _int(obj["start"], f"{what} start"), _int(obj["end"], f"{what} end")


def _label(obj: dict, what: str, key: str = "label") -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise _Bad(f"{what} needs a '{key}' string")
    return value


def record_from_json(obj: object, path: str | None = None, line: int | None = None) -> ImportRecord:
    if not isinstance(obj, dict):
        raise _Bad("each line must be a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise _Bad("missing 'text' (a string)")
    if not text:
        raise _Bad("'text' is empty")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise _Bad("'meta' must be an object")
    doc_id = obj.get("id", meta.get("id"))
    if doc_id is None or doc_id == "":
        doc_id = "doc-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool):
        raise _Bad(f"'id' must be a string, got {_show(doc_id)}")
    document = Document(id=str(doc_id), text=text, meta=meta)
    annotator = obj.get("annotator", obj.get("_annotator_id"))
    has_work = not ANNOTATION_KEYS.isdisjoint(obj)
    if annotator is None and not has_work:
        return ImportRecord(document, None, path, line)
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        raise _Bad(f"'annotator' must be a non-empty string, got {_show(annotator)}")
    return ImportRecord(document, annotation_from_json(obj, document.id, annotator or ""), path, line)


def annotation_from_json(obj: dict, doc_id: str, annotator: str) -> Annotation:
    status_raw = obj.get("status")
    try:
        status = Status.parse(status_raw) if status_raw else Status.DONE
    except (ValueError, AttributeError, TypeError):
        raise _Bad(f"unknown status {_show(status_raw)} (use not_started, in_progress or done)") from None
    spans = []
    for i, s in enumerate(_list(obj, "spans")):
        start, end = _offsets(s, f"spans[{i}]")
        spans.append(Span(start, end, _label(s, f"spans[{i}]"), source=_source(s)))
    events = []
    for i, e in enumerate(_list(obj, "events")):
        if not isinstance(e, dict):
            raise _Bad(f"events[{i}] must be an object")
        type_ = _label(e, f"events[{i}]", "type")
        ts, te = _offsets(e.get("trigger"), f"events[{i}].trigger")
        args = []
        for j, a in enumerate(_list(e, "arguments", f"events[{i}].arguments")):
            start, end = _offsets(a, f"events[{i}].arguments[{j}]")
            args.append(Argument(_label(a, f"events[{i}].arguments[{j}]", "role"), start, end))
        events.append(Event(type_, ts, te, tuple(args), source=_source(e)))
    stance = obj.get("stance") or {}
    if not isinstance(stance, dict):
        raise _Bad("'stance' must map each target to a value string")
    # null means "not rated" (a missing rating); whole numbers are rating-scale values, stored as strings
    stance = {
        t: str(v) if isinstance(v, int) and not isinstance(v, bool) else v for t, v in stance.items() if v is not None
    }
    if not all(isinstance(v, str) for v in stance.values()):
        raise _Bad("'stance' must map each target to a value string")
    evidence_raw = obj.get("stance_evidence") or {}
    if not isinstance(evidence_raw, dict):
        raise _Bad("'stance_evidence' must map each target to a list of {start, end}")
    evidence: dict[str, list[Evidence]] = {}
    for target, items in evidence_raw.items():
        if not isinstance(items, list):
            raise _Bad(f"stance_evidence[{target!r}] must be a list")
        evidence[target] = [Evidence(*_offsets(it, f"stance_evidence[{target!r}]")) for it in items]
    note = obj.get("note") or ""
    if not isinstance(note, str):
        raise _Bad("'note' must be a string")
    flags = obj.get("flags") or []
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        raise _Bad("'flags' must be a list of strings")
    updated_at = obj.get("updated_at")  # when the layer was last changed: an older file does not replace newer work
    if updated_at is not None and not isinstance(updated_at, str):
        raise _Bad("'updated_at' must be a string (an ISO 8601 time)")
    return Annotation(
        document_id=doc_id,
        annotator=annotator,
        status=status,
        spans=spans,
        events=events,
        stance=dict(stance),
        stance_evidence=evidence,
        note=note,
        flags=list(flags),
        updated_at=updated_at,
    )


def _list(obj: dict, key: str, what: str | None = None) -> list:
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise _Bad(f"{what or repr(key)} must be a list, got {_show(value)}")
    return value


# -- writing ---------------------------------------------------------------------------------------------------
def document_to_json(doc: Document) -> dict:
    return {"id": doc.id, "text": doc.text, "meta": doc.meta}


def annotation_to_json(doc: Document, ann: Annotation) -> dict:
    out = document_to_json(doc)
    out["annotator"] = ann.annotator
    out["status"] = str(ann.status)
    out["spans"] = [{"start": s.start, "end": s.end, "label": s.label} for s in sorted(ann.spans)]
    out["events"] = [
        {
            "type": e.type,
            "trigger": {"start": e.trigger_start, "end": e.trigger_end},
            "arguments": [{"role": a.role, "start": a.start, "end": a.end} for a in sorted(e.arguments)],
        }
        for e in sorted(ann.events, key=lambda e: (e.trigger_start, e.trigger_end, e.type))
    ]
    out["stance"] = dict(ann.stance)
    if ann.stance_evidence:
        out["stance_evidence"] = {
            t: [{"start": ev.start, "end": ev.end} for ev in sorted(evs)] for t, evs in ann.stance_evidence.items()
        }
    if ann.note:
        out["note"] = ann.note
    if ann.flags:
        out["flags"] = list(ann.flags)
    if ann.updated_at:
        out["updated_at"] = ann.updated_at
    return out


def write_jsonl(rows: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n
