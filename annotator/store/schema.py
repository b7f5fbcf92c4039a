"""Is a file's schema the one our migrations create? Checked before anything else is read from a project.

A project file may come from anyone (e-mail, a shared folder): SQLite stores triggers and views inside the file,
and a trigger runs with our connection's rights the moment we write, a view can recurse without end. So every
project's `sqlite_master` (tables, indexes, triggers, views) is compared with what the applied migrations create,
built once per process by applying them to an in-memory database. Anything else is refused, naming what is
foreign. SQL texts are compared with whitespace collapsed (the migrations' own text); SQLite's internal tables
(`sqlite_sequence`, `sqlite_stat1`/`stat4` after ANALYZE) and sqlite-utils' `_sqlite_migrations` (whose exact
text depends on the sqlite-utils version) are compared by name and columns only.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache

from sqlite_utils import Database

from annotator.store.migrations import KNOWN, migrations

_INTERNAL_TABLES = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
_MIGRATIONS_TABLE = "_sqlite_migrations"


def _normal(sql: str | None) -> str:
    if sql is None:
        return ""
    text = re.sub(r"\s+", " ", sql).strip()
    text = re.sub(r" ?([(),]) ?", r"\1", text)
    text = re.sub(r"(?i)\bIF NOT EXISTS\b ?", "", text)
    return text.replace('"', "").replace("'", "").replace("`", "").rstrip(";")


def _entries(conn: sqlite3.Connection) -> dict[str, tuple[str, str, str]]:
    """name -> (type, table, normalised sql) of every schema object."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return {name: (kind, table, _normal(sql)) for kind, name, table, sql in rows}


@cache
def expected_schema(applied: frozenset[str]) -> dict[str, tuple[str, str, str]]:
    """The schema the `applied` migrations create, from an in-memory database (built once per set)."""
    db = Database(memory=True)
    migrations.ensure_migrations_table(db)
    for migration in migrations._migrations:
        if migration.name in applied:
            migration.fn(db)
    entries = _entries(db.conn)
    db.close()
    return entries


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_xinfo({_quote(table)})")]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def foreign_objects(conn: sqlite3.Connection, applied: list[str]) -> list[str]:
    """What in this file's schema our migrations do not create, or create differently (empty: the schema is ours).

    Objects of migrations not yet applied are accepted when identical to ours (an older version created the search
    index on first use, before it became a migration). Reads only `sqlite_master` and the columns of the
    migrations table: no view, trigger or table of the file is evaluated."""
    found = _entries(conn)
    expected = expected_schema(frozenset(applied))
    known = expected_schema(frozenset(KNOWN))
    problems: list[str] = []
    for name, (kind, table, sql) in sorted(found.items()):
        if name in _INTERNAL_TABLES and kind == "table":
            continue
        if name == _MIGRATIONS_TABLE and kind == "table":
            if not {"migration_set", "name"} <= set(_columns(conn, name)):
                problems.append(f"changed table {name!r}")
            continue
        if kind == "index" and table == _MIGRATIONS_TABLE and found.get(table, ("",))[0] == "table":
            continue  # sqlite-utils' own index; its name and text depend on the sqlite-utils version
        want = expected.get(name) or known.get(name)
        if want is None:
            on = f" on {table!r}" if kind in ("trigger", "index") and table != name else ""
            problems.append(f"{kind} {name!r}{on}")
        elif want[0] != kind:
            problems.append(f"{kind} {name!r} where annotator has a {want[0]}")
        elif want[2] != sql:
            problems.append(f"changed {kind} {name!r}")
    for name, (kind, _table, _sql) in sorted(expected.items()):
        if name not in found and not (kind == "index" and _table == _MIGRATIONS_TABLE):
            problems.append(f"missing {kind} {name!r}")
    return problems
