"""Prodigy JSONL (`prodigy db-out`): the `answer` decides what a line is.

- `accept`: the annotator's layer, spans and all; an accepted line with no `spans` is a real "no entity here" and
  still gets a (done, empty) layer. Several accepted lines of one annotator on one text add up (`ner.teach` asks
  about one span at a time).
- `reject`: its spans are recorded as suggestions that annotator rejected, never as work.
- `ignore`: skipped and counted.
The annotator is `_annotator_id` (else `_session_id`); `tokens` are not needed; `relations` and choice answers
(`accept` lists) are counted as not imported. Offsets are code points, checked against a span's `text` if given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.model import Annotation, Span, Status
from annotator.formats.jsondocs import iter_objects
from annotator.formats.jsonl import _Bad, _int, _label, record_from_json
from annotator.formats.offsets import Offsets, describe_mismatch

WHAT = "a Prodigy line"


def read(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    path = Path(path)
    for line, obj in iter_objects(path, "Prodigy JSONL"):
        try:
            yield _record(obj, path, line)
        except _Bad as exc:
            raise InputFileError(path, f"{WHAT}: {exc}", line) from None


def _record(obj: object, path: Path, line: int) -> ImportRecord:
    if not isinstance(obj, dict):
        raise _Bad("each line must be a JSON object")
    answer = obj.get("answer", "accept")
    if answer not in ("accept", "reject", "ignore"):
        raise _Bad(f"unknown answer {answer!r} (Prodigy writes accept, reject or ignore)")
    plain = {k: obj[k] for k in ("id", "text", "meta") if k in obj}
    if not isinstance(obj.get("text"), str):
        raise _Bad("no 'text' (a string)")
    rec = record_from_json(plain, str(path), line)
    if answer == "ignore":
        rec.skip = True
        rec.not_imported["ignored Prodigy line(s)"] += 1
        return rec
    counts: Counter = Counter()
    if obj.get("relations"):
        counts["relation(s)"] += len(obj["relations"]) if isinstance(obj["relations"], list) else 1
    if isinstance(obj.get("accept"), list) and obj["accept"]:
        counts["choice answer(s)"] += len(obj["accept"])
    annotator = obj.get("_annotator_id") or obj.get("_session_id") or ""
    if not isinstance(annotator, str):
        raise _Bad(f"'_annotator_id' must be a string, got {annotator!r}")
    text = rec.document.text
    offsets = Offsets(text)
    spans: list[Span] = []
    raw_spans = obj.get("spans") or []
    if not isinstance(raw_spans, list):
        raise _Bad("'spans' must be a list")
    for i, s in enumerate(raw_spans):
        if not isinstance(s, dict) or "start" not in s or "end" not in s:
            raise _Bad(f"spans[{i}] needs 'start' and 'end'")
        start, end = _int(s["start"], f"spans[{i}] start"), _int(s["end"], f"spans[{i}] end")
        if s.get("label") is None:  # rel.manual and merged-token spans may carry no label
            counts["span(s) without a label"] += 1
            continue
        label = _label(s, f"spans[{i}]")
        expected = s.get("text") if isinstance(s.get("text"), str) else None
        got = offsets.resolve(start, end, expected)
        if got is None:
            if expected is None:
                raise _Bad(describe_mismatch(text, start, end, None))
            rec.problems.append(f"{label} {describe_mismatch(text, start, end, expected)}: left out")
            counts["span(s) matching no offset unit"] += 1
            continue
        spans.append(Span(got[0], got[1], label, source="import"))
    rec.not_imported.update(counts)
    rec.annotation = Annotation(rec.document.id, annotator, Status.DONE, spans=spans)
    if answer == "reject":
        rec.rejected = [("span", s.start, s.end, s.label) for s in spans]
        rec.no_layer = True
        rec.annotation = Annotation(rec.document.id, annotator, Status.DONE)
    else:
        rec.merge = True
    return rec
