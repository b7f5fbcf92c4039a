"""The document list: lazy model over SQL, status and label filters, full-text search (FTS5 filled on first use)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document
from annotator.core.project import Project
from annotator.gui import open_window
from tests.gui_helpers import make_project


@pytest.fixture(autouse=True)
def _no_suggest_process(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


def ids(window) -> list[str]:
    model = window.documents.model
    return [model.doc_id(r) for r in range(model.rowCount())]


def test_filters_and_search(tmp_path, qtbot):
    path = make_project(tmp_path, suggestions={"a2": [("Herat", "GPE")]})
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    assert ids(window) == ["a1", "a2", "a3"]
    with Project.open(path) as project:
        assert project.search_backlog() == 3  # the index (made by a migration) is filled on the first search
    view = window.session.view
    qtbot.keyClick(view, Qt.Key_Return, Qt.ControlModifier)  # a1 done
    docs = window.documents
    docs.status.setCurrentIndex(docs.status.findData("done"))
    assert ids(window) == ["a1"]
    docs.status.setCurrentIndex(docs.status.findData("not_started"))
    assert ids(window) == ["a2", "a3"]
    docs.status.setCurrentIndex(0)
    docs.label.setCurrentIndex(docs.label.findData("GPE"))  # a2 has a GPE suggestion
    assert ids(window) == ["a2"]
    docs.label.setCurrentIndex(0)
    qtbot.keyClicks(docs.search, "kandah")  # prefix search
    qtbot.waitUntil(lambda: ids(window) == ["a2"], timeout=2000)
    with Project.open(path) as project:
        assert project.search_backlog() == 0
        import_records(project, [ImportRecord(Document("a4", "More fighting near Kandahar airport."))])
    docs.search.setText("kandahar")
    docs.apply_filters()
    assert ids(window) == ["a2", "a4"]  # documents imported after the index was built are found too
    assert window.documents.model.data(window.documents.model.index(0, 2)) == ""
    window.close()


def test_status_column_and_next_previous(tmp_path, qtbot):
    path = make_project(tmp_path)
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    qtbot.keyClick(window.session.view, Qt.Key_Return, Qt.ControlModifier)
    model = window.documents.model
    assert model.data(model.index(0, 2)) == "✓ done"
    assert model.data(model.index(0, 1)).startswith("Breaking")
    # choosing a row in the list opens that article
    window.documents.table.setCurrentIndex(model.index(2, 0))
    assert window.session.doc_id == "a3"
    window.close()


def test_large_project_opens_lazily(tmp_path, qtbot):
    path = tmp_path / "big.annotator"
    with Project.create(path) as project:
        import_records(
            project, (ImportRecord(Document(f"d{i:06d}", f"Article {i} about Kabul.")) for i in range(20000))
        )
    window = open_window(path, "alice")
    qtbot.addWidget(window)
    model = window.documents.model
    assert model.rowCount() == 20000
    assert window.session.doc_id == "d000000"
    assert len(model._pages) <= 3  # only the pages on screen were read
    assert model.doc_id(19999) == "d019999"
    window.navigate(1)
    assert window.session.doc_id == "d000001"
    # the first search of a large project builds the index in a thread; the list fills in when it is ready
    docs = window.documents
    with qtbot.waitSignal(docs.index_building, timeout=5000) as started:
        docs.search.setText("article 19999")
    assert started.args == [True]
    with qtbot.waitSignal(docs.index_building, timeout=60000):
        pass
    assert ids(window) == ["d019999"]
    qtbot.keyClick(window.session.view, Qt.Key_3)  # no selection: the word at the caret ("Article") is labelled
    spans = window.session.project.annotation(window.session.doc_id, "alice").spans
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 7, "ORG")]
    window.close()
