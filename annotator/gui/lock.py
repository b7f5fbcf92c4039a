"""One writer per project: an OS lock on `<project>.lock`, held for the window's lifetime.

The writer holds an exclusive OS lock (`flock` on POSIX, `msvcrt.locking` on Windows) on the separate lock file and
writes its pid, host and start time into it, for the "open in another window" message. The kernel drops the lock
when the process dies, so a crash or `kill -9` leaves a file that blocks nobody, and a pid that was reused by
another program means nothing: only the OS lock says whether the project is held. Taking the lock is atomic, so two
windows opening at once never both become writers.

Where the file system has no working OS locks (some network mounts), the lock file is created exclusively instead
(`os.link` of a fully written file, which is atomic and never leaves half a lock), and a lock whose process is gone,
or whose pid now belongs to a process started at another time, is stale and taken over.

Only the `.lock` file is ever opened here, never the project: closing any descriptor of a file drops every POSIX lock
the process holds on it, SQLite's included.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import socket
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

# Windows byte-range locks are mandatory: lock one byte far past the JSON so other processes can still read it.
_WIN_LOCK_OFFSET = 1 << 20
# A holder writes its JSON just after taking the lock; give it this long before naming it from a stale file.
_OWNER_WAIT_S = 0.5


@dataclass(frozen=True)
class LockOwner:
    pid: int
    host: str
    since: str

    def describe(self) -> str:
        if self.pid <= 0:
            return "another annotator window"
        where = "this computer" if self.host == socket.gethostname() else f"computer {self.host!r}"
        return f"another annotator window (process {self.pid} on {where}, since {self.since[:19].replace('T', ' ')})"


def lock_path(project: str | Path) -> Path:
    project = Path(project)
    return project.with_name(project.name + ".lock")


class _NoOsLocks(Exception):
    """The file system refuses OS locks (not: someone else holds it)."""


_BUSY = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK}


def _try_lock(fd: int, shared: bool = False) -> bool:
    """Take the OS lock without waiting: True if taken, False if another holder has it."""
    try:
        if sys.platform == "win32":
            os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in _BUSY:
            return False
        raise _NoOsLocks(str(error)) from error  # ENOLCK, EOPNOTSUPP, EINVAL: no locking here
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    """Is the open file still the one at `path`? A releasing holder unlinks it, and a newcomer may have created another."""
    if sys.platform == "win32":
        return True  # an open file cannot be unlinked there
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _start_time(pid: int) -> str | None:
    """When the process started (boot id and clock ticks since boot), where /proc tells; tells reused pids apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None
    try:
        return f"{boot}:{stat[stat.rindex(')') + 2 :].split()[19]}"  # field 22, counted after "pid (comm)"
    except (ValueError, IndexError):
        return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _parse(raw: bytes) -> dict | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        int(data["pid"]), str(data["host"])
    except (ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _owner_of(data: dict) -> LockOwner:
    return LockOwner(int(data["pid"]), str(data["host"]), str(data.get("since", "")))


def _process_lives(data: dict) -> bool:
    """For files without an OS lock: does the process the file names still run (and is it the same process)?"""
    if str(data["host"]) != socket.gethostname():
        return True  # cannot check another computer: assume it is still working
    pid = int(data["pid"])
    if not _alive(pid):
        return False
    recorded, now = data.get("started"), _start_time(pid)
    return recorded is None or now is None or recorded == now


def _read_fd(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 65536)


def _read_path(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _my_record() -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(),
        "started": _start_time(os.getpid()),
    }


# Lock files this process holds. A second window of this process must see the lock as taken without opening the file
# again: where flock is emulated with POSIX locks (NFS), another descriptor would neither conflict nor survive closing.
_held: dict[Path, ProjectLock] = {}


def owner(project: str | Path) -> LockOwner | None:
    """Who holds the project (this process included), or None if nobody does."""
    path = lock_path(Path(project).resolve())
    mine = _held.get(path)
    if mine is not None and mine.record is not None:
        return _owner_of(mine.record)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None  # no lock file (or unreadable): nobody holds it
    try:
        try:
            free = _try_lock(fd, shared=True)
        except _NoOsLocks:
            data = _parse(_read_fd(fd))
            return _owner_of(data) if data is not None and _process_lives(data) else None
        if free:
            _unlock(fd)
            return None
        data = _parse(_read_fd(fd))
        return _owner_of(data) if data is not None else LockOwner(0, "", "")
    finally:
        os.close(fd)


class ProjectLock:
    """Held while a window writes to the project; released on close. A crash leaves nothing that keeps it closed."""

    def __init__(self, project: str | Path):
        self.project = Path(project).resolve()
        self.path = lock_path(self.project)
        self.held = False
        self.record: dict | None = None  # what we wrote into the lock file
        self._fd: int | None = None  # the locked descriptor (OS-lock mode); None in exclusive-file mode

    def acquire(self) -> LockOwner | None:
        """Take the lock; returns the live owner instead if someone else holds it.

        Returns None without holding the lock when the folder is read-only: SQLite refuses writes there anyway.
        """
        if self.held:
            return None
        mine = _held.get(self.path)
        if mine is not None and mine.record is not None:
            return _owner_of(mine.record)  # another window of this process
        deadline = time.monotonic() + _OWNER_WAIT_S
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
            except OSError:
                return None
            try:
                taken = _try_lock(fd)
            except _NoOsLocks:
                os.close(fd)
                return self._acquire_exclusive()
            if taken and not _same_file(fd, self.path):
                os.close(fd)  # we locked a file its holder unlinked on release: start again on the new one
                continue
            if taken:
                return self._hold(fd)
            data = _parse(_read_fd(fd))
            os.close(fd)
            # The OS lock is held. Its JSON may still be the previous (crashed) holder's while the new one writes.
            if data is not None and _process_lives(data):
                return _owner_of(data)
            if time.monotonic() >= deadline:
                return _owner_of(data) if data is not None else LockOwner(0, "", "")
            time.sleep(0.02)

    def _hold(self, fd: int) -> None:
        record = _my_record()
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(record).encode("utf-8"))
        except OSError:
            pass  # the OS lock is what counts; the JSON only names us in messages
        self._fd, self.record, self.held = fd, record, True
        _held[self.path] = self
        return None

    def _acquire_exclusive(self) -> LockOwner | None:
        """Without OS locks: atomically create the lock file, taking over a stale one."""
        record = _my_record()
        payload = json.dumps(record).encode("utf-8")
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            tmp.write_bytes(payload)
        except OSError:
            return None
        try:
            for _ in range(20):
                try:
                    os.link(tmp, self.path)  # atomic, and the file appears complete: no half-written lock
                except FileExistsError:
                    pass
                except OSError:
                    return None
                else:
                    self.record, self.held = record, True
                    _held[self.path] = self
                    return None
                raw = _read_path(self.path)
                if raw is None:
                    continue  # released meanwhile: try again
                data = _parse(raw)
                if data is not None and _process_lives(data):
                    return _owner_of(data)
                self._remove_stale(raw)
            return LockOwner(0, "", "")
        finally:
            tmp.unlink(missing_ok=True)

    def _remove_stale(self, stale: bytes) -> None:
        # Move it aside first and check we moved the file we judged: another process may have just replaced it.
        aside = self.path.with_name(f"{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.stale")
        try:
            os.rename(self.path, aside)
        except OSError:
            return
        if _read_path(aside) != stale:
            with contextlib.suppress(OSError):
                os.link(aside, self.path)  # a live holder's file: put it back
        aside.unlink(missing_ok=True)

    def release(self) -> None:
        """Give the lock up (only if this object took it); the lock file is removed."""
        if not self.held:
            return
        self.held = False
        if _held.get(self.path) is self:
            del _held[self.path]
        fd, self._fd = self._fd, None
        if fd is None:  # exclusive-file mode: remove the file only if it is still ours
            if self.record is not None and _read_path(self.path) == json.dumps(self.record).encode("utf-8"):
                self.path.unlink(missing_ok=True)
            self.record = None
            return
        self.record = None
        try:
            # Unlink while still locked: whoever opened this file meanwhile sees on locking that it is no longer
            # the path's file and starts again, so there are never two holders.
            if sys.platform != "win32" and _same_file(fd, self.path):
                self.path.unlink(missing_ok=True)
            _unlock(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
        if sys.platform == "win32":
            with contextlib.suppress(OSError):
                self.path.unlink()  # fails harmlessly while another process has it open
