"""CoNLL-U with entities in MISC (`NE=B-LABEL`): writing a layer's entities, and reading such corpora.

Writing: the same words and sentences as CoNLL-2003 (see `conll`), ten columns with `_` for the syntax we
do not annotate, `# newdoc id`, `# sent_id` and `# text` comments, and `SpaceAfter=No` where no whitespace
follows a word, so `spacy convert -c conllu` rebuilds the words and entities. spaCy's converter reads only the
leading run of A-Z and `_` of a label (`Restaurant_Name` and `Rating` both become `R`) and a label starting with
anything else (`loc`) as no entity; such labels are written as they are and reported in a warning.

Reading: `# newdoc` starts a document; a sentence's `# text` is used when the words can be found in it in
order, else the text is rebuilt from the words and `SpaceAfter=No`; sentences are joined with "\\n".
Multiword-token ranges contribute their surface form; empty nodes (`3.1`) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.model import Annotation, Document
from annotator.formats.alignment import Aligner, ExportReport
from annotator.formats.conll import DocumentBuilder, check_tag, iob_tags, layer_entities, sentences

SPACY_LABEL = re.compile(r"^[A-Z_]+$")  # the label part of spaCy's MISC_NER_PATTERN
_SPACY_PREFIX = re.compile(r"[A-Z_]+")


def spacy_convert_warning(label: str) -> str:
    """What `spacy convert` makes of a label its MISC pattern (`[BILU]-([A-Z_]+)`, matched at the start) cuts."""
    found = _SPACY_PREFIX.match(label)
    if found:
        return (
            f"label {label!r} is written as is, but `spacy convert` (CoNLL-U) truncates it to {found.group()!r}: "
            "it reads only the leading A-Z and _ of a label"
        )
    return (
        f"label {label!r} is written as is, but `spacy convert` (CoNLL-U) reads it as no entity: "
        "it reads only labels starting with A-Z or _"
    )


_NE = re.compile(r"^(?:(?:NE|name)=)?([BIESLU]-\S+|O)$")


def _one_line(value: str) -> str:
    return re.sub(r"\s", " ", value)


def write_conllu(
    pairs: Iterable[tuple[Document, Annotation]],
    out: IO[str],
    nlp,
    report: ExportReport,
    iob: str = "iob2",
    tick: Callable[[], None] = lambda: None,
) -> None:
    align = Aligner(report, report.align)
    warned: set[str] = set()
    for document, ann in pairs:
        if not document.text.strip():
            report.not_representable["whitespace-only document(s) (no token to write)"] += 1
            tick()
            continue
        doc = nlp(document.text)
        entities = layer_entities(doc, document, ann, align)
        for span in entities:
            if not SPACY_LABEL.match(span.label_) and span.label_ not in warned:
                warned.add(span.label_)
                report.warnings.append(spacy_convert_warning(span.label_))
        sents = sentences(doc, entities)
        doc_key = _one_line(document.id)
        out.write(f"# newdoc id = {doc_key}\n")
        flat = [w for sent in sents for w in sent]
        k = 0
        for n, sent in enumerate(sents, start=1):
            out.write(f"# sent_id = {doc_key}-{n}\n")
            out.write(f"# text = {_one_line(document.text[sent[0].start : sent[-1].end])}\n")
            for i, (word, tag) in enumerate(zip(sent, iob_tags(sent, iob), strict=True), start=1):
                misc = [] if tag == "O" else [f"NE={tag}"]
                k += 1
                if k < len(flat) and flat[k].start == word.end:
                    misc.append("SpaceAfter=No")
                out.write(f"{i}\t{word.text}\t_\t_\t_\t_\t_\t_\t_\t{'|'.join(misc) or '_'}\n")
            out.write("\n")
        tick()


# -- reading -------------------------------------------------------------------------------------------------
def _locate(text: str, words: list[str]) -> list[tuple[int, int]] | None:
    """Offsets of the words found in order in the sentence text, or None if one is missing."""
    offsets, pos = [], 0
    for word in words:
        at = text.find(word, pos)
        if at < 0 or text[pos:at].strip():
            return None
        offsets.append((at, at + len(word)))
        pos = at + len(word)
    return offsets


@dataclass
class _Reading:
    """The document being read: its id, builder, first line, and the current sentence's `# text`."""

    id: str | None
    builder: DocumentBuilder
    line: int
    text: str | None


def read(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    from annotator.formats import read_text_file

    path = Path(path)
    text = read_text_file(path)
    base = doc_id or path.name
    docs: list[tuple[str | None, DocumentBuilder, int]] = []
    state = _Reading(None, DocumentBuilder(), 1, None)
    words: list[str] = []
    tags: list[str] = []
    spaces: list[bool] = []
    skip_until = first = 0  # a multiword token's word range

    def end_sentence() -> None:
        if words:
            text = state.text
            located = _locate(text, words) if text is not None else None
            if text is not None and located is not None:
                sent_text = text[: located[-1][1]]
                start = located[0][0]
                state.builder.add_located(sent_text[start:], [(s - start, e - start) for s, e in located], tags)
            else:
                state.builder.add_sentence(list(words), list(tags), list(spaces))
        words.clear()
        tags.clear()
        spaces.clear()
        state.text = None

    def end_document(new_id: str | None, line: int) -> None:
        end_sentence()
        if state.builder.parts:
            docs.append((state.id, state.builder, state.line))
        state.id, state.builder, state.line = new_id, DocumentBuilder(), line

    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            end_sentence()
            skip_until = first = 0  # a multiword range ends with its sentence
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition("=")
            key = key.strip()
            if key.startswith("newdoc"):
                end_document(value.strip() or None if "id" in key else None, number)
                skip_until = first = 0
            elif key == "text":
                state.text = value.strip()
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise InputFileError(path, f"a CoNLL-U word line needs 10 tab-separated columns, got {len(cols)}", number)
        ident, form, misc = cols[0], cols[1], cols[9]
        if "." in ident:
            continue
        tag = "O"
        for part in misc.split("|"):
            m = _NE.match(part)
            if m:
                tag = m.group(1)
                problem = check_tag(tag)
                if problem:
                    raise InputFileError(path, problem, number)
                break
        try:
            if "-" in ident:
                first, last = (int(x) for x in ident.split("-"))
                words.append(form)
                tags.append(tag)  # its own NE tag, or (below) that of its first word
                spaces.append("SpaceAfter=No" not in misc)
                skip_until = last
                continue
            number_id = int(ident)
        except ValueError:
            raise InputFileError(path, f"bad word id {ident!r}", number) from None
        if skip_until and number_id <= skip_until:
            if number_id == first and tag != "O" and tags:
                tags[-1] = tag  # the multiword token takes the entity tag of its first word
            continue
        skip_until = 0
        words.append(form)
        tags.append(tag)
        spaces.append("SpaceAfter=No" not in misc)
    end_document(None, 0)
    if not docs:
        raise InputFileError(path, "no words found")
    for n, (doc_ident, builder, first_line) in enumerate(docs, start=1):
        rec = builder.record(doc_ident or (base if len(docs) == 1 else f"{base}#{n}"), path, first_line)
        if rec is not None:
            yield rec
