"""Killing the window loses nothing it showed as done, and its lock does not keep the project closed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from annotator.core.model import Status
from annotator.core.project import Project
from annotator.gui.lock import lock_path, owner
from tests.gui_helpers import TRICKY, make_project, offsets

ROOT = Path(__file__).resolve().parent.parent

DRIVER = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from annotator.gui import open_window
    window = open_window(sys.argv[1], "alice", "a1", auto_suggest=False)
    view = window.session.view
    pos = window.session.state.positions
    start, end = int(sys.argv[2]), int(sys.argv[3])
    view.select_qt(pos.to_qt(start), pos.to_qt(end))
    QTest.keyClick(view, Qt.Key_3)
    QTest.keyClick(view, Qt.Key_Return, Qt.ControlModifier)
    print("shown", window.session.doc_id, flush=True)
    time.sleep(60)
    """
)


def test_kill_after_mark_done_loses_nothing(tmp_path):
    path = make_project(tmp_path)
    start, end = offsets(TRICKY, "Taliban")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(path), str(start), str(end)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "shown a2"  # done, and the next article is on screen
        assert owner(path) is not None  # the live window holds the project
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()
    assert lock_path(path).exists()  # left behind by the killed window, but stale:
    assert owner(path) is None
    with Project.open(path) as project:
        ann = project.annotation("a1", "alice")
        assert ann.status == Status.DONE
        assert [(s.start, s.end, s.label) for s in ann.spans] == [(start, end, "ORG")]
        assert project.last_document("alice") == "a2"
