"""The window under hostile conditions: text from files is never rich text (message boxes, tooltips), a read-only
project opens read-only saying why, and a damaged file is announced in the status bar."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from tests.gui_helpers import make_project

HOSTILE = "<h1>Big</h1> <a href='https://evil.example/'>click</a>"


pytestmark = pytest.mark.usefixtures("no_auto_suggest")


def rendered(tooltip: str) -> str:
    """What Qt shows for a tooltip: it renders anything that might be rich text as HTML."""
    doc = QTextDocument()
    doc.setHtml(tooltip)
    return doc.toPlainText()


def test_import_failed_box_shows_the_file_text_literally(tmp_path, window_on, qtbot, monkeypatch):
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    window = window_on(make_project(tmp_path))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "x1", "text": "Kabul fell.", "annotator": " ' + HOSTILE.replace('"', '\\"') + '", "spans": []}\n',
        encoding="utf-8",
    )
    window.import_paths([str(bad)])
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    box = shown[0]
    assert box.windowTitle() == "Import failed"
    assert box.textFormat() == Qt.PlainText
    assert "<h1>Big</h1>" in box.text() and "<a href=" in box.text()
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert label is not None and label.textFormat() == Qt.PlainText
    box.deleteLater()


def test_span_tooltip_renders_markup_as_text(tmp_path, window_on):
    text = f"Before {HOSTILE} after."
    path = make_project(tmp_path, {"m1": text}, {"m1": [(HOSTILE, "ORG")]})
    window = window_on(path, document_id="m1")
    model = window.panel.table.model()
    assert model.rowCount() == 1
    shown = model.data(model.index(0, 0), Qt.DisplayRole)
    assert shown == HOSTILE
    assert rendered(model.data(model.index(0, 0), Qt.ToolTipRole)) == HOSTILE
    docs = window.documents.model
    assert rendered(docs.data(docs.index(0, 0), Qt.ToolTipRole)) == "m1"


def _chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.fixture
def immutable(tmp_path):
    """A project file nobody may write, root included (`chattr +i`): tests run as root, which ignores chmod."""
    path = make_project(tmp_path)
    if not _chattr("+i", path):
        pytest.skip("chattr +i is not available here (needs ext4-like file system and CAP_LINUX_IMMUTABLE)")
    yield path
    _chattr("-i", path)


def test_a_read_only_project_opens_read_only_saying_why(immutable, window_on, cli):
    window = window_on(immutable)
    assert window.project.readonly
    assert window.status_health.isVisible() or not window.isVisible()
    assert "Opened read-only" in window.status_health.text() and "cannot be written" in window.status_health.text()
    assert window.session.state is not None  # the article is shown
    result = cli("import", immutable, immutable.parent)
    assert result.code == 1 and "read-only" in result.err and result.err.count("\n") == 1
    assert cli("stats", immutable).code == 0  # reading still works


def test_a_damaged_file_is_announced(tmp_path, window_on, monkeypatch):
    from annotator.core import project as project_module

    monkeypatch.setattr(project_module, "quick_check_on_open", lambda *a, **k: ["row 4 missing from index spans"])
    window = window_on(make_project(tmp_path))
    assert "looks damaged (row 4 missing from index spans)" in window.status_health.text()
    assert "annotator check" in window.status_health.text()


def test_a_note_that_cannot_be_saved_stays_on_screen(tmp_path, window_on, qtbot, monkeypatch):
    from annotator.core.errors import DiskFullError
    from annotator.core.project import Project

    path = make_project(tmp_path)
    window = window_on(path, document_id="a2")
    real = Project.set_note

    def full_disk(self, *args, **kwargs):
        raise DiskFullError(f"{self.path}: the disk is full; nothing was changed. Free some space and try again")

    monkeypatch.setattr(Project, "set_note", full_disk)
    note = window.stance.note
    note.setFocus()
    qtbot.keyClicks(note, "casualty figures differ")
    qtbot.keyClick(note, Qt.Key_Return, Qt.ControlModifier)
    assert note.toPlainText() == "casualty figures differ" and note.unsaved
    assert "could not be saved" in window.statusBar().currentMessage()
    window.view.setFocus()  # leaving the box, and a refresh of the article, keep the text
    window.session.open_document("a2")
    assert note.toPlainText() == "casualty figures differ"
    window.navigate(1)  # leaving the article would drop it: refused
    assert window.session.doc_id == "a2"
    window.close()  # the first close keeps the window and the note
    assert window.project is not None and note.toPlainText() == "casualty figures differ"
    monkeypatch.setattr(Project, "set_note", real)  # space freed: saving again works
    note.setFocus()
    qtbot.keyClick(note, Qt.Key_Return, Qt.ControlModifier)
    assert not note.unsaved
    with Project.open(path, readonly=True) as p:
        assert p.annotation("a2", "alice").note == "casualty figures differ"
