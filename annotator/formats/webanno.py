"""INCEpTION / WebAnno TSV 3.x: the NamedEntity layer's `value`, stacked annotations included.

    #FORMAT=WebAnno TSV 3.3
    #T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value

    #Text=Kabul is a city .
    1-1	0-5	Kabul	*	LOC
    1-2	6-8	is	_	_

Columns: sentence-token, character offsets (UTF-16 units: INCEpTION is Java), the token, then the features of
each layer the header declares, in order. A multi-token entity carries the same `[n]` on each of its tokens;
stacked entities are separated by `|`. The text is rebuilt from the `#Text=` lines placed at their offsets
(gaps become line breaks and spaces). Other layers' columns are counted as not imported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.model import Annotation, Document, Span, Status
from annotator.formats.offsets import utf16_length

NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
_VALUE = re.compile(r"^(.*?)(?:\[(\d+)\])?$")
_UNESCAPE = {
    "\\\\": "\\",
    "\\n": "\n",
    "\\r": "\r",
    "\\t": "\t",
    "\\[": "[",
    "\\]": "]",
    "\\|": "|",
    "\\_": "_",
    "\\-": "-",
    "\\;": ";",
    "\\*": "*",
    "\\>": ">",
}
_ESC = re.compile(r"\\[\\nrt\[\]|_\-;*>]")


def _unescape(value: str) -> str:
    return _ESC.sub(lambda m: _UNESCAPE.get(m.group(), m.group()), value)


def read(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    from annotator.formats import read_text_file

    path = Path(path)
    raw = read_text_file(path)
    lines = raw.split("\n")
    if not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        raise InputFileError(path, "a WebAnno TSV file must start with '#FORMAT=WebAnno TSV 3.x'", 1)
    column = None  # index of the NamedEntity value column
    ncols = 3
    layers = 0
    for line in lines[1:]:
        line = line.rstrip("\r")
        if not line.startswith("#T_"):
            if line.strip():
                break
            continue
        kind, _, spec = line.partition("=")
        parts = spec.split("|")
        layers += 1
        if kind == "#T_SP" and parts[0] == NAMED_ENTITY and "value" in parts[1:]:
            column = ncols + parts[1:].index("value")
        ncols += len(parts) - 1
    if column is None:
        raise InputFileError(path, f"a WebAnno TSV file without the NamedEntity layer ({NAMED_ENTITY}|value)")
    text_parts: list[str] = []
    length = 0  # code points so far
    length16 = 0  # UTF-16 units so far
    spans: dict[str, list] = {}  # "[n]" key or unique key -> [start, end, label]
    single = 0
    counts: Counter = Counter()
    sentence: str | None = None
    sent_base = 0  # code point where the current sentence starts
    sent_base16 = 0
    sent_map: dict[int, int] = {}
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if line.startswith("#Text="):
            chunk = _unescape(line[len("#Text=") :])
            sentence = chunk if sentence is None else sentence + "\n" + chunk  # a sentence over several lines
            continue
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < ncols:
            raise InputFileError(path, f"a WebAnno TSV token line needs {ncols} columns, got {len(cols)}", number)
        if "." in cols[0]:  # a sub-token: its annotations are on the token too
            continue
        try:
            b16, e16 = (int(x) for x in cols[1].split("-"))
        except ValueError:
            raise InputFileError(path, f"a WebAnno TSV token line has bad offsets {cols[1]!r}", number) from None
        if sentence is not None:  # the first token of a new sentence: place the sentence text
            token = _unescape(cols[2])
            local = sentence.find(token)
            if local < 0:
                raise InputFileError(path, f"token {token!r} is not in its sentence's #Text", number)
            start16 = b16 - utf16_length(sentence[:local])
            gap = start16 - length16
            if gap < 0:
                raise InputFileError(
                    path, f"the sentence starting at offset {start16} overlaps the previous one", number
                )
            filler = ("\n" + " " * (gap - 1)) if gap and text_parts else " " * gap
            text_parts.append(filler)
            length += len(filler)
            length16 += gap
            sent_base, sent_base16 = length, length16
            sent_map = {}
            unit = 0
            for i, c in enumerate(sentence):
                sent_map[unit] = i
                unit += 2 if ord(c) > 0xFFFF else 1
            sent_map[unit] = len(sentence)
            text_parts.append(sentence)
            length += len(sentence)
            length16 += unit
            sentence = None
        s = sent_map.get(b16 - sent_base16)
        e = sent_map.get(e16 - sent_base16)
        if s is None or e is None:
            raise InputFileError(path, f"token offsets {cols[1]} fall outside their sentence", number)
        start, end = sent_base + s, sent_base + e
        value = cols[column]
        if value in ("_", "*", ""):
            continue
        for item in value.split("|"):
            m = _VALUE.match(item)
            label = _unescape(m.group(1)) if m else item
            if label in ("_", "*", ""):
                counts["entity(ies) without a value"] += 1
                continue
            key = m.group(2) if m and m.group(2) else None
            if key is None:
                single += 1
                key = f"single-{single}"
            if key in spans:
                spans[key][1] = end
            else:
                spans[key] = [start, end, label]
    if layers > 1:
        counts["other layer(s)' columns"] += layers - 1
    text = "".join(text_parts)
    if not text.strip():
        raise InputFileError(path, "no #Text= lines: nothing to import")
    ident = doc_id or path.name
    result = [Span(s, e, label, source="import") for s, e, label in spans.values()]
    rec = ImportRecord(Document(ident, text, {}), Annotation(ident, "", Status.DONE, spans=result), str(path), None)
    rec.not_imported.update(counts)
    yield rec
