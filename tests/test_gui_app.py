"""Window plumbing: smoke test, annotator identity, import/export jobs, help, and the suggestion process."""

from __future__ import annotations

import json
import os
import sys
import textwrap

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QTableWidget

from annotator import settings
from annotator.gui import open_window, suggest_process
from tests.gui_helpers import MODEL, TRICKY, make_project


@pytest.fixture(autouse=True)
def _no_suggest_process(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


def test_smoke_test_command(tmp_path, cli):
    path = make_project(tmp_path, suggestions={"a1": [("Kabul", "GPE")]})
    before = path.read_bytes()
    result = cli("gui", "--smoke-test", str(path), "--annotator", "alice")
    assert result.code == 0, result
    assert "1 span(s)/suggestion(s)" in result.out
    assert path.read_bytes() == before


def test_annotator_asked_once_then_remembered(tmp_path, qtbot, monkeypatch):
    path = make_project(tmp_path)
    asked = []
    monkeypatch.setattr("annotator.gui.dialogs.ask_annotator", lambda *a, **k: asked.append(1) or "bob")
    window = open_window(path)
    qtbot.addWidget(window)
    assert window.annotator == "bob" and settings.annotator_name() == "bob"
    assert "bob" in window.status_annotator.text()
    window.close()
    again = open_window(path)
    qtbot.addWidget(again)
    assert asked == [1] and again.annotator == "bob"
    # switching shows (and edits) the other layer only
    again.set_annotator("carol")
    assert again.session.annotator == "carol" and settings.annotator_name() == "carol"
    again.close()


def test_export_and_drop_import_run_off_the_ui_thread(tmp_path, qtbot):
    path = make_project(tmp_path)
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    view = window.session.view
    pos = window.session.state.positions
    start = TRICKY.index("Taliban")
    view.select_qt(pos.to_qt(start), pos.to_qt(start + 7))
    qtbot.keyClick(view, Qt.Key_3)
    out = tmp_path / "out.jsonl"
    job = window.export_to(str(out), "alice")
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["id"] == "a1" and rows[0]["spans"] == [{"start": start, "end": start + 7, "label": "ORG"}]

    new = tmp_path / "new.txt"
    new.write_text("Fresh report from Herat.", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(new))])
    drop = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(window.jobs_done, timeout=10000):
        window.dropEvent(drop)
    assert "new.txt" in [window.documents.model.doc_id(r) for r in range(window.documents.model.rowCount())]
    window.close()


def test_shortcuts_help_and_guidelines(tmp_path, qtbot):
    path = make_project(tmp_path)
    window = open_window(path, "alice")
    qtbot.addWidget(window)
    dialog = window.show_shortcuts()
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    keys = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Tab / Shift+Tab" in keys and "Ctrl+Enter" in keys and "Shift+A" in keys
    assert "Label: GPE" in [table.item(r, 1).text() for r in range(table.rowCount())]
    dialog.close()
    window.show_guidelines()
    assert window.guidelines.isVisible()
    assert "Annotation guidelines" in window.guidelines.browser.toPlainText()
    window.close()


FAKE_SUGGEST = textwrap.dedent(
    """
    import json, sys
    from annotator.core.model import Span, Suggestions
    from annotator.core.project import Project
    from annotator.store import documents
    from annotator.store.suggestions import write_suggestions
    path = sys.argv[1]
    with Project.open(path) as p:
        ids = p.document_ids()
        print(json.dumps({"event": "start", "total": len(ids), "model": "fake@1"}), flush=True)
        for i, doc_id in enumerate(ids, 1):
            text = p.document(doc_id).text
            k = text.find("Kabul")
            spans = [Span(k, k + 5, "GPE", source="model")] if k >= 0 else []
            with p.db.atomic():
                write_suggestions(p.db, Suggestions(doc_id, "fake@1", spans), documents.text_hash(text))
                p.set_setting("suggestion_model", "fake@1")
            print(json.dumps({"event": "document", "id": doc_id, "done": i, "total": len(ids)}), flush=True)
        print(json.dumps({"event": "finished", "documents": len(ids)}), flush=True)
    """
)


def test_suggestion_process_updates_the_open_article(tmp_path, qtbot, monkeypatch):
    path = make_project(tmp_path)
    script = tmp_path / "fake_suggest.py"
    script.write_text(FAKE_SUGGEST, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    monkeypatch.setattr(suggest_process, "suggest_command", lambda project: [sys.executable, str(script), project])
    window = open_window(path, "alice", "a1", auto_suggest=True)  # no suggestions yet: starts by itself
    qtbot.addWidget(window)
    assert window.suggester is not None
    with qtbot.waitSignal(window.suggester.finished, timeout=20000) as blocker:
        pass
    assert blocker.args[0] is True
    items = window.session.state.items
    assert [(i.label, i.confirmed, i.start) for i in items] == [("GPE", False, TRICKY.index("Kabul"))]
    assert window.status_suggest.text() == "suggestions 3/3"
    assert "fake@1" in window.status_model.text()
    window.close()


def test_suggestion_process_failure_is_reported(tmp_path, qtbot, monkeypatch):
    path = make_project(tmp_path)
    monkeypatch.setattr(
        suggest_process, "suggest_command", lambda project: [sys.executable, "-c", "import sys; sys.exit('no model')"]
    )
    window = open_window(path, "alice", auto_suggest=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.suggester.finished, timeout=20000) as blocker:
        pass
    assert blocker.args == [False, "suggestions unavailable: no model"]
    window.close()


def test_json_lines_contract():
    proc = suggest_process.SuggestProcess("x.annotator")
    seen = []
    proc.started.connect(lambda total, model: seen.append(("start", total, model)))
    proc.document_done.connect(lambda d, i, n: seen.append(("doc", d, i, n)))
    proc.notice.connect(lambda m: seen.append(("notice", m)))
    proc.finished.connect(lambda ok, m: seen.append(("end", ok)))
    for line in [
        '{"event":"start","total":2,"model":"' + MODEL + '"}',
        "not json",
        '{"event":"document","id":"a1","done":1,"total":2}',
        '{"event":"notice","message":"using en_core_web_sm"}',
        '{"event":"error","message":"boom"}',
    ]:
        proc.handle_line(line)
    assert seen == [
        ("start", 2, MODEL),
        ("doc", "a1", 1, 2),
        ("notice", "using en_core_web_sm"),
        ("end", False),
    ]
    command = suggest_process.suggest_command("p.annotator")
    assert command[1:7] == ["-m", "annotator", "suggest", "p.annotator", "--progress", "json"]
    # as many processes as cores, one left for the window
    assert command[7:] == ["--processes", str(max(1, min(8, (os.cpu_count() or 1) - 1)))]


def test_export_training_formats_from_the_window(tmp_path, qtbot):
    path = make_project(tmp_path)
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    view = window.session.view
    pos = window.session.state.positions
    start = TRICKY.index("Lashkar Gah")
    view.select_qt(pos.to_qt(start), pos.to_qt(start + len("Lashkar Gah")))
    qtbot.keyClick(view, Qt.Key_4)
    out = tmp_path / "train.conll"
    job = window.export_to(str(out), fmt="conll")
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    lines = out.read_text(encoding="utf-8").splitlines()
    assert "Lashkar -X- O B-GPE" in lines and "Gah -X- O I-GPE" in lines
    window.close()


@pytest.mark.slow
def test_real_suggest_command_fills_the_open_article(tmp_path, qtbot):
    """End to end: `annotator suggest --progress json` in a QProcess, with the real spaCy model."""
    from annotator.core.importing import ImportRecord, import_records
    from annotator.core.model import Document
    from annotator.core.project import Project

    path = tmp_path / "real.annotator"
    with Project.create(path) as project:
        text = "The Taliban attacked Kabul on Tuesday, officials in Afghanistan said."
        import_records(project, [ImportRecord(Document("d1", text))])
    window = open_window(path, "alice", auto_suggest=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.suggester.finished, timeout=120000) as blocker:
        pass
    assert blocker.args[0] is True, blocker.args
    labels = {(text[i.start : i.end], i.label) for i in window.session.state.items if not i.confirmed}
    assert ("Kabul", "GPE") in labels
    assert window.status_suggest.text() == "suggestions 1/1"
    window.close()
