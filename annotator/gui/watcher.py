"""Noticing commits other connections make to the open project (other processes, threads with their own connection).

SQLite's `PRAGMA data_version` changes on a connection only when *another* connection commits, so polling it on
the window's own connection costs a few microseconds a tick and never fires for the window's own actions. When it
moves, `changed` is emitted once and the window re-reads what it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from annotator.core.project import Project

INTERVAL_MS = 400  # a change shows within about half a second; idle cost stays far below 1% of a core


class ProjectWatcher(QObject):
    changed = Signal()  # another connection committed since the last check (or `sync`)

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.project: Project | None = None
        self._version: int | None = None
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.setTimerType(Qt.CoarseTimer)  # lets the OS batch wake-ups
        self._timer.timeout.connect(self.check)
        self._soon = QTimer(self, singleShot=True, interval=0)
        self._soon.timeout.connect(self.check)

    def watch(self, project: Project) -> None:
        """Start watching `project`: what the window reads from now on is the baseline."""
        self.project = project
        self._version = project.data_version()
        self._timer.start()

    def stop(self) -> None:
        """The project is closing: no more queries on its connection."""
        self._timer.stop()
        self._soon.stop()
        self.project = None

    def check_soon(self) -> None:
        """Check in the next event-loop turn (e.g. a child process just reported a commit)."""
        if self.project is not None:
            self._soon.start()

    def sync(self) -> None:
        """The caller is about to re-read everything: commits so far are covered, do not report them again."""
        if self.project is not None:
            version = self.project.data_version()
            if version is not None:
                self._version = version

    def check(self) -> bool:
        """Emit `changed` if another connection committed since the last check; returns whether it did."""
        if self.project is None:
            return False
        version = self.project.data_version()
        if version is None or version == self._version:
            return False
        self._version = version
        self.changed.emit()
        return True
