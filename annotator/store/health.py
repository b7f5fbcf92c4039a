"""SQLite's own checks of a project file and the queries behind our invariants (`annotator check`, and the quick
check when a project is opened). Read-only: nothing here writes to the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from sqlite_utils import Database

MAX_REPORTED = 100  # problems listed per check; a badly damaged file has thousands


def integrity_check(db: Database, quick: bool = False) -> list[str]:
    """SQLite's integrity_check (or quick_check: no index contents, linear time): [] when the file is sound."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = [r[0] for r in db.execute(f"PRAGMA {pragma}({MAX_REPORTED})").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def applied_migrations(db: Database) -> list[str] | None:
    """Names of annotator's migrations applied to the file; None if it has no record of them."""
    try:
        return [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'annotator'")]
    except sqlite3.DatabaseError:
        return None


def foreign_key_check(db: Database) -> list[str]:
    try:
        rows = db.execute("PRAGMA foreign_key_check").fetchmany(MAX_REPORTED)
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [f"{table} row {rowid} refers to a missing row of {parent}" for table, rowid, parent, _ in rows]


# (what, table, start column, end column, annotator column or None, label column or None)
_OFFSET_TABLES = (
    ("span", "spans", "start", "end", "annotator"),
    ("event trigger", "events", "trigger_start", "trigger_end", "annotator"),
    ("stance evidence", "stance_evidence", "start", "end", "annotator"),
    ("suggested span", "suggested_spans", "start", "end", None),
)


def offsets_outside_text(db: Database) -> Iterator[str]:
    """Spans, triggers, evidence and suggestions whose offsets do not fit their article's text."""
    for what, table, start, end, who in _OFFSET_TABLES:
        by = f", x.{who}" if who else ", ''"
        sql = (
            f"SELECT x.document_id{by}, x.{start}, x.{end}, length(d.text) FROM {table} x "
            f"JOIN documents d ON d.id = x.document_id "
            f"WHERE typeof(x.{start}) != 'integer' OR typeof(x.{end}) != 'integer' "
            f"OR x.{start} < 0 OR x.{end} <= x.{start} OR x.{end} > length(d.text) LIMIT {MAX_REPORTED}"
        )
        for doc, annotator, s, e, length in db.execute(sql):
            by_whom = f" by {annotator}" if annotator else ""
            yield f"{what} [{s}, {e}) of article {doc!r}{by_whom} falls outside its text ({length} characters)"
    sql = (
        "SELECT e.document_id, e.annotator, a.role, a.start, a.end, length(d.text) FROM event_arguments a "
        "JOIN events e ON e.id = a.event_id JOIN documents d ON d.id = e.document_id "
        "WHERE typeof(a.start) != 'integer' OR typeof(a.end) != 'integer' "
        f"OR a.start < 0 OR a.end <= a.start OR a.end > length(d.text) LIMIT {MAX_REPORTED}"
    )
    for doc, annotator, role, s, e, length in db.execute(sql):
        yield f"{role} argument [{s}, {e}) of article {doc!r} by {annotator} falls outside its text ({length} characters)"


def used_names(db: Database) -> dict[str, list[str]]:
    """Every label, event type, role, stance target and value used by an annotation (distinct)."""

    def column(sql: str) -> list[str]:
        return [r[0] for r in db.execute(sql)]

    return {
        "entity label": column("SELECT DISTINCT label FROM spans"),
        "event type": column("SELECT DISTINCT type FROM events"),
        "role": column(
            "SELECT DISTINCT e.type || char(31) || a.role FROM event_arguments a JOIN events e ON e.id = a.event_id"
        ),
        "stance target": column("SELECT DISTINCT target FROM stance UNION SELECT DISTINCT target FROM stance_evidence"),
        "stance value": column("SELECT DISTINCT value FROM stance"),
    }


def file_size(db: Database) -> int:
    """Bytes of the database (page count × page size): read through SQLite, never by opening the file."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    size = db.execute("PRAGMA page_size").fetchone()[0]
    return int(pages) * int(size)
