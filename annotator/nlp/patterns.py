"""Learned patterns without spaCy: which confirmed spans become patterns, and how they override the model.

Kept free of spaCy imports so the runner can decide that nothing needs computing without loading spaCy.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable

from annotator.core.model import Span
from annotator.core.scheme import Scheme

Pattern = tuple[str, str]  # (label, exact text)


def confirmed_patterns(rows: Iterable[tuple[str, str]], scheme: Scheme) -> list[Pattern]:
    """Patterns from confirmed (label, text) rows: one label per text (the most frequent; ties by name)."""
    votes: dict[str, Counter[str]] = {}
    allowed = set(scheme.entity_labels)
    for label, text in rows:
        if label in allowed and text and text.strip() == text:
            votes.setdefault(text, Counter())[label] += 1
    patterns = []
    for text, counter in votes.items():
        label = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[0][0]
        patterns.append((label, text))
    return sorted(patterns)


def merge(patterns: list[Span], model: list[Span]) -> list[Span]:
    """Learned patterns win over the model wherever they overlap (patterns do not overlap each other)."""
    ordered = sorted(patterns)
    ends = [s.end for s in ordered]
    kept = list(ordered)
    for span in model:
        i = bisect_right(ends, span.start)  # first pattern ending after the span starts
        if i == len(ordered) or ordered[i].start >= span.end:
            kept.append(span)
    return sorted(kept)
