"""CoNLL-2003 (`token POS chunk NER`, one token a line): writing a layer's entities, and reading corpora.

Writing: tokens from the project language's blank spaCy pipeline, sentences from spaCy's rule-based
sentencizer plus line breaks in the text, never inside an entity. Whitespace-only tokens are left out and a
token holding whitespace (NBSP, thin space...) is written as its non-whitespace pieces, so columns never
break. POS and chunk columns are the placeholders `-X-` and `O` (spaCy's converter reads only the last column).
Documents are separated by `-DOCSTART- -X- O O`, the exact delimiter `spacy convert -c ner` splits on.
CoNLL holds one entity per token and no events or stance: what it cannot hold is listed in the report.

Reading: documents split at `-DOCSTART-`, text rebuilt with single spaces between tokens and "\\n" between
sentences; IOB1, IOB2, BIOES and BILUO tags are understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.model import Annotation, Document, Span, Status
from annotator.formats.alignment import Aligner, ExportReport, non_overlapping

DOCSTART = "-DOCSTART- -X- O O"
_PIECE = re.compile(r"\S+")
# Columns are separated by ASCII spaces or tabs only: a token may hold a no-break space ("10\u00a0000").
_COLUMNS = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Word:
    """A whitespace-free piece of a token, with its characters in the document and its entity (if any)."""

    text: str
    start: int
    end: int
    label: str | None = None
    begins: bool = False  # first word of its entity
    entity: int = -1  # index of the entity it belongs to


def layer_entities(doc, document: Document, ann: Annotation, align: Aligner) -> list:
    """Aligned, non-overlapping entity spans; the rest is in the report."""
    spans = []
    fit = align.document(doc, document.id, document.text)
    for s in sorted(ann.spans):
        span = fit("entity", s.start, s.end, s.label)
        if span is not None:
            spans.append(span)
    kept, dropped = non_overlapping(spans)
    for span, other in dropped:
        what = "duplicate of" if (span.start, span.end) == (other.start, other.end) else "overlaps"
        align.report.add(
            document.id,
            "entity",
            span.start_char,
            span.end_char,
            span.label_,
            span.text,
            "left out",
            reason=f"{what} {other.label_} {other.text!r}; CoNLL holds one entity per token",
        )
    align.report.counts["entity"] += len(kept)
    if ann.events:
        align.report.not_representable["event(s)"] += len(ann.events)
    if ann.stance:
        align.report.not_representable["stance label(s)"] += len(ann.stance)
    return kept


def sentences(doc, entities: list) -> list[list[Word]]:
    """Words grouped in sentences: sentencizer boundaries and line breaks, but never inside an entity."""
    owner: dict[int, int] = {}
    for n, span in enumerate(entities):
        for i in range(span.start, span.end):
            owner[i] = n
    out: list[list[Word]] = []
    current: list[Word] = []
    break_pending = False
    for token in doc:
        inside = token.i in owner and token.i != entities[owner[token.i]].start
        if token.is_space or not token.text.strip():
            if "\n" in token.text or "\r" in token.text or "\u2029" in token.text:
                break_pending = True
            continue
        if current and not inside and (break_pending or token.is_sent_start):
            out.append(current)
            current = []
        break_pending = False
        n = owner.get(token.i, -1)
        label = entities[n].label_ if n >= 0 else None
        for k, m in enumerate(_PIECE.finditer(token.text)):
            current.append(
                Word(
                    m.group(),
                    token.idx + m.start(),
                    token.idx + m.end(),
                    label,
                    begins=n >= 0 and k == 0 and token.i == entities[n].start,
                    entity=n,
                )
            )
    if current:
        out.append(current)
    return out


def iob_tags(words: list[Word], scheme: str = "iob2") -> list[str]:
    """IOB2: B- starts every entity. IOB1: I- everywhere, B- only where an entity directly follows one of its type."""
    tags = []
    prev: Word | None = None
    for w in words:
        if w.label is None:
            tags.append("O")
        elif not w.begins:
            tags.append(f"I-{w.label}")
        elif scheme == "iob2" or (prev is not None and prev.label == w.label and prev.entity != w.entity):
            tags.append(f"B-{w.label}")
        else:
            tags.append(f"I-{w.label}")
        prev = w
    return tags


def write_conll(
    pairs: Iterable[tuple[Document, Annotation]],
    out: IO[str],
    nlp,
    report: ExportReport,
    iob: str = "iob2",
    tick: Callable[[], None] = lambda: None,
) -> None:
    align = Aligner(report, report.align)
    for document, ann in pairs:
        if not document.text.strip():
            report.not_representable["whitespace-only document(s) (no token to write)"] += 1
            tick()
            continue
        doc = nlp(document.text)
        sents = sentences(doc, layer_entities(doc, document, ann, align))
        out.write(DOCSTART + "\n\n")
        for sent in sents:
            for word, tag in zip(sent, iob_tags(sent, iob), strict=True):
                out.write(f"{word.text} -X- O {tag}\n")
            out.write("\n")
        tick()


# -- reading -------------------------------------------------------------------------------------------------
def decode_tags(tags: list[str]) -> list[tuple[int, int, str]]:
    """Token ranges [i, j) with labels from IOB1/IOB2/BIOES/BILUO tags."""
    spans: list[tuple[int, int, str]] = []
    current: tuple[int, str] | None = None  # (first token, label) of the entity being read
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, lab = tag.partition("-")
        begins = prefix in ("B", "S", "U") or (prefix in ("I", "E", "L") and (current is None or lab != current[1]))
        if current is not None and (prefix == "O" or begins):
            spans.append((current[0], i, current[1]))
            current = None
        if prefix != "O" and current is None:
            current = (i, lab)
        if prefix in ("E", "L", "S", "U") and current is not None:
            spans.append((current[0], i + 1, current[1]))
            current = None
    return spans


def check_tag(tag: str) -> str | None:
    """None if the tag is fine, else the problem."""
    if tag == "O":
        return None
    prefix, dash, label = tag.partition("-")
    if not dash or prefix not in ("B", "I", "E", "S", "L", "U") or not label:
        return f"bad entity tag {tag!r} (expected O or B-/I-/E-/S-/L-/U- followed by a label)"
    return None


class DocumentBuilder:
    """Rebuilds a document's text from tokens and collects its entity spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[Span] = []

    def add_sentence(self, words: list[str], tags: list[str], spaces: list[bool] | None = None) -> None:
        if self.parts:
            self.parts.append("\n")
            self.length += 1
        offsets = []
        for k, word in enumerate(words):
            offsets.append((self.length, self.length + len(word)))
            self.parts.append(word)
            self.length += len(word)
            if k < len(words) - 1 and (spaces is None or spaces[k]):
                self.parts.append(" ")
                self.length += 1
        self._spans(offsets, tags)

    def add_located(self, text: str, offsets: list[tuple[int, int]], tags: list[str]) -> None:
        """A sentence whose own text is known (CoNLL-U `# text`), with each word's offsets in it."""
        if self.parts:
            self.parts.append("\n")
            self.length += 1
        base = self.length
        self.parts.append(text)
        self.length += len(text)
        self._spans([(base + s, base + e) for s, e in offsets], tags)

    def _spans(self, offsets: list[tuple[int, int]], tags: list[str]) -> None:
        for i, j, label in decode_tags(tags):
            self.spans.append(Span(offsets[i][0], offsets[j - 1][1], label, source="import"))

    def record(self, doc_id: str, path: Path, line: int | None) -> ImportRecord | None:
        text = "".join(self.parts)
        if not text.strip():
            return None
        ann = Annotation(doc_id, "", Status.DONE, spans=self.spans)
        return ImportRecord(Document(doc_id, text, {}), ann, str(path), line, default_annotator="imported")


def read(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    """CoNLL-2003 and similar: first column the token, last column the entity tag; -DOCSTART- splits documents."""
    from annotator.formats import read_text_file

    path = Path(path)
    text = read_text_file(path)
    base = doc_id or path.name
    docs: list[tuple[DocumentBuilder, int]] = []
    builder, first_line = DocumentBuilder(), 1
    words: list[str] = []
    tags: list[str] = []

    def end_sentence() -> None:
        if words:
            builder.add_sentence(list(words), list(tags))
            words.clear()
            tags.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        cols = [c for c in _COLUMNS.split(line.strip(" \t\r\n\f\v")) if c]
        if not cols:
            end_sentence()
            continue
        if cols[0] == "-DOCSTART-":
            end_sentence()
            if builder.parts:
                docs.append((builder, first_line))
            builder, first_line = DocumentBuilder(), number
            continue
        if len(cols) < 2:
            raise InputFileError(path, f"expected a token and an entity tag, got {line.strip()!r}", number)
        problem = check_tag(cols[-1])
        if problem:
            raise InputFileError(path, problem, number)
        words.append(cols[0])
        tags.append(cols[-1])
    end_sentence()
    if builder.parts:
        docs.append((builder, first_line))
    if not docs:
        raise InputFileError(path, "no tokens found")
    for n, (b, first) in enumerate(docs, start=1):
        rec = b.record(base if len(docs) == 1 else f"{base}#{n}", path, first)
        if rec is not None:
            yield rec
