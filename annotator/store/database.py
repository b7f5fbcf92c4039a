"""Opening and creating project files: WAL, foreign keys, migrations, refusing newer schemas, and waiting for
other writers.

Concurrency rules (any number of processes may read and write one project):
- A project file is only ever opened through SQLite. A plain `open()`/`close()` of the file in a process that holds
  a connection to it drops every POSIX lock the process holds on it, SQLite's included, after which another process
  may checkpoint and delete the WAL under the live connection ("How To Corrupt An SQLite Database File", 2.2).
  So even the file-type check below reads the header through SQLite.
- Every write transaction starts with BEGIN IMMEDIATE: it takes the write lock before reading, so it waits in
  SQLite's busy handler for another writer instead of failing half-way with "database is locked" when a deferred
  read transaction cannot be upgraded (WAL's busy-snapshot case).
- How long a writer waits is the process's `WaitPolicy`: the command line waits for other writers (saying so after
  2 s); the window waits at most 100 ms, so a busy file never freezes it, and retries in the background.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.core.errors import ProjectError
from annotator.store.errors import is_busy, translate
from annotator.store.migrations import KNOWN, migrations

APPLICATION_ID = 0x414E4E4F  # "ANNO": marks a SQLite file as an annotator project


def new_id(cur: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made (typed optional by sqlite3, but always set after an INSERT)."""
    if cur.lastrowid is None:
        raise RuntimeError("INSERT reported no row id")
    return cur.lastrowid


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class WaitPolicy:
    """How long this process waits for another process's write transaction before giving up."""

    limit: float = 600.0  # seconds
    notify_after: float = 2.0  # say that we are waiting after this long (when `notify` is set)
    notify: Callable[[str], None] | None = None


_policy = WaitPolicy()


def set_wait_policy(limit: float, notify: Callable[[str], None] | None = None, notify_after: float = 2.0) -> None:
    """Set how this process's future connections wait for other writers (the CLI and the window differ)."""
    global _policy
    _policy = WaitPolicy(limit, notify_after, notify)


def wait_policy() -> WaitPolicy:
    return _policy


class ProjectDatabase(Database):
    """sqlite-utils' Database whose transactions begin IMMEDIATE and wait for other writers per `WaitPolicy`."""

    path: Path
    policy: WaitPolicy

    def _busy_timeout(self, seconds: float) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def begin_immediate(self) -> None:
        policy = self.policy
        started = time.monotonic()
        first = min(policy.limit, policy.notify_after) if policy.notify else policy.limit
        try:
            self._busy_timeout(first)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or first >= policy.limit:
                    raise translate(exc, self.path) from None
            assert policy.notify is not None
            policy.notify(f"{self.path}: waiting for another program that is writing to this project...")
            self._busy_timeout(policy.limit - (time.monotonic() - started))
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise translate(exc, self.path) from None
        finally:
            self._busy_timeout(policy.limit)

    @contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        """One write transaction (nested blocks are savepoints); SQLite's failures leave it translated."""
        if self.conn.in_transaction:
            with Database.atomic(self):
                yield self
            return
        self.begin_immediate()
        try:
            yield self
        except sqlite3.Error as exc:
            self.rollback()
            error = translate(exc, self.path, generic=False)
            if error is None:
                raise
            raise error from exc
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.rollback()
            raise translate(exc, self.path) from exc

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def _connect(path: Path, policy: WaitPolicy | None = None) -> ProjectDatabase:
    policy = policy or _policy
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=policy.limit)
    db = ProjectDatabase(conn)
    db.path, db.policy = path, policy
    db.execute("PRAGMA foreign_keys = ON")
    return db


def create_database(path: str | Path) -> ProjectDatabase:
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


def open_database(path: str | Path, *, readonly: bool = False, wait: float | None = None) -> ProjectDatabase:
    """Open an existing project, applying pending migrations of this version; refuse newer ones."""
    path = Path(path)
    if not path.exists():
        raise ProjectError(f"{path}: project file does not exist (create one with `annotator new {path}`)")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not an annotator project file")
    # The header is checked by SQLite itself, never by open(): see the concurrency rules above.
    policy = WaitPolicy(wait, _policy.notify_after, None) if wait is not None else None
    try:
        db = _connect(path, policy)
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: cannot read project file ({exc})") from None
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        db.close()
        if "not a database" in str(exc) or "malformed" not in str(exc):
            raise ProjectError(f"{path}: not an annotator project (not an SQLite file)") from None
        raise translate(exc, path) from None
    try:
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


def delete_setting(db: Database, key: str) -> None:
    db.execute("DELETE FROM settings WHERE key = ?", [key])
