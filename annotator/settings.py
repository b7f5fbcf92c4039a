"""Per-user settings (annotator name, recent projects) and data locations, where platformdirs says.

`ANNOTATOR_CONFIG_DIR` and `ANNOTATOR_DATA_DIR` override the locations (tests and portable installs use them).

Several windows and processes may save settings at once: every change is a read-modify-write done under an OS lock
on `settings.json.lock` (never on settings.json itself, which is replaced), and written to a temporary file in the
same folder that then replaces settings.json, so the file is always whole and no process's change overwrites
another's. A settings.json that is not valid JSON (edited by hand, damaged disk) reads as empty; before the next
save replaces it, it is kept as `settings.json.bak`, so nothing the user had is destroyed without a copy.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

APP = "annotator"
LOCK_WAIT_S = 2.0  # a writer holds the lock for milliseconds; past this, save anyway rather than hang the window


def config_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_CONFIG_DIR") or platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_DATA_DIR") or platformdirs.user_data_dir(APP, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _read(path: Path) -> tuple[dict, bytes | None]:
    """The settings, and the raw bytes when they are unreadable as settings (None when fine or absent)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return {}, None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}, raw if raw.strip() else None  # an empty file has nothing worth keeping
    return (data, None) if isinstance(data, dict) else ({}, raw)


def load() -> dict:
    return _read(settings_path())[0]


_thread_lock = threading.Lock()  # the OS lock does not exclude threads of one process from each other


_BUSY = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK}


def _os_lock(fd: int, take: bool) -> bool | None:
    """Lock (or unlock) without waiting: True if done, False if another process holds it, None if unsupported."""
    try:
        if sys.platform == "win32":
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK if take else msvcrt.LK_UNLCK, 1)
        else:
            fcntl.flock(fd, (fcntl.LOCK_EX | fcntl.LOCK_NB) if take else fcntl.LOCK_UN)
    except OSError as error:
        return False if error.errno in _BUSY else None
    return True


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Exclusive access to the settings across processes, for one read-modify-write."""
    with _thread_lock:
        try:
            fd = os.open(folder / "settings.json.lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        except OSError:
            yield  # unwritable folder: the save below fails with a clear OSError anyway
            return
        try:
            deadline = time.monotonic() + LOCK_WAIT_S
            # Poll rather than block, so a stopped process holding the lock cannot freeze a window forever.
            while (locked := _os_lock(fd, True)) is False and time.monotonic() < deadline:
                time.sleep(0.005)
            try:
                yield
            finally:
                if locked:
                    _os_lock(fd, False)
        finally:
            os.close(fd)


def _write(path: Path, data: dict, previous: bytes | None) -> None:
    if previous is not None:
        with contextlib.suppress(OSError):
            path.with_name(path.name + ".bak").write_bytes(previous)  # the unreadable file, kept for the user
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.flush()
            os.fsync(out.fileno())  # whole on disk before it replaces the old file
        for attempt in range(50):
            try:
                os.replace(tmp, path)
                break
            except PermissionError:  # Windows: a reader has settings.json open for a moment
                if attempt == 49:
                    raise
                time.sleep(0.01)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def update(change: Callable[[dict], None]) -> dict:
    """Apply `change` to the current settings and save them, as one step no other process interleaves with."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.parent):
        data, unreadable = _read(path)
        change(data)
        _write(path, data, unreadable)
    return data


def save(data: dict) -> None:
    """Replace all settings with `data`."""

    def change(current: dict) -> None:
        current.clear()
        current.update(data)

    update(change)


def get(key: str, default=None):
    return load().get(key, default)


def put(key: str, value) -> None:
    update(lambda data: data.__setitem__(key, value))


def annotator_name() -> str | None:
    name = get("annotator")
    return name if isinstance(name, str) and name.strip() else None


def set_annotator_name(name: str) -> None:
    put("annotator", name.strip())


def recent_projects() -> list[str]:
    items = get("recent_projects", [])
    return [p for p in items if isinstance(p, str)] if isinstance(items, list) else []


def add_recent_project(path: str | Path, limit: int = 10) -> None:
    path = str(Path(path).resolve())

    def change(data: dict) -> None:
        items = data.get("recent_projects", [])
        items = [p for p in items if isinstance(p, str) and p != path] if isinstance(items, list) else []
        data["recent_projects"] = [path, *items][:limit]

    update(change)  # read and write the list in one locked step, or a concurrent save would lose an entry
