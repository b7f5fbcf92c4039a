"""The reads behind the document list and the status bar: which documents match the filters (as rowids), pages
of rows, the next document to do, progress counts. Kept as plain SQL: the list pages 100,000 articles."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from annotator.core.errors import ReadOnlyProjectError
from annotator.core.model import DocumentFilters
from annotator.store.search_index import like_rowids, search_clause


def matching_rowids(db: Database, annotator: str, filters: DocumentFilters, model: str | None) -> list[int]:
    """Rowids of the matching documents in document order (100,000 of them take about 20 ms)."""
    where: list[str] = []
    params: list[object] = []
    if filters.status:
        where.append(
            "COALESCE((SELECT status FROM doc_states s WHERE s.document_id = d.id AND s.annotator = ?), "
            "'not_started') = ?"
        )
        params += [annotator, filters.status]
    if filters.label:
        where.append(
            "(EXISTS (SELECT 1 FROM spans p WHERE p.document_id = d.id AND p.annotator = ? AND p.label = ?) "
            "OR EXISTS (SELECT 1 FROM suggested_spans g WHERE g.document_id = d.id AND g.model = ? AND g.label = ?))"
        )
        params += [annotator, filters.label, model or "", filters.label]
    if filters.search.strip():
        clause, query = search_clause(db, filters.search)
        where.append(clause)
        params.append(query)
    order = "d.rowid"
    if filters.order == "uncertain":
        # least certain first: by the trained model's certainty of its least sure decision in the article
        # (entities, triggers, stance); articles it has not scored come last, in document order
        certainty = "(SELECT certainty FROM suggestion_cache c WHERE c.document_id = d.id AND c.model = ?)"
        order = f"{certainty} IS NULL, {certainty}, d.rowid"
    if not where and order == "d.rowid":
        return [r[0] for r in db.execute("SELECT rowid FROM documents ORDER BY rowid")]
    sql = "SELECT d.rowid FROM documents d" + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order}"
    if filters.order == "uncertain":
        params += [model or "", model or ""]
    return [r[0] for r in db.execute(sql, params)]


def listed_rowids(db: Database, annotator: str, filters: DocumentFilters, model: str | None) -> list[int]:
    """`matching_rowids`, or for a search a read-only project cannot index, a plain scan of the texts."""
    try:
        return matching_rowids(db, annotator, filters, model)
    except (sqlite3.OperationalError, ReadOnlyProjectError):  # query_only: the index cannot be brought up to date
        if not filters.search.strip():
            raise
        return like_rowids(db, filters.search)


def page(db: Database, annotator: str, rowids: list[int]) -> dict[int, tuple[str, str, str]]:
    """rowid -> (id, title, status for the annotator)."""
    marks = ",".join("?" * len(rowids))
    return {
        r[0]: (r[1], r[2], r[3] or "not_started")
        for r in db.execute(
            f"SELECT d.rowid, d.id, d.title, s.status FROM documents d LEFT JOIN doc_states s "
            f"ON s.document_id = d.id AND s.annotator = ? WHERE d.rowid IN ({marks})",
            [annotator, *rowids],
        )
    }


def rowid_of(db: Database, doc_id: str) -> int | None:
    row = db.execute("SELECT rowid FROM documents WHERE id = ?", [doc_id]).fetchone()
    return row[0] if row else None


def next_not_done(db: Database, annotator: str, doc_id: str) -> str | None:
    """The next document (wrapping around) that the annotator has not marked done."""
    rowid = rowid_of(db, doc_id) or 0
    sql = (
        "SELECT d.id FROM documents d LEFT JOIN doc_states s ON s.document_id = d.id AND s.annotator = ? "
        "WHERE COALESCE(s.status, 'not_started') != 'done' AND d.rowid {op} ? ORDER BY d.rowid LIMIT 1"
    )
    row = (
        db.execute(sql.format(op=">"), [annotator, rowid]).fetchone()
        or db.execute(sql.format(op="<"), [annotator, rowid]).fetchone()
    )
    return row[0] if row else None


def progress(db: Database, annotator: str) -> tuple[int, int]:
    """(documents the annotator marked done, all documents)."""
    done = db.execute(
        "SELECT count(*) FROM doc_states WHERE annotator = ? AND status = 'done'", [annotator]
    ).fetchone()[0]
    total = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    return done, total


def compared_documents(db: Database, exclude: str) -> list[str]:
    """Documents at least two annotators other than `exclude` (gold) marked done, in project order."""
    rows = db.execute(
        "SELECT d.id FROM documents d JOIN doc_states s ON s.document_id = d.id "
        "WHERE s.status = 'done' AND s.annotator != ? GROUP BY d.id HAVING count(*) >= 2 ORDER BY d.rowid",
        [exclude],
    ).fetchall()
    return [r[0] for r in rows]


def rowids_after(db: Database, rowid: int) -> list[int]:
    """Rowids of the documents added after `rowid`: an index seek, where re-reading every rowid scans the whole
    table (40 ms at 10,000 articles)."""
    return [r[0] for r in db.execute("SELECT rowid FROM documents WHERE rowid > ? ORDER BY rowid", [rowid])]
