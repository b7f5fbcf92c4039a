"""Model suggestions, kept apart from human annotations, cached per (document, model key, text hash).

A model key is "name@version" of the pipeline (plus a digest of the scheme's patterns where they matter), so a
new model or a changed text recomputes only what changed. Rejections are per annotator.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlite_utils import Database

from annotator.core.model import Argument, Span, SuggestedEvent, Suggestions
from annotator.store.database import now


def cached_documents(db: Database, model: str) -> dict[str, str]:
    """document id -> text hash for which suggestions of `model` are stored."""
    return dict(db.execute("SELECT document_id, text_hash FROM suggestion_cache WHERE model = ?", [model]))


def stale_documents(db: Database, model: str) -> list[str]:
    """Ids of documents (in order) whose suggestions for `model` are missing or computed on another text."""
    return [
        r[0]
        for r in db.execute(
            "SELECT d.id FROM documents d LEFT JOIN suggestion_cache c ON c.document_id = d.id AND c.model = ? "
            "WHERE c.text_hash IS NULL OR c.text_hash != d.text_hash ORDER BY d.rowid",
            [model],
        )
    ]


def write_suggestions(db: Database, sugg: Suggestions, text_hash: str) -> None:
    """Replace the stored suggestions of one document for one model (caller holds the transaction)."""
    clear_suggestions(db, sugg.document_id, sugg.model)
    db.conn.executemany(
        "INSERT INTO suggested_spans(document_id, model, start, end, label, source) VALUES (?,?,?,?,?,?)",
        [(sugg.document_id, sugg.model, s.start, s.end, s.label, s.source) for s in sugg.spans],
    )
    for ev in sugg.events:
        cur = db.execute(
            "INSERT INTO suggested_events(document_id, model, type, trigger_start, trigger_end, source, score) "
            "VALUES (?,?,?,?,?,?,?)",
            [sugg.document_id, sugg.model, ev.type, ev.trigger_start, ev.trigger_end, ev.source, ev.score],
        )
        db.conn.executemany(
            "INSERT INTO suggested_event_arguments(suggested_event_id, role, start, end) VALUES (?,?,?,?)",
            [(cur.lastrowid, a.role, a.start, a.end) for a in ev.arguments],
        )
    db.conn.executemany(
        "INSERT INTO suggested_stance(document_id, model, target, value, score) VALUES (?,?,?,?,?)",
        [(sugg.document_id, sugg.model, t, v, float(score)) for t, (v, score) in sugg.stance.items()],
    )
    db.execute(
        "INSERT OR REPLACE INTO suggestion_cache(document_id, model, text_hash, created_at, certainty) "
        "VALUES (?,?,?,?,?)",
        [sugg.document_id, sugg.model, text_hash, now(), sugg.certainty],
    )


def clear_suggestions(db: Database, doc_id: str, model: str) -> None:
    db.execute("DELETE FROM suggested_spans WHERE document_id = ? AND model = ?", [doc_id, model])
    db.execute("DELETE FROM suggested_events WHERE document_id = ? AND model = ?", [doc_id, model])
    db.execute("DELETE FROM suggested_stance WHERE document_id = ? AND model = ?", [doc_id, model])
    db.execute("DELETE FROM suggestion_cache WHERE document_id = ? AND model = ?", [doc_id, model])


def load_suggestions(db: Database, doc_id: str, model: str) -> Suggestions:
    spans = [
        Span(r[0], r[1], r[2], id=r[3], source=r[4])
        for r in db.execute(
            "SELECT start, end, label, id, source FROM suggested_spans WHERE document_id = ? AND model = ? "
            "ORDER BY start, end, label",
            [doc_id, model],
        )
    ]
    events = []
    for type_, ts, te, ev_id, source, score in db.execute(
        "SELECT type, trigger_start, trigger_end, id, source, score FROM suggested_events "
        "WHERE document_id = ? AND model = ? "
        "ORDER BY trigger_start, trigger_end, type",
        [doc_id, model],
    ).fetchall():
        args = tuple(
            Argument(r[0], r[1], r[2], id=r[3])
            for r in db.execute(
                "SELECT role, start, end, id FROM suggested_event_arguments WHERE suggested_event_id = ? "
                "ORDER BY start, end, role",
                [ev_id],
            )
        )
        events.append(SuggestedEvent(type_, ts, te, args, id=ev_id, source=source, score=score))
    stance = {
        r[0]: (r[1], r[2])
        for r in db.execute(
            "SELECT target, value, score FROM suggested_stance WHERE document_id = ? AND model = ?", [doc_id, model]
        )
    }
    row = db.execute(
        "SELECT certainty FROM suggestion_cache WHERE document_id = ? AND model = ?", [doc_id, model]
    ).fetchone()
    certainty = row[0] if row else None
    return Suggestions(doc_id, model, spans=spans, events=events, stance=stance, certainty=certainty)


def suggestion_counts(db: Database, model: str | None = None) -> dict:
    where, params = ("WHERE model = ?", [model]) if model else ("", [])
    entities = db.execute(f"SELECT count(*) FROM suggested_spans {where}", params).fetchone()[0]
    events = db.execute(f"SELECT count(*) FROM suggested_events {where}", params).fetchone()[0]
    by_label = dict(
        db.execute(f"SELECT label, count(*) FROM suggested_spans {where} GROUP BY label ORDER BY label", params)
    )
    by_type = dict(
        db.execute(f"SELECT type, count(*) FROM suggested_events {where} GROUP BY type ORDER BY type", params)
    )
    documents = db.execute(f"SELECT count(*) FROM suggestion_cache {where}", params).fetchone()[0]
    return {
        "documents": documents,
        "entities": entities,
        "events": events,
        "by_label": by_label,
        "by_event_type": by_type,
    }


def reject(db: Database, doc_id: str, annotator: str, kind: str, start: int, end: int, label: str) -> None:
    db.execute(
        "INSERT OR IGNORE INTO rejected_suggestions(document_id, annotator, kind, start, end, label) "
        "VALUES (?,?,?,?,?,?)",
        [doc_id, annotator, kind, start, end, label],
    )


def unreject(db: Database, doc_id: str, annotator: str, kind: str, start: int, end: int, label: str) -> None:
    db.execute(
        "DELETE FROM rejected_suggestions WHERE document_id = ? AND annotator = ? AND kind = ? AND start = ? "
        "AND end = ? AND label = ?",
        [doc_id, annotator, kind, start, end, label],
    )


def rejected(db: Database, doc_id: str, annotator: str) -> set[tuple[str, int, int, str]]:
    return {
        (r[0], r[1], r[2], r[3])
        for r in db.execute(
            "SELECT kind, start, end, label FROM rejected_suggestions WHERE document_id = ? AND annotator = ?",
            [doc_id, annotator],
        )
    }


def write_many(db: Database, items: Iterable[tuple[Suggestions, str]]) -> int:
    n = 0
    with db.atomic():
        for sugg, h in items:
            write_suggestions(db, sugg, h)
            n += 1
    return n


def rename_label(db: Database, old: str, new: str) -> None:
    """Suggested spans and span rejections follow an entity label's renaming (and its undo)."""
    db.execute("UPDATE suggested_spans SET label = ? WHERE label = ?", [new, old])
    db.execute("UPDATE OR IGNORE rejected_suggestions SET label = ? WHERE label = ? AND kind = 'span'", [new, old])


def cached_count(db: Database, model: str) -> int:
    """How many documents have suggestions of `model` stored."""
    return db.execute("SELECT count(*) FROM suggestion_cache WHERE model = ?", [model]).fetchone()[0]


def any_stale(db: Database, model: str) -> bool:
    """Whether some document lacks current suggestions of `model` (stops at the first: cheap on big projects)."""
    return (
        db.execute(
            "SELECT 1 FROM documents d LEFT JOIN suggestion_cache c ON c.document_id = d.id AND c.model = ? "
            "WHERE c.text_hash IS NULL OR c.text_hash != d.text_hash LIMIT 1",
            [model],
        ).fetchone()
        is not None
    )


def rejections_of_document(db: Database, doc_id: str) -> list[tuple[str, str, int, int, str]]:
    """(annotator, kind, start, end, label) of every rejection on the document, all annotators."""
    return db.execute(
        "SELECT annotator, kind, start, end, label FROM rejected_suggestions WHERE document_id = ?", [doc_id]
    ).fetchall()


def forget_model(db: Database, model: str) -> None:
    """Mark every document's suggestions of `model` stale (they are recomputed; rows are replaced then)."""
    db.execute("DELETE FROM suggestion_cache WHERE model = ?", [model])


def cached_texts(db: Database, model: str) -> Iterator[tuple[str, str]]:
    """(id, text) of the documents with stored suggestions of `model`, in document order, read lazily."""
    yield from db.execute(
        "SELECT d.id, d.text FROM documents d JOIN suggestion_cache c ON c.document_id = d.id AND c.model = ? "
        "ORDER BY d.rowid",
        [model],
    )


def has_suggested_span(db: Database, doc_id: str, model: str, start: int, end: int, label: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM suggested_spans WHERE document_id = ? AND model = ? AND start = ? AND end = ? AND label = ? "
        "LIMIT 1",
        [doc_id, model, start, end, label],
    ).fetchone()
    return row is not None


def suggested_stance(db: Database, doc_id: str, model: str) -> dict[str, tuple[str, float]]:
    """The stance a trained classifier suggests for the document: target -> (value, score)."""
    return {
        r[0]: (r[1], r[2])
        for r in db.execute(
            "SELECT target, value, score FROM suggested_stance WHERE document_id = ? AND model = ?", [doc_id, model]
        )
    }
