"""File formats: one module per format. Readers yield ImportRecords; writers consume documents and layers.

`read_paths` picks a reader per file (by extension, or the `--format` given) and walks folders.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputFileError
from annotator.core.importing import ImportRecord

# extension -> format name; readers for more formats register here (see READERS below)
EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".conll": "conll",
    ".conll2003": "conll",
    ".iob": "conll",
    ".conllu": "conllu",
    ".spacy": "spacy",
}


REPORT_SUFFIX = ".report.json"  # what `export` writes beside its output (see export.report_path)

# format -> (module, reader function); imported on use so `import` of plain text never loads spaCy
READERS = {
    "txt": ("annotator.formats.txt", "read_txt"),
    "jsonl": ("annotator.formats.jsonl", "read_jsonl"),
    "csv": ("annotator.formats.csv", "read_csv"),
    "conll": ("annotator.formats.conll", "read"),
    "conllu": ("annotator.formats.conllu", "read"),
    "spacy": ("annotator.formats.docbin", "read"),
}


def _reader(fmt: str):
    if fmt not in READERS:
        raise InputFileError(None, f"unknown import format {fmt!r} (choose from {', '.join(READERS)})")
    module, name = READERS[fmt]
    return getattr(importlib.import_module(module), name)


def detect_format(path: Path) -> str | None:
    return EXTENSIONS.get(path.suffix.lower())


def read_paths(paths: list[str | Path], fmt: str = "auto", skipped: list[str] | None = None) -> Iterator[ImportRecord]:
    """Yield records from files and folders; a folder contributes its files of known types, recursively."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputFileError(path, "no such file or folder")
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.parts[len(path.parts) :])
            )
            if not files:
                raise InputFileError(path, "the folder holds no files to import")
            for file in files:
                if file.name.endswith(REPORT_SUFFIX):
                    continue  # an export's report beside its output is not a document
                file_fmt = fmt if fmt != "auto" else detect_format(file)
                if file_fmt is None:
                    if skipped is not None:
                        skipped.append(str(file))
                    continue
                yield from _reader(file_fmt)(file, doc_id=file.relative_to(path).as_posix())
        else:
            file_fmt = fmt if fmt != "auto" else (detect_format(path) or "txt")
            yield from _reader(file_fmt)(path, doc_id=path.name)


def check_binary(path: Path) -> None:
    """Refuse missing, unreadable, empty and binary files before streaming them."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
            # whitespace-only head of a longer file: look on until there is something (or nothing) to read
            while not head.strip() and (more := fh.read(_HEAD)):
                head = more
    except OSError as exc:
        raise InputFileError(path, f"cannot read file ({exc.strerror})") from None
    _check_head(path, head)


_HEAD = 8192


def _check_head(path: Path, head: bytes) -> None:
    if not head.strip():
        raise InputFileError(path, "the file is empty")
    if b"\x00" in head[:_HEAD]:
        raise InputFileError(path, "this is a binary file, not UTF-8 text")


def read_text_file(path: Path) -> str:
    """Decode a file as UTF-8 (a BOM is dropped); binary, undecodable and empty files get a clear error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read file ({exc.strerror})") from None
    _check_head(path, raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(
            path, f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})", line
        ) from None
