"""Opening and creating project files: WAL, foreign keys, migrations, and refusing newer schemas."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.core.errors import ProjectError
from annotator.store.migrations import KNOWN, migrations

APPLICATION_ID = 0x414E4E4F  # "ANNO": marks a SQLite file as an annotator project


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _connect(path: Path) -> Database:
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def create_database(path: str | Path) -> Database:
    path = Path(path)
    if path.exists():
        raise ProjectError(f"{path}: already exists; choose another name or open it instead")
    if not path.parent.exists():
        raise ProjectError(f"{path}: folder {path.parent} does not exist")
    try:
        db = _connect(path)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.enable_wal()
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {len(KNOWN)}")
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: cannot create project file ({exc})") from None
    return db


def open_database(path: str | Path, *, readonly: bool = False) -> Database:
    """Open an existing project, applying pending migrations of this version; refuse newer ones."""
    path = Path(path)
    if not path.exists():
        raise ProjectError(f"{path}: project file does not exist (create one with `annotator new {path}`)")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not an annotator project file")
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read project file ({exc.strerror})") from None
    if header != b"SQLite format 3\x00":
        raise ProjectError(f"{path}: not an annotator project (not an SQLite file)")
    try:
        db = _connect(path)
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        user_version = db.execute("PRAGMA user_version").fetchone()[0]
        applied = (
            [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'annotator'")]
            if db["_sqlite_migrations"].exists()
            else []
        )
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: not an annotator project ({exc})") from None
    if app_id != APPLICATION_ID or not applied:
        db.close()
        raise ProjectError(f"{path}: not an annotator project (an SQLite file without annotator's tables)")
    unknown = [name for name in applied if name not in KNOWN]
    if unknown or user_version > len(KNOWN):
        db.close()
        raise ProjectError(
            f"{path}: written by a newer version of annotator (schema {user_version}, this version knows "
            f"{len(KNOWN)}); upgrade annotator to open it. The file was not changed."
        )
    if migrations.pending(db):
        if readonly:
            db.close()
            raise ProjectError(f"{path}: needs an upgrade to this version's schema; open it for writing once")
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {len(KNOWN)}")
    if db.journal_mode != "wal" and not readonly:
        db.enable_wal()
    # Commits survive a killed process in WAL mode with synchronous=NORMAL, and cost far less.
    db.execute("PRAGMA synchronous = NORMAL")
    if readonly:
        db.execute("PRAGMA query_only = ON")
    return db


def data_version(db: Database) -> int | None:
    """SQLite's `PRAGMA data_version` on this connection: it changes only when another connection (another process,
    or a thread with its own connection) commits, so a window can poll it cheaply. None if the file is busy now
    (the caller simply asks again later)."""
    try:
        return db.execute("PRAGMA data_version").fetchone()[0]
    except sqlite3.OperationalError:
        return None


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db: Database, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", [key, value])
