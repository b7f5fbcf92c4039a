"""The window shows what is in the file: commits of other processes (import, another writer), of File > Merge and
of a scheme change appear without reopening anything, and the window's own commits cause no re-read."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from annotator.core.model import Status
from annotator.core.project import Project
from tests.gui_helpers import MODEL, PLAIN, make_project, offsets

ROOT = Path(__file__).resolve().parent.parent
WAIT_MS = 5000  # generous for a loaded 2-core machine; the watcher polls every 400 ms


pytestmark = pytest.mark.usefixtures("no_auto_suggest")


def run(*args: str) -> subprocess.CompletedProcess:
    """Run Python in another process, importing this checkout's annotator."""
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def in_other_process(path: Path, code: str) -> None:
    """`code` runs with `project` open for writing in a separate process."""
    run("-c", f"from annotator.core.project import Project\nwith Project.open({str(path)!r}) as project:\n{code}")


def panel_rows(window) -> set[tuple[str, int, int, str]]:
    return {item.key for item in window.panel.model.items}


def test_an_import_by_another_process_appears_in_the_list(tmp_path, window_on, qtbot):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a1")
    model = window.documents.model
    assert model.rowCount() == 3
    source = tmp_path / "new.jsonl"
    source.write_text(json.dumps({"id": "n1", "text": "Fresh report from Herat."}) + "\n", encoding="utf-8")
    run("-m", "annotator", "import", str(path), str(source))
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=WAIT_MS)
    assert model.doc_id(3) == "n1"
    assert window.status_progress.text() == "done 0/4"
    assert window.session.doc_id == "a1" and window.documents.table.currentIndex().row() == 0  # selection kept


def test_another_writer_adds_a_span_and_changes_a_status(tmp_path, window_on, qtbot):
    path = make_project(tmp_path, suggestions={"a2": [("Herat", "GPE")]})
    window = window_on(path, document_id="a2")
    session = window.session
    session.focus_item(("suggestion", *offsets(PLAIN, "Herat"), "GPE"))
    focus = session.focus_key
    start, end = offsets(PLAIN, "Kandahar")
    in_other_process(path, f"    project.add_span('a2', 'alice', {start}, {end}, 'GPE')")
    new = ("span", start, end, "GPE")
    qtbot.waitUntil(lambda: new in panel_rows(window), timeout=WAIT_MS)
    assert session.state.item(new) is not None and session.focus_key == focus  # focus kept
    # drawn: the span's characters carry the confirmed span's background
    cursor = window.view.textCursor()
    cursor.setPosition(session.state.positions.to_qt(start) + 1)
    assert cursor.charFormat().background().style() != Qt.NoBrush
    assert window.status_progress.text() == "done 0/3"
    # a status set elsewhere: the list row and the progress figures
    in_other_process(path, "    project.set_status('a3', 'alice', 'done')")
    qtbot.waitUntil(lambda: window.status_progress.text() == "done 1/3", timeout=WAIT_MS)
    model = window.documents.model
    assert model.data(model.index(model.row_of("a3"), 2)) == "✓ done"


def test_other_process_note_never_overwrites_a_note_being_typed(tmp_path, window_on, qtbot):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a1")
    note = window.stance.note
    window.show()
    note.setFocus()
    qtbot.waitUntil(note.hasFocus)
    qtbot.keyClicks(note, "mine")
    in_other_process(
        path,
        "    project.set_note('a1', 'alice', 'theirs')\n    project.set_stance('a1', 'alice', "
        "project.scheme.stance_targets[0], project.scheme.stance_values[0])",
    )
    scheme = window.project.scheme
    qtbot.waitUntil(
        lambda: window.session.state.stance.get(scheme.stance_targets[0]) == scheme.stance_values[0], timeout=WAIT_MS
    )
    assert note.toPlainText() == "mine"  # the panel shows the stance, the note being typed stays
    window.view.setFocus()  # leaving the note saves it: the typist's note wins
    qtbot.waitUntil(lambda: not note.hasFocus())
    with Project.open(path, readonly=True) as project:
        assert project.annotation("a1", "alice").note == "mine"


def test_a_scheme_label_added_elsewhere_is_picked_up(tmp_path, window_on, qtbot):
    path = make_project(tmp_path, suggestions={"a2": [("Reuters", "AGENCY")]})
    window = window_on(path, document_id="a2")
    assert window.session.state.suggestions() == []  # the scheme has no AGENCY yet
    in_other_process(
        path,
        "    from dataclasses import replace\n    from annotator.core.scheme import EntityLabel\n"
        "    s = project.scheme\n    project.set_scheme(replace(s, entities=(*s.entities, "
        "EntityLabel('AGENCY', color='#123456'))))",
    )
    qtbot.waitUntil(lambda: "AGENCY" in window.project.scheme.entity_labels, timeout=WAIT_MS)
    assert [i.label for i in window.session.state.suggestions()] == ["AGENCY"]
    labels = window.documents.label
    assert labels.findData("AGENCY") >= 0


def copy_project(src: Path, dst: Path) -> None:
    """A live project copied the safe way (SQLite's backup API, never a file copy)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def test_merge_refreshes_the_open_article_and_x_resurrects_nothing(tmp_path, window_on, qtbot):
    path = make_project(tmp_path, suggestions={"a2": [("Herat", "GPE"), ("Kandahar", "GPE")]})
    herat, kandahar = offsets(PLAIN, "Herat"), offsets(PLAIN, "Kandahar")
    with Project.open(path) as project:
        project.add_span("a2", "alice", *herat, "GPE")
    copy = tmp_path / "alice.annotator"
    copy_project(path, copy)
    with Project.open(copy) as other:  # alice's later work in her own copy: the Kandahar suggestion rejected
        other.reject_suggestion("a2", "alice", "span", *kandahar, "GPE")
    window = window_on(path, document_id="a2")
    session = window.session
    session.focus_item(("suggestion", *kandahar, "GPE"))
    assert session.focused() is not None
    refreshes = window.file_refreshes
    # File > Merge, as the window runs it
    action = next(a for a in window.findChildren(QAction) if a.text().startswith("Merge"))
    action.trigger()
    dialog = window.findChild(QDialog, "mergeDialog")
    dialog.add_files([copy])
    with qtbot.waitSignal(dialog.finished_merge, timeout=20000):
        dialog.merge()
    assert window.file_refreshes > refreshes  # refreshed at once, not only at the watcher's next tick
    keys = {i.key for i in session.state.items}
    assert ("span", *kandahar, "GPE") not in keys and ("suggestion", *kandahar, "GPE") not in keys
    assert ("span", *herat, "GPE") in keys
    qtbot.waitUntil(lambda: panel_rows(window) == keys)  # the panel fills in on the next event-loop turn
    assert session.focused() is None  # the focused suggestion is gone: nothing is focused
    qtbot.keyClick(window.view, Qt.Key_X)  # acts on nothing
    with Project.open(path, readonly=True) as project:
        layer = project.annotation("a2", "alice")
        assert [(s.start, s.end) for s in layer.spans] == [herat]
        assert [(s.start, s.end) for s in project.open_suggestions("a2", "alice", MODEL).spans] == []
    assert {i.key for i in session.state.items} == keys
    dialog.close()


def test_own_commits_cause_no_reread(tmp_path, window_on, qtbot):
    path = make_project(tmp_path, suggestions={"a2": [("Herat", "GPE"), ("Kandahar", "GPE")]})
    window = window_on(path, document_id="a2")
    reloads = []
    window.documents.model.modelReset.connect(lambda: reloads.append("list"))
    refreshes = window.file_refreshes
    session = window.session
    session.focus_item(("suggestion", *offsets(PLAIN, "Herat"), "GPE"))
    qtbot.keyClick(window.view, Qt.Key_A)  # accept
    qtbot.keyClick(window.view, Qt.Key_X)  # reject the next one
    session.set_note("own note")
    session.mark_done()
    qtbot.wait(1200)  # three watcher ticks
    assert window.file_refreshes == refreshes and reloads == []
    assert window.project.status("a2", "alice") == Status.DONE
    # ...while one commit by another process is one re-read
    in_other_process(path, "    project.set_status('a1', 'alice', 'in_progress')")
    qtbot.waitUntil(lambda: window.file_refreshes == refreshes + 1, timeout=WAIT_MS)
    qtbot.wait(900)
    assert window.file_refreshes == refreshes + 1


def test_the_watcher_stops_with_the_project(tmp_path, window_on, qtbot):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a1")
    window.close_project()
    assert window.watcher.project is None and not window.watcher.check()


def test_a_filtered_list_follows_statuses_set_elsewhere(tmp_path, window_on, qtbot):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a2")
    documents = window.documents
    documents.status.setCurrentIndex(documents.status.findData("not_started"))
    assert documents.model.rowCount() == 3
    in_other_process(path, "    project.set_status('a1', 'alice', 'done')")
    qtbot.waitUntil(lambda: documents.model.rowCount() == 2, timeout=WAIT_MS)
    assert [documents.model.doc_id(r) for r in range(2)] == ["a2", "a3"]
    assert documents.table.currentIndex().row() == 0 and window.session.doc_id == "a2"  # selection follows


def test_an_empty_project_opens_the_first_article_imported_elsewhere(tmp_path, window_on, qtbot):
    path = tmp_path / "empty.annotator"
    Project.create(path).close()
    window = window_on(path)
    assert window.session.state is None
    source = tmp_path / "first.jsonl"
    source.write_text(json.dumps({"id": "f1", "text": "The first report."}) + "\n", encoding="utf-8")
    run("-m", "annotator", "import", str(path), str(source))
    qtbot.waitUntil(lambda: window.session.doc_id == "f1", timeout=WAIT_MS)
    assert window.documents.model.rowCount() == 1 and window.status_progress.text() == "done 0/1"
