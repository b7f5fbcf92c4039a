"""Plain text: one article per file; the document id is the file name (relative path inside a folder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord
from annotator.core.limits import MAX_TXT_FILE_BYTES, megabytes
from annotator.core.model import Document


def read_txt(path: Path, doc_id: str | None = None) -> Iterator[ImportRecord]:
    from annotator.formats import read_text_file

    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_text_file says why it cannot be read
    if size > MAX_TXT_FILE_BYTES:
        problem = f"the file is {megabytes(size)}, over the limit of {megabytes(MAX_TXT_FILE_BYTES)} for one article"
        raise InputFileError(path, problem)
    text = read_text_file(path)
    yield ImportRecord(Document(id=doc_id or path.name, text=text, meta={"source_file": path.name}), path=str(path))
