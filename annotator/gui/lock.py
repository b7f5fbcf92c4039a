"""One writer per project: a lock file `<project>.lock` holding the owner's pid and host.

A lock whose process is gone (same host, pid not running) is stale and taken over. A lock held by a live process
(or by another host, which we cannot check) means: open read-only, or not at all. Never two writers.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class LockOwner:
    pid: int
    host: str
    since: str

    def describe(self) -> str:
        where = "this computer" if self.host == socket.gethostname() else f"computer {self.host!r}"
        return f"another annotator window (process {self.pid} on {where}, since {self.since[:19].replace('T', ' ')})"


def lock_path(project: str | Path) -> Path:
    project = Path(project)
    return project.with_name(project.name + ".lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def owner(project: str | Path) -> LockOwner | None:
    """Who holds the project, or None if nobody live does."""
    path = lock_path(project)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        holder = LockOwner(int(data["pid"]), str(data["host"]), str(data.get("since", "")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # an unreadable lock is treated as stale
    if holder.pid == os.getpid() and holder.host == socket.gethostname():
        return None
    if holder.host == socket.gethostname() and not _alive(holder.pid):
        return None
    return holder


class ProjectLock:
    """Held while a window writes to the project; released on close (a crash leaves a stale, harmless lock)."""

    def __init__(self, project: str | Path):
        self.path = lock_path(project)
        self.held = False

    def acquire(self) -> LockOwner | None:
        """Take the lock; returns the live owner instead if someone else holds it."""
        holder = owner(self.path.with_name(self.path.name[: -len(".lock")]))
        if holder is not None:
            return holder
        data = {"pid": os.getpid(), "host": socket.gethostname(), "since": datetime.now(UTC).isoformat()}
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            return None  # a read-only folder: SQLite will refuse writes anyway
        self.held = True
        return None

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("pid") == os.getpid():
                self.path.unlink()
        except (OSError, ValueError):
            pass
