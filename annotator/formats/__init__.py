"""File formats: one module per format. Readers yield ImportRecords; writers consume documents and layers.

`read_paths` picks a reader per file (by extension and content, see `detect`, or the `--format` given) and walks
folders. Document ids are file names (paths inside a folder); files that would share an id get a longer path.
"""

from __future__ import annotations

import importlib
import os
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
    ".ann": "brat",
}


REPORT_SUFFIX = ".report.json"  # what `export` writes beside its output (see export.report_path)

# format -> (module, reader function); imported on use so `import` of plain text never loads spaCy
READERS = {
    "txt": ("annotator.formats.txt", "read_txt"),
    "jsonl": ("annotator.formats.jsondocs", "read_ours"),  # JSONL, or a JSON array of the same objects
    "csv": ("annotator.formats.csv", "read_csv"),
    "conll": ("annotator.formats.conll", "read"),
    "conllu": ("annotator.formats.conllu", "read"),
    "spacy": ("annotator.formats.docbin", "read"),
    "prodigy": ("annotator.formats.prodigy", "read"),
    "doccano": ("annotator.formats.doccano", "read"),
    "labelstudio": ("annotator.formats.labelstudio", "read"),
    "brat": ("annotator.formats.brat", "read"),
    "webanno": ("annotator.formats.webanno", "read"),
}
# files a folder may hold that are not documents (brat's configuration, our own export reports)
_NOT_DOCUMENTS = ("annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf")


def _reader(fmt: str):
    if fmt not in READERS:
        raise InputFileError(None, f"unknown import format {fmt!r} (choose from {', '.join(READERS)})")
    module, name = READERS[fmt]
    return getattr(importlib.import_module(module), name)


def detect_format(path: Path) -> str | None:
    return EXTENSIONS.get(path.suffix.lower())


def _unique_ids(items: list[tuple[Path, str]]) -> list[str]:
    """Ids for (file, id) pairs; ids two files share are lengthened with their parent folders until unique."""
    ids = [i for _, i in items]
    for _ in range(32):
        seen: dict[str, int] = {}
        for i in ids:
            seen[i] = seen.get(i, 0) + 1
        clash = [n for n, i in enumerate(ids) if seen[i] > 1]
        if not clash:
            break
        for n in clash:
            path = items[n][0].resolve()
            depth = ids[n].count("/") + 2
            parts = path.parts[-depth:]
            ids[n] = "/".join(parts)
    return ids


def read_paths(paths: list[str | Path], fmt: str = "auto", skipped: list[str] | None = None) -> Iterator[ImportRecord]:
    """Yield records from files and folders; a folder contributes its files of known types, recursively."""
    from annotator.formats.detect import detect

    plan: list[tuple[Path, str, str]] = []  # (file, format, id)
    seen_files: set[Path] = set()
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
            brat_texts = {p.with_suffix(".txt") for p in files if p.suffix.lower() == ".ann"}
            for file in files:
                if file in brat_texts or file.name in _NOT_DOCUMENTS or file.name.endswith(REPORT_SUFFIX):
                    continue
                file_fmt = fmt if fmt != "auto" else detect(file, detect_format(file), named=False)
                if file_fmt is None:
                    if skipped is not None:
                        skipped.append(str(file))
                    continue
                rel = file.relative_to(path).as_posix()
                if file_fmt == "brat":
                    rel = rel[: -len(file.suffix)] if file.suffix else rel
                plan.append((file, file_fmt, rel))
        else:
            file_fmt = fmt if fmt != "auto" else (detect(path, detect_format(path), named=True) or "txt")
            ident = path.stem if file_fmt == "brat" else path.name
            if file_fmt == "brat" and path.suffix.lower() != ".ann":
                path = path.with_suffix(".ann")
            plan.append((path, file_fmt, ident))
    unique: list[tuple[Path, str, str]] = []
    for file, file_fmt, ident in plan:
        key = Path(os.path.abspath(file))
        if key not in seen_files:  # a brat pair named by both its files, a file named twice
            seen_files.add(key)
            unique.append((file, file_fmt, ident))
    ids = _unique_ids([(file, ident) for file, _, ident in unique])
    for (file, file_fmt, _), ident in zip(unique, ids, strict=True):
        yield from _reader(file_fmt)(file, doc_id=ident)


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
