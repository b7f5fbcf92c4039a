"""JSON objects from a file that is either JSON lines or one JSON array (pretty-printed or not), with the line
each object starts on: what doccano, Prodigy and Label Studio readers share. Errors name the format the file was
taken for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputFileError

_WS = " \t\r\n\ufeff"


def _has_lone_surrogate(obj: object) -> bool:
    if isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(obj, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in obj.items())
    if isinstance(obj, list):
        return any(_has_lone_surrogate(v) for v in obj)
    return False


def check_surrogates(obj: object, raw: str | bytes, path: Path, line: int | None, what: str) -> None:
    # only an escape can make a surrogate (UTF-8 cannot encode one): look for one before walking the object
    if isinstance(raw, bytes):
        escaped = b"\\ud" in raw or b"\\uD" in raw
    else:
        escaped = "\\ud" in raw or "\\uD" in raw
    if escaped and _has_lone_surrogate(obj):
        raise InputFileError(
            path, f"{what}: a lone surrogate escape (\\ud800-\\udfff without its pair) is not text", line
        )


def iter_objects(path: Path, what: str) -> Iterator[tuple[int, object]]:
    """(line, object) for each JSON line, or for each element of a top-level JSON array."""
    try:
        yield from _objects(path, what)
    except RecursionError:  # json and our checks recurse: a file nested thousands deep is refused, not a crash
        raise InputFileError(path, f"{what}: nested too deeply to be an annotation file") from None


def _objects(path: Path, what: str) -> Iterator[tuple[int, object]]:
    from annotator.formats import read_text_file

    text = read_text_file(path)
    body = text.lstrip(_WS)
    if body.startswith("["):
        yield from _array(text, path, what)
        return
    any_line = False
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            if not any_line:  # a pretty-printed object (or several, one after the other)
                yield from _stream(text, path, what)
                return
            raise InputFileError(path, f"{what}: not valid JSON ({exc.msg} at column {exc.colno})", number) from None
        any_line = True
        check_surrogates(obj, raw, path, number, what)
        yield number, obj
    if not any_line:
        raise InputFileError(path, "the file is empty")


def _stream(text: str, path: Path, what: str) -> Iterator[tuple[int, object]]:
    """JSON values one after another, each over any number of lines."""
    decoder = json.JSONDecoder()
    i, pos, line = 0, 0, 1
    while True:
        while i < len(text) and text[i] in _WS:
            i += 1
        if i >= len(text):
            return
        line += text.count("\n", pos, i)
        pos = i
        try:
            obj, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"{what}: not valid JSON ({exc.msg})", exc.lineno) from None
        check_surrogates(obj, text[i:end], path, line, what)
        yield line, obj
        i = end


def _array(text: str, path: Path, what: str) -> Iterator[tuple[int, object]]:
    decoder = json.JSONDecoder()
    i = text.index("[") + 1
    line = text.count("\n", 0, i) + 1
    pos = i
    first = True
    while True:
        while i < len(text) and text[i] in _WS:
            i += 1
        if i >= len(text):
            raise InputFileError(path, f"{what}: the JSON array is not closed (truncated file?)", line)
        if text[i] == "]":
            rest = text[i + 1 :].strip(_WS)
            if rest:
                line += text.count("\n", pos, i)
                raise InputFileError(path, f"{what}: text after the end of the JSON array", line)
            return
        if not first:
            if text[i] != ",":
                line += text.count("\n", pos, i)
                raise InputFileError(path, f"{what}: expected ',' between the array's items", line)
            i += 1
            while i < len(text) and text[i] in _WS:
                i += 1
        line += text.count("\n", pos, i)
        pos = i
        try:
            obj, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"{what}: not valid JSON ({exc.msg})", exc.lineno) from None
        check_surrogates(obj, text[i:end], path, line, what)
        yield line, obj
        first = False
        i = end


def read_ours(path: Path, doc_id: str | None = None):
    """Our JSONL, streamed line by line; or the same objects as one JSON array or indented one after another."""
    from annotator.formats.jsonl import _Bad, read_jsonl, record_from_json

    with open(path, "rb") as fh:
        head = fh.read(4096).lstrip(b" \t\r\n\xef\xbb\xbf")
    first_line = head.split(b"\n", 1)[0].strip()
    if not (head.startswith(b"[") or first_line == b"{"):  # else: an array, or an indented object
        try:
            yield from read_jsonl(path, doc_id)
        except RecursionError:
            raise InputFileError(path, "JSON lines: nested too deeply to be an annotation file") from None
        return
    for line, obj in iter_objects(path, "JSON"):
        try:
            yield record_from_json(obj, str(path), line)
        except _Bad as exc:
            raise InputFileError(path, f"a JSON object: {exc}", line) from None
