"""Windows and the project lock: one writer per project, kept while the window reopens it, released when it closes."""

from __future__ import annotations

import json
import os
import socket
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotator.core.project import Project
from annotator.gui.lock import lock_path, owner
from annotator.gui.main_window import ProjectRefused
from tests.gui_helpers import TRICKY, make_project, offsets
from tests.test_lock import CONTENDER, HOLDER, python, stop

pytestmark = pytest.mark.usefixtures("no_auto_suggest")


@pytest.fixture
def contender(tmp_path):
    """Another process that tries to take the project's lock when asked: True if it got it (and gives it back)."""
    procs: dict[str, subprocess.Popen] = {}

    def try_(path) -> bool:
        if str(path) not in procs:
            procs[str(path)] = python(CONTENDER, str(path))
        proc = procs[str(path)]
        proc.stdin.write("go\n")
        proc.stdin.flush()
        answer = proc.stdout.readline().strip()
        proc.stdin.write("release\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "released"
        return answer == "held"

    yield try_
    for proc in procs.values():
        stop(proc)


def mark_taliban(window, qtbot) -> None:
    view = window.findChild(QTextEdit, "articleView") or window.findChild(QPlainTextEdit, "articleView")
    start, end = offsets(TRICKY, "Taliban")
    to_qt = window.session.state.positions.to_qt
    view.select_qt(to_qt(start), to_qt(end))
    qtbot.keyClick(view, Qt.Key_3)


def spans(path, annotator="alice") -> list:
    with Project.open(path, readonly=True) as project:
        return [(s.start, s.end, s.label) for s in project.annotation("a1", annotator).spans]


def test_second_window_on_a_project_open_for_writing_is_refused_or_read_only(tmp_path, window_on, qtbot, contender):
    path = make_project(tmp_path)
    writer = window_on(path, document_id="a1")
    assert not writer.session.readonly
    with pytest.raises(ProjectRefused):
        window_on(path, on_locked="refuse")
    reader = window_on(path, on_locked="readonly", document_id="a1")
    assert reader.session.readonly and "read-only" in reader.windowTitle()
    mark_taliban(reader, qtbot)
    assert spans(path) == []
    reader.close()
    assert owner(path).pid == os.getpid() and not contender(path)  # the reader did not drop the writer's lock
    writer.close()
    assert not lock_path(path).exists() and contender(path)


def test_project_held_by_another_process_is_refused(tmp_path, window_on):
    path = make_project(tmp_path)
    holder = python(HOLDER, str(path))
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(ProjectRefused, match=f"process {holder.pid} on this computer"):
            window_on(path, on_locked="refuse")
    finally:
        stop(holder)
    assert not window_on(path).session.readonly  # its death released the lock


@pytest.mark.parametrize("pid", ["live", "dead"])
def test_lock_file_without_a_live_holder_does_not_block(tmp_path, window_on, qtbot, pid):
    path = make_project(tmp_path)
    sleeper = subprocess.Popen(["sleep", "120"])  # alive, but not a window: the pid of a crashed one, reused
    try:
        number = sleeper.pid if pid == "live" else 2**22 + 12345
        data = {"pid": number, "host": socket.gethostname(), "since": "2024-01-01T00:00:00"}
        lock_path(path).write_text(json.dumps(data))
        window = window_on(path, document_id="a1")
        assert not window.session.readonly
        mark_taliban(window, qtbot)
        assert spans(path) == [(*offsets(TRICKY, "Taliban"), "ORG")]
        assert json.loads(lock_path(path).read_text())["pid"] == os.getpid()
        window.close()
        assert not lock_path(path).exists()
    finally:
        sleeper.kill()
        sleeper.wait(timeout=10)


def test_switching_annotator_or_reopening_keeps_the_lock(tmp_path, window_on, qtbot, contender):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a1")
    lock = window.lock
    assert lock is not None and lock.held and not contender(path)
    window.set_annotator("bob")  # Annotator > Switch annotator
    assert lock_path(path).exists() and not contender(path)
    assert window.annotator == "bob" and not window.session.readonly
    assert window.lock is lock and lock.held
    window.open_project(path)  # File > Recent projects, on the project already open
    assert not contender(path) and not window.session.readonly
    assert window.lock is lock and lock.held
    window.close()
    assert window.lock is None and not lock.held
    assert not lock_path(path).exists() and contender(path)


def test_opening_another_project_moves_the_lock(tmp_path, window_on, contender):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first, second = make_project(tmp_path / "one"), make_project(tmp_path / "two")
    window = window_on(first)
    window.open_project(second)
    assert not lock_path(first).exists() and contender(first)
    assert owner(second).pid == os.getpid() and not contender(second)
