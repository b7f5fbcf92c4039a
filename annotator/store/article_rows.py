"""The rows one article's view reads on every action: spans, suggested spans and rejections, optionally only
those overlapping a character window (three plain indexed queries, about 1 ms), and the layer's state."""

from __future__ import annotations

import json

from sqlite_utils import Database

from annotator.core.model import ArticleRows


def article_rows(db: Database, doc_id: str, annotator: str, model: str, window: tuple[int, int] | None) -> ArticleRows:
    where, extra = ("", []) if window is None else (" AND start < ? AND end > ?", [window[1], window[0]])
    spans = db.execute(
        "SELECT start, end, label, id, source FROM spans WHERE document_id = ? AND annotator = ?" + where,
        [doc_id, annotator, *extra],
    ).fetchall()
    rejected = {
        (r[0], r[1], r[2])
        for r in db.execute(
            "SELECT start, end, label FROM rejected_suggestions WHERE document_id = ? AND annotator = ? "
            "AND kind = 'span'" + where,
            [doc_id, annotator, *extra],
        )
    }
    suggested = db.execute(
        "SELECT start, end, label, id, source FROM suggested_spans WHERE document_id = ? AND model = ?" + where,
        [doc_id, model, *extra],
    ).fetchall()
    return ArticleRows(spans, suggested, rejected)


def has_suggested_events(db: Database, doc_id: str, model: str) -> bool:
    """Whether the model suggested any event here (loading suggestions is skipped when not)."""
    return (
        db.execute(
            "SELECT 1 FROM suggested_events WHERE document_id = ? AND model = ? LIMIT 1", [doc_id, model]
        ).fetchone()
        is not None
    )


def layer_state(db: Database, doc_id: str, annotator: str) -> tuple[str, str, list[str]]:
    """(status, note, flags) of one annotator's layer of a document; not started when never touched."""
    row = db.execute(
        "SELECT status, note, flags FROM doc_states WHERE document_id = ? AND annotator = ?", [doc_id, annotator]
    ).fetchone()
    status, note = (row[0], row[1]) if row else ("not_started", "")
    return status, note, json.loads(row[2]) if row and row[2] else []
