"""SQLite's failures translated into sentences a researcher can act on.

Every `sqlite3.Error` that leaves the store on its way to a user passes through `translate`: the CLI prints the
result as one line (exit 1), the window shows it in the status bar. Matching on SQLite's messages is deliberate:
Python 3.11 exposes `sqlite_errorcode` only on some errors, while the message texts are stable across versions.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import overload

from annotator.core.errors import (
    DamagedProjectError,
    DiskFullError,
    ProjectBusyError,
    ReadOnlyProjectError,
    StorageError,
)


def is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


@overload
def translate(exc: sqlite3.Error, path: str | Path | None) -> StorageError: ...
@overload
def translate(exc: sqlite3.Error, path: str | Path | None, generic: bool) -> StorageError | None: ...
def translate(exc: sqlite3.Error, path: str | Path | None, generic: bool = True) -> StorageError | None:
    """The sentence for `exc`; with generic=False, None for errors that are not a storage condition (bugs)."""
    where = f"{path}: " if path else ""
    text = str(exc).lower()
    if is_busy(exc):
        return ProjectBusyError(
            f"{where}another program is writing to this project and did not finish in time; nothing was changed, "
            "try again in a moment"
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyProjectError(
            f"{where}the project file or its folder cannot be written (read-only); nothing was changed. "
            "Copy the project to a folder you can write to, or open it read-only"
        )
    if "full" in text:
        return DiskFullError(f"{where}the disk is full; nothing was changed. Free some space and try again")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DamagedProjectError(
            f"{where}the project file is damaged ({exc}); restore it from a backup or a colleague's copy"
        )
    if "no such table" in text or "no such column" in text:
        return DamagedProjectError(
            f"{where}the project file is damaged or not from annotator ({exc}); restore it from a backup or a "
            "colleague's copy"
        )
    if "unable to open" in text or "disk i/o" in text or "i/o error" in text:
        return StorageError(
            f"{where}cannot read or write the project file ({exc}); is the disk full, or is the file on a network "
            "or synced folder that is unavailable or that another computer is using?"
        )
    if not generic:
        return None
    return StorageError(f"{where}SQLite could not complete the operation ({exc}); nothing was changed")
