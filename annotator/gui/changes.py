"""One signal for every change a window of this process made through an operation (and its undo and redo).

Windows subscribe to `change_hub().changed` and refresh what the `Changes` value names; a change committed by
another process reaches them through the project watcher instead.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ChangeHub(QObject):
    changed = Signal(object)  # annotator.core.operations.Changes
    failed = Signal(str)  # an undo or redo could not be written (busy, read-only, full disk)
    external = Signal(str)  # another process committed to this project (its resolved path): re-read it


_hub: ChangeHub | None = None


def change_hub() -> ChangeHub:
    global _hub
    if _hub is None:
        _hub = ChangeHub()
    return _hub
