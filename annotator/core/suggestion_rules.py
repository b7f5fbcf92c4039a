"""Which suggestions are open for an annotator: the one rule the window, `Project.open_suggestions`, accept-all
and the statistics share.

A suggested span is open when the annotator has no confirmed span on exactly its offsets, has not rejected it
(same offsets and label), and the scheme has its label (a model's labels the scheme lacks are never offered).
A suggested event is open likewise: no confirmed event on its trigger, not rejected, a type of the scheme.
"""

from __future__ import annotations

from collections.abc import Collection


def open_span(
    start: int,
    end: int,
    label: str,
    taken: Collection[tuple[int, int]],
    rejected: Collection[tuple[str, int, int, str]],
    labels: Collection[str],
) -> bool:
    return (start, end) not in taken and ("span", start, end, label) not in rejected and label in labels


def open_event(
    start: int,
    end: int,
    type_: str,
    taken: Collection[tuple[int, int]],
    rejected: Collection[tuple[str, int, int, str]],
    types: Collection[str],
) -> bool:
    return (start, end) not in taken and ("event", start, end, type_) not in rejected and type_ in types
