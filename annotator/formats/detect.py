"""Which format a file is in: from its content where the extension is ambiguous (.json, .jsonl, .tsv, .txt) or
unknown, so a doccano, Prodigy or Label Studio file or a CoNLL corpus called `train.txt` is read for what it is."""

from __future__ import annotations

import json
import re
from pathlib import Path

from annotator.core.errors import InputFileError

_TAG = re.compile(r"^(O|[BIESLU]-\S+)$")
_BRAT = re.compile(r"^[TERAMN#*]\d*\t")
_HEAD = 16384


def _head(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_HEAD)
    except OSError:
        return ""
    return raw.decode("utf-8", "replace").lstrip("\ufeff")


def json_kind(obj: object) -> str:
    """The tool that writes objects like this one: labelstudio, prodigy, doccano or jsonl (ours)."""
    if not isinstance(obj, dict):
        return "jsonl"
    if isinstance(obj.get("data"), dict):  # a task (doccano 1.0's "data" is the text, a string)
        return "labelstudio"
    if "annotation_id" in obj or any(
        isinstance(v, list) and v and isinstance(v[0], dict) and "labels" in v[0] and "start" in v[0]
        for v in obj.values()
    ):
        return "labelstudio"
    if any(k in obj for k in ("_input_hash", "_task_hash", "answer", "_annotator_id", "_session_id", "_view_id")):
        return "prodigy"
    if any(k in obj for k in ("label", "labels", "entities", "annotations", "cats")) and "spans" not in obj:
        return "doccano"
    return "jsonl"


def _first_json(head: str, path: Path) -> object | None:
    body = head.lstrip()
    if body.startswith("["):
        for text in (body, None):
            if text is None:  # the first item is longer than the head: read the file
                try:
                    text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff").lstrip()
                except OSError:
                    return None
            rest = text[1:].lstrip()
            if rest.startswith("]"):
                return None
            try:
                return json.JSONDecoder().raw_decode(rest)[0]
            except json.JSONDecodeError:
                if len(head) < _HEAD:
                    return None
        return None
    line = body.split("\n", 1)[0]
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        pass
    except ValueError:  # e.g. a number of over 4,300 digits: the reader says so, with its line
        return {}
    try:  # a pretty-printed object
        return json.JSONDecoder().raw_decode(body)[0]
    except json.JSONDecodeError:
        if len(head) < _HEAD:
            return None
    try:
        whole = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff").lstrip()
        return json.JSONDecoder().raw_decode(whole)[0]
    except (OSError, json.JSONDecodeError):
        return None


def sniff(path: Path) -> str | None:
    """The format the content looks like, or None."""
    try:
        return _sniff(path)
    except RecursionError:  # absurdly nested JSON: let the reader refuse it with a message
        return "jsonl"


def _sniff(path: Path) -> str | None:
    head = _head(path)
    body = head.lstrip()
    if not body:
        return None
    if body.startswith("#FORMAT=WebAnno TSV"):
        return "webanno"
    if body.startswith("<?xml") or body.startswith("<xmi:XMI"):
        return "xmi"
    if body[0] in "[{":
        obj = _first_json(head, path)
        if obj is not None:
            return json_kind(obj)
        return "jsonl" if body[0] == "{" else None
    lines = [ln for ln in head[:8192].splitlines()[:200] if ln.strip()]
    first = lines[0].split()
    if _BRAT.match(lines[0]):
        return "brat" if all(_BRAT.match(ln) for ln in lines[:50]) else None
    if first[0] == "-DOCSTART-":
        return "conll"
    if lines[0].startswith(("# sent_id", "# newdoc", "# text")):
        return "conllu"
    if len(first) < 2 or not _TAG.match(first[-1]):  # prose: decided on the first line
        return None
    tagged = 0
    for ln in lines:
        cols = ln.split()
        if len(cols) >= 2 and _TAG.match(cols[-1]):
            tagged += 1
    if len(lines) >= 2 and tagged >= 0.9 * len(lines):
        if all(len(ln.split("\t")) == 10 for ln in lines if not ln.startswith("#")):
            return "conllu"
        return "conll"
    return None


AMBIGUOUS = {".json", ".jsonl", ".ndjson", ".tsv", ".txt", ".text"}


def detect(path: Path, by_extension: str | None, named: bool) -> str | None:
    """The format of `path`: its content decides for ambiguous extensions; an unknown extension named on the
    command line is recognised by content or refused."""
    suffix = path.suffix.lower()
    if suffix == ".ann":
        return "brat"
    if suffix == ".xmi":
        raise InputFileError(path, "UIMA XMI is not read: export the project from INCEpTION as WebAnno TSV 3")
    if by_extension is not None and suffix not in AMBIGUOUS:
        return by_extension
    if suffix in (".txt", ".text") and path.with_suffix(".ann").exists():
        return "brat"
    found = sniff(path)
    if found == "xmi":
        raise InputFileError(path, "UIMA XMI is not read: export the project from INCEpTION as WebAnno TSV 3")
    if by_extension is None:
        if found is None and named:
            raise InputFileError(
                path,
                "unknown file type: not recognised as JSON lines, doccano, Prodigy, Label Studio, brat, WebAnno TSV, "
                "CoNLL or CoNLL-U; name the format with --format (txt for plain text)",
            )
        return found
    if suffix == ".tsv":
        return found if found in ("webanno", "conll", "conllu") else by_extension
    if suffix in (".txt", ".text"):
        return found if found in ("conll", "conllu") else by_extension
    return found if found in ("labelstudio", "prodigy", "doccano") else by_extension
