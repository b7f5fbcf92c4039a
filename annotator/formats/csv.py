"""CSV (or TSV): a `text` column holds the article; an `id` column, if any, its id; other columns become meta."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.limits import MAX_CSV_FIELD_CHARS
from annotator.core.model import Document


def read_csv(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    from annotator.formats import read_text_file

    text = read_text_file(path)
    # Python's default (131,072 characters) refuses long articles; the limit is process-wide, so set it each time
    csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        fields = reader.fieldnames or []
    except csv.Error as exc:
        raise InputFileError(path, f"malformed CSV header ({exc})", 1) from None
    lower = {f.strip().lower(): f for f in fields if f is not None}
    if "text" not in lower:
        shown = ", ".join(repr(f) if len(f) <= 40 else repr(f[:37] + "...") for f in fields[:12] if f is not None)
        more = f" and {len(fields) - 12} more" if len(fields) > 12 else ""
        raise InputFileError(path, f"no 'text' column (columns: {shown or 'none'}{more})", 1)
    text_col = lower["text"]
    id_col = lower.get("id")
    stem = path.stem
    try:
        for number, row in enumerate(reader, start=1):
            line = reader.line_num
            if None in row:
                raise InputFileError(path, "the row has more fields than the header", line)
            body = row.get(text_col)
            if body is None or not body.strip():
                raise InputFileError(path, "the 'text' cell is empty", line)
            ident = (row.get(id_col) or "").strip() if id_col else ""
            meta = {k: v for k, v in row.items() if k not in (text_col, id_col) and k is not None}
            yield ImportRecord(
                Document(id=ident or f"{stem}-{number}", text=body, meta=meta), path=str(path), line=line
            )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            problem = f"a field is longer than {MAX_CSV_FIELD_CHARS:,} characters (the limit for one article)"
            raise InputFileError(path, problem, reader.line_num) from None
        raise InputFileError(path, f"malformed CSV ({exc})", reader.line_num) from None
