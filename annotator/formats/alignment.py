"""Fitting character spans onto spaCy tokens without losing anything silently.

A span whose edges fall inside a token is expanded to the token edges (default), contracted to the tokens
fully inside it, or (strict) skipped. Whitespace at a span's edges is trimmed first, because spaCy's NER cannot
learn entities that begin or end with a whitespace token. Every span that does not come out at exactly its
annotated characters is recorded in the `ExportReport`, which the CLI summarises and writes as JSON beside the
output.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ALIGN_MODES = ("expand", "contract", "strict")


@dataclass
class ExportReport:
    """What an export wrote, and every span it had to move, leave out or could not represent."""

    format: str = ""
    layer: str = ""
    align: str = "expand"
    outputs: list[str] = field(default_factory=list)
    documents: int = 0
    split: dict[str, list[str]] = field(default_factory=dict)  # train/dev document ids (spaCy --dev)
    counts: Counter = field(default_factory=Counter)  # exported spans by kind: entity, trigger, argument
    entries: list[dict] = field(default_factory=list)  # adjusted / skipped / left-out spans
    not_representable: Counter = field(default_factory=Counter)  # e.g. events in CoNLL, which has no place for them
    warnings: list[str] = field(default_factory=list)
    report_path_hint: str = ""  # where the JSON report went, for the summary

    def add(self, doc_id: str, kind: str, start: int, end: int, label: str, text: str, action: str, **more) -> None:
        entry = {"document": doc_id, "kind": kind, "start": start, "end": end, "label": label, "text": text}
        entry["action"] = action
        entry.update(more)
        self.entries.append(entry)

    def count_layer(self, ann, holds_stance: bool = True, holds_meta: bool = True, meta: dict | None = None) -> None:
        """Count a layer written whole by a peer format, and what of it the format cannot hold."""
        self.counts["entity"] += len(ann.spans)
        self.counts["trigger"] += len(ann.events)
        if ann.events:
            self.counts["argument"] += sum(len(e.arguments) for e in ann.events)
        missing = self.not_representable
        if ann.stance:
            if holds_stance:
                self.counts["stance"] += len(ann.stance)
            else:
                missing["stance label(s)"] += len(ann.stance)
        if ann.stance_evidence:
            missing["stance evidence span(s)"] += sum(len(v) for v in ann.stance_evidence.values())
        if ann.note:
            missing["note(s)"] += 1
        if ann.flags:
            missing["flag(s)"] += len(ann.flags)
        if str(ann.status) != "done":
            missing["layer(s) not done (read back as done)"] += 1
        if meta and not holds_meta:
            missing["document meta"] += 1

    def actions(self) -> Counter:
        return Counter(e["action"] for e in self.entries)

    def summary(self) -> str:
        """A few lines for the CLI: the layer, what was written, and the counts of adjusted/skipped spans."""
        names = {"entity": "entities", "trigger": "event triggers", "argument": "event arguments", "stance": "stances"}
        exported = ", ".join(f"{self.counts[k]} {v}" for k, v in names.items() if k in self.counts) or "no spans"
        lines = [
            f"exported layer {self.layer!r}: {self.documents} document(s), {exported} as {self.format} "
            f"to {', '.join(self.outputs)}"
        ]
        if self.split:
            lines.append(f"  split: {len(self.split['train'])} train, {len(self.split['dev'])} dev document(s)")
        acts = self.actions()
        if self.format not in ("spacy", "conll", "conllu"):
            pass  # nothing is fitted to tokens
        elif acts:
            detail = ", ".join(f"{n} {action}" for action, n in sorted(acts.items()))
            lines.append(f"  alignment ({self.align}): {detail}; details in {self.report_path_hint}")
        else:
            lines.append(f"  alignment ({self.align}): every span at its exact characters")
        if self.not_representable:
            what = ", ".join(f"{n} {kind}" for kind, n in sorted(self.not_representable.items()))
            lines.append(f"  not in {self.format} (the format has no place for them): {what}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "format": self.format,
            "layer": self.layer,
            "align": self.align,
            "outputs": self.outputs,
            "documents": self.documents,
            "split": self.split,
            "exported": dict(sorted(self.counts.items())),
            "actions": dict(sorted(self.actions().items())),
            "not_representable": dict(sorted(self.not_representable.items())),
            "warnings": self.warnings,
            "spans": self.entries,
        }

    def write(self, path: Path) -> None:
        self.report_path_hint = str(path)
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the edges inwards past whitespace; returns an empty range for a whitespace-only span."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def align_span(doc, start: int, end: int, label: str, mode: str, text: str | None = None):
    """Return (spaCy Span or None, action, reason) for the characters [start, end) of `doc`.

    action is "exact", "trimmed", "expanded", "contracted" or "skipped"; a span that is both trimmed and
    expanded/contracted reports the latter (its new offsets say the rest). Pass `text` (== doc.text) when
    aligning many spans: spaCy rebuilds doc.text from the tokens on every access.
    """
    s, e = trim(doc.text if text is None else text, start, end)
    if s >= e:
        return None, "skipped", "the span holds only whitespace"
    span = doc.char_span(s, e, label=label, alignment_mode="strict")
    if span is not None:
        return span, ("exact" if (s, e) == (start, end) else "trimmed"), ""
    if mode == "strict":
        return None, "skipped", "an edge falls inside a token (--align strict)"
    span = doc.char_span(s, e, label=label, alignment_mode=mode)
    if span is not None:
        span = _strip_space_tokens(span)
    if span is None or len(span) == 0:
        if mode == "contract":
            return None, "skipped", "no whole token inside the span (--align contract)"
        return None, "skipped", "the span does not cover any token"
    return span, ("expanded" if mode == "expand" else "contracted"), ""


def _strip_space_tokens(span):
    lo, hi = span.start, span.end
    doc = span.doc
    while lo < hi and doc[lo].is_space:
        lo += 1
    while hi > lo and doc[hi - 1].is_space:
        hi -= 1
    if lo >= hi:
        return None
    return doc[lo:hi] if (lo, hi) != (span.start, span.end) else span


class Aligner:
    """Aligns spans to tokens and records in the report whatever does not land on its exact characters."""

    def __init__(self, report: ExportReport, mode: str):
        if mode not in ALIGN_MODES:
            raise ValueError(f"unknown alignment mode {mode!r}")
        self.report = report
        self.mode = mode

    def document(self, doc, doc_id: str, text: str):
        """A function fit(kind, start, end, label, **more) -> spaCy Span or None (skipped, reported) for `doc`."""

        def fit(kind: str, start: int, end: int, label: str, **more):
            span, action, reason = align_span(doc, start, end, label, self.mode, text)
            if action != "exact":
                extra = dict(more)
                if span is not None:
                    extra["to"] = [span.start_char, span.end_char]
                    extra["to_text"] = text[span.start_char : span.end_char]
                if reason:
                    extra["reason"] = reason
                self.report.add(doc_id, kind, start, end, label, text[start:end], action, **extra)
            return span

        return fit


def non_overlapping(spans: list) -> tuple[list, list[tuple]]:
    """Split spaCy spans into a non-overlapping set (longest first, like spacy.util.filter_spans) and the rest.

    Returns (kept, [(dropped, the kept span it overlaps)]).
    """
    from spacy.util import filter_spans

    kept = filter_spans(spans)
    kept_ids = {id(s) for s in kept}
    taken = {}
    for s in kept:
        for i in range(s.start, s.end):
            taken[i] = s
    dropped = []
    for s in spans:
        if id(s) in kept_ids:
            continue
        other = next((taken[i] for i in range(s.start, s.end) if i in taken), None)
        dropped.append((s, other))
    return sorted(kept, key=lambda s: s.start), dropped
