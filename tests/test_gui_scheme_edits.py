"""Editing the scheme from the window: additions, renaming a label everywhere, deleting a label in use."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.errors import SchemeError
from annotator.core.project import Project
from annotator.gui import open_window, scheme_edits
from tests.gui_helpers import TRICKY, make_project, offsets


@pytest.fixture(autouse=True)
def _no_suggest_process(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


def test_additions_are_validated(project):
    scheme = scheme_edits.add_entity(project, "WEAPON")
    assert scheme.entity("WEAPON").key and scheme.entity("WEAPON").color  # a free key and colour were given
    scheme = scheme_edits.add_event_type(project, "ARREST", ["Agent", "Person"])
    assert scheme.event("ARREST").roles == ("Agent", "Person")
    assert scheme_edits.add_role(project, "ARREST", "Place").event("ARREST").roles[-1] == "Place"
    assert "Pakistan" in scheme_edits.add_stance_target(project, "Pakistan").stance_targets
    assert "mixed" in scheme_edits.add_stance_value(project, "mixed").stance_values
    with pytest.raises(SchemeError, match="duplicate"):
        scheme_edits.add_entity(project, "GPE")
    with pytest.raises(SchemeError):
        scheme_edits.add_role(project, "ARREST", "Agent")
    with Project.open(project.path, readonly=True) as again:  # stored in the project file
        assert again.scheme.entity("WEAPON") and again.scheme.event("ARREST").roles[-1] == "Place"


def test_rename_everywhere_and_delete_in_use_from_the_window(tmp_path, qtbot, monkeypatch):
    path = make_project(tmp_path, suggestions={"a1": [("Kabul", "GPE"), ("Lashkar Gah", "GPE")]})
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    view = window.session.view
    qtbot.keyClick(view, Qt.Key_Tab)
    qtbot.keyClick(view, Qt.Key_Return)  # accept Kabul as GPE
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", lambda *a, **k: ("PLACE", True))
    window.rename_label("GPE")
    with Project.open(path, readonly=True) as project:
        assert [s.label for s in project.annotation("a1", "alice").spans] == ["PLACE"]
        assert [s.label for s in project.suggestions("a1").spans] == ["PLACE", "PLACE"]
        assert project.scheme.entity("GPE") is None
    assert [i.label for i in window.session.state.items] == ["PLACE", "PLACE"]
    # pressing the old key now labels as PLACE
    start, end = offsets(TRICKY, "Taliban")
    pos = window.session.state.positions
    view.select_qt(pos.to_qt(start), pos.to_qt(end))
    qtbot.keyClick(view, Qt.Key_4)
    assert ("PLACE", start) in [(s.label, s.start) for s in window.session.project.annotation("a1", "alice").spans]
    # deleting a label in use says how many spans go, and does nothing unless confirmed
    asked = []
    monkeypatch.setattr(window, "confirm", lambda text: asked.append(text) or False)
    window.delete_label("PLACE")
    assert "2 span(s)" in asked[0]
    assert window.session.project.scheme.entity("PLACE") is not None
    monkeypatch.setattr(window, "confirm", lambda text: True)
    window.delete_label("PLACE")
    assert window.session.project.scheme.entity("PLACE") is None
    assert window.session.project.annotation("a1", "alice").spans == []
    assert window.session.state.items == []  # suggestions of a label the scheme no longer has are not offered
    window.close()
