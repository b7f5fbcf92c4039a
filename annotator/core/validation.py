"""Checks that an annotation fits its document's text and the scheme, before anything is written."""

from __future__ import annotations

from annotator.core.errors import OffsetError
from annotator.core.model import Annotation
from annotator.core.scheme import Scheme


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
