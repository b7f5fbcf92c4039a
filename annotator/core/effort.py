"""Coding effort from the operation log: active minutes per article, as methods sections report it.

An article's active time is the sum of the gaps between an annotator's consecutive actions on it, leaving out
gaps over five minutes (a break, a meeting, the window left open overnight); the time spent reading before the
first action is not seen and not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise
from statistics import median

IDLE_GAP_SECONDS = 5 * 60


def active_seconds(times: Iterable[str]) -> float:
    """Seconds between consecutive ISO timestamps, gaps over five minutes left out."""
    stamps = [datetime.fromisoformat(t) for t in times]
    gaps = ((b - a).total_seconds() for a, b in pairwise(stamps))
    return sum(g for g in gaps if 0 <= g <= IDLE_GAP_SECONDS)


def effort_by_annotator(per_article: Iterable[tuple[str, str, list[str]]], done: dict[str, set[str]]) -> dict:
    """Per annotator: articles with logged work, and the median active minutes per article they marked done
    (all articles they worked on when none is done yet)."""
    seconds: dict[str, dict[str, float]] = {}
    for annotator, doc_id, times in per_article:
        seconds.setdefault(annotator, {})[doc_id] = active_seconds(times)
    out = {}
    for annotator, per_doc in seconds.items():
        finished = [v for d, v in per_doc.items() if d in done.get(annotator, set())]
        sample = finished or list(per_doc.values())
        out[annotator] = {
            "articles_logged": len(per_doc),
            "median_active_minutes": round(median(sample) / 60, 2) if sample else None,
            "median_over": "done" if finished else "worked on",
        }
    return out
