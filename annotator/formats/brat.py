"""brat standoff: `NAME.txt` (the text, read exactly: CRLF and all) and `NAME.ann` beside it.

Reading `.ann` lines:
- `T1<TAB>LABEL 0 5<TAB>Kabul`: a span (code points, checked against the text column); a discontinuous span
  (`0 5;9 14`) is imported as its covering span and reported;
- `E1<TAB>ATTACK:T2 Target:T1 Place:T3`: an event whose trigger is T2, with every role argument (role names as
  written, `Participant2` included; an argument that is itself an event stands for its trigger). Trigger `T`
  lines are not entities;
- `A`/`M` attributes, `R` relations, `*` equivalences, `N` normalisations and `#` notes are counted as not
  imported (a `#` note "event argument only" marks a `T` line we wrote for an argument that is no entity).
Writing: one pair per document of one layer, `E` lines for events (an argument that is no entity gets a `T` line
labelled `Argument` and the note above), and an `annotation.conf` listing the scheme. brat has no document-level
labels: stance is reported as not carried.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.model import Annotation, Argument, Document, Event, Span, Status

ARGUMENT_NOTE = "event argument only"
_ID = re.compile(r"^[TERAMN#*]\d*$")
_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]')


def read(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    from annotator.formats import read_text_file

    path = Path(path)
    if path.suffix.lower() != ".ann":
        path = path.with_suffix(".ann")
    txt = path.with_suffix(".txt")
    if not txt.exists():
        raise InputFileError(path, f"brat annotations without their text: {txt.name} is missing")
    text = read_text_file(txt)
    with open(txt, "rb") as fh:  # brat keeps a byte order mark, so its offsets count it: we drop it
        bom = 1 if fh.read(3) == b"\xef\xbb\xbf" else 0
    try:
        ann_text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputFileError(path, f"cannot read file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputFileError(path, "brat .ann file: not valid UTF-8 text") from None
    ident = doc_id or path.stem
    textbounds: dict[str, tuple[int, int, str, int]] = {}  # id -> (start, end, label, line)
    events: list[tuple[str, str, list[tuple[str, str]], int]] = []  # (id, "TYPE:T2", [(role, ref)], line)
    notes_on: dict[str, list[str]] = {}
    counts: Counter = Counter()
    problems: list[str] = []
    for number, line in enumerate(ann_text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        key = fields[0]
        if not _ID.match(key) or len(fields) < 2:
            raise InputFileError(path, f"a brat .ann line: expected 'ID<TAB>annotation', got {line[:60]!r}", number)
        kind = key[0]
        if kind == "T":
            textbounds[key] = _textbound(fields, text, path, number, counts, problems, bom)
        elif kind == "E":
            parts = fields[1].split()
            if not parts or ":" not in parts[0]:
                raise InputFileError(path, f"a brat event line needs 'TYPE:TRIGGER', got {fields[1]!r}", number)
            args = []
            for part in parts[1:]:
                role, colon, ref = part.partition(":")
                if not colon or not role or not ref:
                    raise InputFileError(path, f"a brat event argument must be 'Role:ID', got {part!r}", number)
                args.append((role, ref))
            events.append((key, parts[0], args, number))
        elif kind == "#":
            target = fields[1].split()[1] if len(fields[1].split()) > 1 else ""
            note = fields[2] if len(fields) > 2 else ""
            notes_on.setdefault(target, []).append(note)
            if note != ARGUMENT_NOTE:
                counts["note(s)"] += 1
        else:
            counts[
                {
                    "A": "attribute(s)",
                    "M": "attribute(s)",
                    "R": "relation(s)",
                    "*": "equivalence(s)",
                    "N": "normalisation(s)",
                }[kind]
            ] += 1
    triggers = {trig for _, head, _, _ in events for trig in [head.split(":", 1)[1]]}
    by_event = {eid: head.split(":", 1)[1] for eid, head, _, _ in events}
    out_events = []
    for eid, head, args, number in events:
        type_, _, trig = head.partition(":")
        if trig not in textbounds:
            raise InputFileError(path, f"event {eid}: trigger {trig} is not a T line of this file", number)
        ts, te, _, _ = textbounds[trig]
        arguments = []
        for role, ref in args:
            ref = by_event.get(ref, ref)
            if ref not in textbounds:
                raise InputFileError(
                    path, f"event {eid}: argument {role}:{ref} is not a T or E line of this file", number
                )
            s, e, _, _ = textbounds[ref]
            arguments.append(Argument(role, s, e))
        out_events.append(Event(type_, ts, te, tuple(arguments), source="import"))
    spans = [
        Span(s, e, label, source="import")
        for tid, (s, e, label, _) in textbounds.items()
        if tid not in triggers and ARGUMENT_NOTE not in notes_on.get(tid, []) and s >= 0
    ]
    ann = Annotation(ident, "", Status.DONE, spans=spans, events=out_events)
    rec = ImportRecord(Document(ident, text, {}), ann, str(path), None)
    rec.not_imported.update(counts)
    rec.problems = problems
    yield rec


def _textbound(
    fields: list[str], text: str, path: Path, number: int, counts: Counter, problems: list[str], bom: int = 0
) -> tuple[int, int, str, int]:
    head = fields[1].split(" ", 1)
    if len(head) != 2 or not head[0]:
        raise InputFileError(path, f"a brat T line needs 'LABEL START END', got {fields[1]!r}", number)
    label, ranges = head
    pieces = []
    for piece in ranges.split(";"):
        nums = piece.split()
        if len(nums) != 2 or not all(n.isdigit() for n in nums):
            raise InputFileError(path, f"a brat T line has bad offsets {ranges!r}", number)
        pieces.append((int(nums[0]) - bom, int(nums[1]) - bom))
    start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
    if not 0 <= start < end <= len(text):
        raise InputFileError(
            path,
            f"a brat T line's span [{start}, {end}) falls outside {path.with_suffix('.txt').name} "
            f"(length {len(text)} characters)",
            number,
        )
    shown = fields[2] if len(fields) > 2 else None
    expected = " ".join(text[s:e] for s, e in pieces)
    # the text column has fragments joined by a space and line breaks written as spaces (ours and brat's)
    if shown is not None and shown != expected and _squeeze(shown) != _squeeze(expected):
        problems.append(
            f"line {number}: {label} [{start}, {end}) reads {expected!r} in the text, not {shown!r}: left out"
        )
        counts["span(s) whose text does not match"] += 1
        return (-1, -1, label, number)
    if len(pieces) > 1:
        counts["discontinuous span(s) imported as their covering span"] += 1
        problems.append(f"line {number}: discontinuous {label} {ranges} imported as [{start}, {end})")
    return (start, end, label, number)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


# -- writing ---------------------------------------------------------------------------------------------------
def file_stem(doc_id: str, taken: set[str]) -> str:
    """The file path (without extension) of a document: its id, a `/` in it a subfolder (so a folder import of
    the export gives the same ids back); characters no file name can hold, and leading dots, become `_`."""
    parts = [_UNSAFE.sub("_", part) for part in doc_id.split("/")]
    stem = "/".join(("_" + part[1:] if part.startswith(".") else part) or "_" for part in parts) or "document"
    base, n = stem, 1
    while stem.lower() in taken:
        n += 1
        stem = f"{base}-{n}"
    taken.add(stem.lower())
    return stem


def layer_to_ann(doc: Document, ann: Annotation) -> str:
    lines: list[str] = []
    text = doc.text
    tid = 0
    by_span: dict[tuple[int, int], str] = {}

    def t_line(start: int, end: int, label: str) -> str:
        nonlocal tid
        tid += 1
        shown = text[start:end].replace("\r", " ").replace("\n", " ").replace("\t", " ")
        lines.append(f"T{tid}\t{label} {start} {end}\t{shown}")
        return f"T{tid}"

    for s in sorted(ann.spans):
        by_span.setdefault((s.start, s.end), t_line(s.start, s.end, s.label))
    notes = 0
    for eid, e in enumerate(sorted(ann.events, key=lambda e: (e.trigger_start, e.trigger_end, e.type)), start=1):
        trig = t_line(e.trigger_start, e.trigger_end, e.type)
        args = []
        for a in sorted(e.arguments):
            ref = by_span.get((a.start, a.end))
            if ref is None:
                ref = t_line(a.start, a.end, "Argument")
                notes += 1
                lines.append(f"#{notes}\tAnnotatorNotes {ref}\t{ARGUMENT_NOTE}")
                by_span[(a.start, a.end)] = ref
            args.append(f"{a.role}:{ref}")
        lines.append(f"E{eid}\t{e.type}:{trig}" + "".join(f" {x}" for x in args))
    return "".join(line + "\n" for line in lines)


def annotation_conf(scheme, extra_labels: Iterable[str] = ()) -> str:
    entities = list(dict.fromkeys([*scheme.entity_labels, *extra_labels, "Argument"]))
    out = [
        "[entities]",
        *entities,
        "",
        "[relations]",
        "",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
    ]
    out.append("[events]")
    for ev in scheme.events:
        args = ", ".join(f"{role}?:<ENTITY>" for role in ev.roles)
        out.append(f"{ev.type}\t{args}" if args else ev.type)
    out += ["", "[attributes]", ""]
    return "\n".join(out)


def write(pairs: Iterable[tuple[Document, Annotation]], folder: Path, scheme, report, tick: Callable[[], None]) -> None:
    """One `.txt`/`.ann` pair per document (text written byte for byte), plus `annotation.conf`."""
    taken: set[str] = {"annotation", "visual", "tools", "kb_shortcuts"}
    labels: set[str] = set()
    for doc, ann in pairs:
        stem = file_stem(doc.id, taken)
        if stem != doc.id:
            report.warnings.append(f"document {doc.id!r} is written as {stem}.txt (a file name cannot hold its id)")
        (folder / stem).parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{stem}.txt").write_bytes(doc.text.encode("utf-8"))
        (folder / f"{stem}.ann").write_text(layer_to_ann(doc, ann), encoding="utf-8", newline="\n")
        labels.update(s.label for s in ann.spans)
        report.count_layer(ann, holds_stance=False, holds_meta=False, meta=doc.meta)
        tick()
    (folder / "annotation.conf").write_text(annotation_conf(scheme, sorted(labels)), encoding="utf-8")
