"""The full-text index of the documents (SQLite FTS5, external content): the query syntax, how far behind the
index is, and bringing it up to date in chunks. The table itself is created by migration m002_documents_fts."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

FTS_TABLE = "documents_fts"
FTS_CHUNK = 5000  # rows per transaction while building the index


def fts_query(text: str) -> str:
    """Plain words become a prefix AND query; quotes keep the user's phrase. Never an FTS syntax error."""
    words = [w.replace('"', "") for w in text.split()]
    return " ".join(f'"{w}"*' for w in words if w)


def _indexed(db: Database) -> int:
    """The highest document rowid the index holds (0 before the first search)."""
    row = db.execute("SELECT value FROM settings WHERE key = 'fts_rowid'").fetchone()
    return int(row[0]) if row else 0


def fts_backlog(db: Database) -> int:
    """How many documents the search index still lacks (all of them before the first search)."""
    return db.execute("SELECT count(*) FROM documents WHERE rowid > ?", [_indexed(db)]).fetchone()[0]


def ensure_fts(
    db: Database,
    progress: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] | None = None,
    chunk: int = FTS_CHUNK,
) -> None:
    """Add the documents the index lacks, `chunk` rows per transaction, so another connection writing meanwhile
    never waits long. One builder at a time. Documents are only ever appended, so a rowid watermark suffices."""
    indexed = _indexed(db)
    newest = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM documents").fetchone()[0]
    first = indexed
    while indexed < newest:
        if stop is not None and stop():
            return
        upper = min(indexed + chunk, newest)
        with db.atomic():
            db.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, title, text) SELECT rowid, title, text FROM documents "
                "WHERE rowid > ? AND rowid <= ?",
                [indexed, upper],
            )
            db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('fts_rowid', ?)", [str(upper)])
        indexed = upper
        if progress is not None:
            progress(indexed - first, newest - first)


def search_clause(db: Database, search: str) -> tuple[str, str]:
    """A WHERE condition on `d.rowid` for a search, and its parameter (the index brought up to date first)."""
    ensure_fts(db)
    return f"d.rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)", fts_query(search)


def like_rowids(db: Database, text: str) -> list[int]:
    """Fallback search for read-only projects whose index is not up to date (it cannot be written)."""
    return [
        r[0]
        for r in db.execute("SELECT rowid FROM documents WHERE instr(lower(text), lower(?)) > 0 ORDER BY rowid", [text])
    ]
