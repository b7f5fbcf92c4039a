"""Checks before anything is written: names (annotators, labels, event types, roles, stance targets and values)
and whether an annotation fits its document's text and the scheme.

One rule for names on every path (new projects and scheme files, scheme edits in the window, import of every
format, merge): `check_name`. A name is non-empty text without leading or trailing space, without control
characters, line separators or bidirectional embeddings/overrides/isolates/marks (they reorder what a reader sees:
a name could pass for another), at most MAX_NAME characters. Zero-width joiners and non-joiners stay allowed:
Persian and Dari words need them. Labels, event types and roles also have no space inside: CoNLL files separate
columns with spaces and tabs. `gold` is the adjudicated layer, so no annotator may take that name.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from annotator.core.errors import OffsetError, SchemeError
from annotator.core.model import GOLD, Annotation

if TYPE_CHECKING:
    from annotator.core.scheme import Scheme

MAX_NAME = 100
_JOINERS = {"\u200c", "\u200d"}  # ZWNJ, ZWJ
_BIDI = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def _bad_character(name: str) -> str | None:
    for ch in name:
        category = unicodedata.category(ch)
        if ch in _BIDI:
            return f"a bidirectional control character (U+{ord(ch):04X})"
        if category in ("Cc", "Cs", "Zl", "Zp", "Co", "Cn") or (category == "Cf" and ch not in _JOINERS):
            return f"a control or invisible character (U+{ord(ch):04X})"
    return None


def check_name(name: object, what: str = "name", *, label: bool = False) -> str:
    """Return `name` if it is a valid `what`; else raise SchemeError saying why. `label`: no whitespace inside
    (entity labels, event types, roles: CoNLL columns)."""
    if not isinstance(name, str) or not name.strip():
        raise SchemeError(f"{what} must be non-empty text (got {name!r})")
    if name != name.strip():
        raise SchemeError(f"{what} {name!r} has a space at the start or end; remove it")
    if len(name) > MAX_NAME:
        raise SchemeError(f"{what} {name[:40]!r}... is longer than {MAX_NAME} characters")
    bad = _bad_character(name)
    if bad:
        raise SchemeError(f"{what} {name!r} contains {bad}; type the name without it")
    if label and any(ch.isspace() for ch in name):
        suggestion = "_".join(name.split())
        raise SchemeError(
            f"{what} {name!r} contains a space, which would break CoNLL columns; use {suggestion!r} instead"
        )
    return name


def check_annotator_name(name: object, *, allow_gold: bool = False) -> str:
    """An annotator's name; `gold` only for the adjudicated layer itself (`allow_gold`)."""
    check_name(name, "annotator name")
    assert isinstance(name, str)
    if name.casefold() == GOLD and not (allow_gold and name == GOLD):
        raise SchemeError(f"annotator name {name!r} is reserved for the adjudicated (gold) layer; choose another")
    return name


def check_offsets(start: object, end: object, text: str, what: str = "span") -> None:
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise OffsetError(f"{what} offsets must be whole numbers (got start={start!r}, end={end!r})")
    if start < 0 or end > len(text):
        raise OffsetError(f"{what} [{start}, {end}) falls outside the text (length {len(text)} characters)")
    if end <= start:
        raise OffsetError(f"{what} [{start}, {end}) is empty or reversed: end must be greater than start")


def check_annotation(ann: Annotation, text: str, scheme: Scheme) -> None:
    """Raise OffsetError/SchemeError for the first problem found in an annotator's layer."""
    for span in ann.spans:
        check_offsets(span.start, span.end, text)
        scheme.check_label(span.label)
    for event in ann.events:
        check_offsets(event.trigger_start, event.trigger_end, text, f"{event.type} trigger")
        scheme.check_event(event.type, [a.role for a in event.arguments])
        for arg in event.arguments:
            check_offsets(arg.start, arg.end, text, f"{arg.role} argument")
    for target, value in ann.stance.items():
        scheme.check_stance(target, value)
    for target, evidence in ann.stance_evidence.items():
        scheme.check_stance(target)
        for ev in evidence:
            check_offsets(ev.start, ev.end, text, f"evidence for {target}")
