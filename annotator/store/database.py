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

import os
import sqlite3
import time
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.core.errors import ForeignSchemaError, ProjectError
from annotator.store.errors import is_busy, translate
from annotator.store.migrations import KNOWN, migrations
from annotator.store.schema import foreign_objects

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


def readonly_uri(path: str | Path) -> str:
    """A URI that opens `path` so that SQLite writes nothing to it.

    `mode=ro`: a read-only connection never checkpoints the -wal into the file (a read-write connection does when
    it is the last to close: that is how opening a colleague's file "read-only" used to rewrite it). Without a
    -wal, nothing has the file open in WAL mode, and SQLite would create -wal and -shm beside it: `immutable=1`
    reads the file as it is, creating nothing. (With a -wal, SQLite may create or update the -shm, an index in
    shared memory that holds no data.)"""
    path = Path(path).resolve()
    wal = Path(f"{path}-wal")
    return f"{path.as_uri()}?mode=ro" + ("" if wal.exists() else "&immutable=1")


def _connect(path: Path, policy: WaitPolicy | None = None, *, uri: str | None = None) -> ProjectDatabase:
    """A connection with SQLite's defensive settings: `trusted_schema=OFF` (functions with side effects and
    virtual tables are refused inside views, triggers, defaults and indexes of the file). SQLite's
    SQLITE_DBCONFIG_DEFENSIVE is not reachable from Python 3.11's sqlite3 (`Connection.setconfig` arrives in 3.12);
    what it forbids (writable_schema, journal_mode=OFF, direct shadow-table writes) no code of ours does, and the
    schema check below refuses files whose schema was edited."""
    policy = policy or _policy
    conn = sqlite3.connect(uri or str(path), check_same_thread=False, timeout=policy.limit, uri=uri is not None)
    conn.execute("PRAGMA trusted_schema = OFF")
    setconfig = getattr(conn, "setconfig", None)
    if setconfig is not None and hasattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE"):  # Python 3.12+
        setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
    db = ProjectDatabase(conn)
    db.path, db.policy = path, policy
    db.execute("PRAGMA foreign_keys = ON")
    return db


def writable(path: Path) -> bool:
    """Can this process write the project (the file, its folder for -wal/-shm and an existing -wal)?
    `os.access` honours read-only mounts and immutable files, even for root."""
    wal = Path(f"{path}-wal")
    return (
        os.access(path, os.W_OK)
        and os.access(path.parent if str(path.parent) else Path("."), os.W_OK)
        and (not wal.exists() or os.access(wal, os.W_OK))
    )


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


def open_database(
    path: str | Path, *, readonly: bool = False, wait: float | None = None, foreign: bool = False
) -> ProjectDatabase:
    """Open an existing project, applying pending migrations of this version; refuse newer ones and files whose
    schema is not ours.

    The file is first inspected through a connection that cannot write (`readonly_uri`): header, version and
    schema are checked before anything else is read, so a refused file is left exactly as it was.
    `foreign=True` (another person's file: merge): that read-only connection is the one returned.
    `readonly=True`: a read-only view of a project this or other programs may be writing. A project that cannot
    be written (read-only file, folder or disk) raises ReadOnlyProjectError unless `readonly`."""
    path = Path(path)
    if not path.exists():
        raise ProjectError(f"{path}: project file does not exist (create one with `annotator new {path}`)")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not an annotator project file")
    policy = WaitPolicy(wait, _policy.notify_after, None) if wait is not None else None
    # The header is checked by SQLite itself, never by open(): see the concurrency rules above.
    try:
        ro = _connect(path, policy, uri=readonly_uri(path))
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from None
    try:
        pending = _inspect(ro, path)
    except BaseException:
        ro.close()
        raise
    can_write = writable(path)
    # A project of an earlier version is upgraded by whoever opens it, a read-only view included (its schema
    # is ours, checked above; the named migrations only add). Another person's file is never written: its
    # tables of the earlier version are read as they are. A file that cannot be written cannot be upgraded.
    if pending and readonly and not foreign and not can_write:
        ro.close()
        raise ProjectError(
            f"{path}: written by an earlier version of annotator and read-only here, so it cannot be upgraded; "
            "copy it to a folder you can write to and open it once"
        )
    if foreign or (readonly and not can_write):
        ro.execute("PRAGMA query_only = ON")
        return ro
    ro.close()
    if not can_write:
        raise translate(sqlite3.OperationalError("attempt to write a readonly database"), path)
    try:
        db = _connect(path, policy)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if pending:
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {len(KNOWN)}")
        if db.journal_mode != "wal" and not readonly:
            db.enable_wal()
        # Commits survive a killed process in WAL mode with synchronous=NORMAL, and cost far less.
        db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as exc:
        raise translate(exc, path) from None
    if readonly:
        db.execute("PRAGMA query_only = ON")
    return db


def open_for_check(path: str | Path) -> ProjectDatabase:
    """A connection for `annotator check`: read-only (`readonly_uri`), with the defensive settings, and no
    inspection, so that a file refused by `open_database` can still be examined. Only PRAGMA checks and queries
    on annotator's own tables may be run on it before its schema has been found to be ours."""
    path = Path(path)
    if not path.is_file():
        raise ProjectError(f"{path}: no such project file")
    try:
        db = _connect(path, uri=readonly_uri(path))
        db.execute("PRAGMA query_only = ON")
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from None
    return db


def vacuum_into(db: Database, out: str | Path) -> None:
    """Write what SQLite can read of the project into a new file (indexes rebuilt); the original is not touched."""
    db.execute("PRAGMA query_only = OFF")  # VACUUM INTO counts as a write; a mode=ro connection still cannot
    try:  # write the original
        db.execute("VACUUM INTO ?", [str(out)])
    finally:
        db.execute("PRAGMA query_only = ON")


def _unreadable(path: Path, exc: sqlite3.Error) -> ProjectError:
    text = str(exc)
    if "not a database" in text or "file is encrypted" in text:
        return ProjectError(f"{path}: not an annotator project (not an SQLite file)")
    if "unable to open" in text and not os.access(path, os.R_OK):
        return ProjectError(f"{path}: cannot read the project file (permission denied)")
    if "malformed" in text or "corrupt" in text:
        return translate(exc, path)
    return ProjectError(f"{path}: cannot read project file ({exc})")


def _inspect(db: ProjectDatabase, path: Path) -> bool:
    """Check that `db` is an annotator project of a version we know, with our schema and nothing else in it;
    True if migrations of this version are pending. Reads only the header and sqlite_master."""
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from None
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        user_version = db.execute("PRAGMA user_version").fetchone()[0]
        has_log = db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
        ).fetchone()[0]
        applied = (
            [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'annotator'")]
            if has_log
            else []
        )
    except sqlite3.Error as exc:
        raise ProjectError(f"{path}: not an annotator project ({exc})") from None
    if app_id != APPLICATION_ID or not applied:
        raise ProjectError(f"{path}: not an annotator project (an SQLite file without annotator's tables)")
    unknown = [name for name in applied if name not in KNOWN]
    if unknown or user_version > len(KNOWN):
        raise ProjectError(
            f"{path}: written by a newer version of annotator (schema {user_version}, this version knows "
            f"{len(KNOWN)}); upgrade annotator to open it. The file was not changed."
        )
    try:
        foreign = foreign_objects(db.conn, applied)
    except sqlite3.Error as exc:
        raise translate(exc, path) from None
    if foreign:
        shown = ", ".join(foreign[:8]) + (f" and {len(foreign) - 8} more" if len(foreign) > 8 else "")
        raise ForeignSchemaError(
            f"{path}: refused: the file holds what annotator never creates ({shown}); such objects can run code "
            "or never finish when read. The file was not changed; ask for a copy exported by annotator "
            "(`annotator export`) or remove them in an SQLite tool you trust"
        )
    return len(applied) < len(KNOWN)


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
