"""The annotation window driven by real key events: spans, suggestions, undo/redo, navigation, reopening."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotator.core.model import Status
from annotator.core.project import Project
from tests.gui_helpers import MARKUP, TRICKY, make_project, offsets

pytestmark = pytest.mark.usefixtures("no_auto_suggest")


def view_of(window):
    view = window.findChild(QTextEdit, "articleView") or window.findChild(QPlainTextEdit, "articleView")
    assert view is not None
    return view


def select(view, text: str, needle: str, state) -> None:
    start, end = offsets(text, needle)
    to_qt = state.positions.to_qt
    view.select_qt(to_qt(start), to_qt(end))


def layer(path, doc_id="a1", who="alice"):
    with Project.open(path, readonly=True) as project:
        return project.annotation(doc_id, who)


def test_span_from_selection_and_key_after_emoji_crlf_nbsp(tmp_path, window_on, qtbot):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a1")
    view = view_of(window)
    assert view.document().toRawText().replace("\u2029", "\n") == TRICKY.replace("\r\n", "\n")
    # "aliban attacked Lashk" snaps to whole words "Taliban attacked Lashkar"; spaces around are trimmed.
    start, end = offsets(TRICKY, "aliban attacked Lashk")
    pos = window.session.state.positions
    view.select_qt(pos.to_qt(start - 0), pos.to_qt(end))
    qtbot.keyClick(view, Qt.Key_3)  # ORG
    # "Kabul" after an NBSP, with a selection including the NBSP.
    s, e = offsets(TRICKY, "\u00a0Kabul")
    view.select_qt(pos.to_qt(s), pos.to_qt(e))
    qtbot.keyClick(view, Qt.Key_4)  # GPE
    spans = {(s.start, s.end, s.label) for s in layer(path).spans}
    assert spans == {(*offsets(TRICKY, "Taliban attacked Lashkar"), "ORG"), (*offsets(TRICKY, "Kabul"), "GPE")}
    # the combining accent stays with its word
    s, e = offsets(TRICKY, "cafe")
    view.select_qt(pos.to_qt(s), pos.to_qt(e))
    qtbot.keyClick(view, Qt.Key_1)
    assert (*offsets(TRICKY, "cafe\u0301"), "PERSON") in {(s.start, s.end, s.label) for s in layer(path).spans}


def test_accept_reject_relabel_accept_all_undo_redo(tmp_path, window_on, qtbot):
    sugg = {"a1": [("Taliban", "ORG"), ("Lashkar Gah", "GPE"), ("Tuesday", "DATE"), ("Kabul", "GPE")]}
    path = make_project(tmp_path, suggestions=sugg)
    window = window_on(path, document_id="a1")
    view = view_of(window)
    session = window.session
    assert [i.label for i in session.state.items] == ["GPE", "ORG", "GPE", "DATE"]
    assert all(not i.confirmed for i in session.state.items)
    assert window.panel.model.rowCount() == 4

    qtbot.keyClick(view, Qt.Key_Tab)  # focus the first suggestion: Kabul
    assert session.focused().label == "GPE" and session.focused().start == TRICKY.index("Kabul")
    qtbot.keyClick(view, Qt.Key_Return)  # accept -> focus moves to the next suggestion (Taliban)
    assert {(s.start, s.label) for s in layer(path).spans} == {(TRICKY.index("Kabul"), "GPE")}
    assert session.focused().start == TRICKY.index("Taliban")
    qtbot.keyClick(view, Qt.Key_X)  # reject Taliban -> focus Lashkar Gah
    assert session.focused().start == TRICKY.index("Lashkar")
    qtbot.keyClick(view, Qt.Key_A)  # accept Lashkar Gah
    qtbot.keyClick(view, Qt.Key_Backtab)  # back to the accepted span
    qtbot.keyClick(view, Qt.Key_5)  # relabel GPE -> LOC
    spans = {(s.start, s.end, s.label) for s in layer(path).spans}
    assert (*offsets(TRICKY, "Lashkar Gah"), "LOC") in spans
    with Project.open(path, readonly=True) as project:
        assert [s.label for s in project.open_suggestions("a1", "alice").spans] == ["DATE"]
    qtbot.keyClick(view, Qt.Key_A, Qt.ShiftModifier)  # accept all remaining (Tuesday)
    assert {s.label for s in layer(path).spans} == {"GPE", "LOC", "DATE"}
    assert not [i for i in session.state.items if not i.confirmed]

    # undo everything, one step at a time, with the standard keys on the view
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert layer(path).spans == []
    with Project.open(path, readonly=True) as project:
        assert len(project.open_suggestions("a1", "alice").spans) == 4
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert {(s.label) for s in layer(path).spans} == {"GPE", "LOC", "DATE"}
    with Project.open(path, readonly=True) as project:
        assert project.open_suggestions("a1", "alice").spans == []


def test_delete_span_and_undo_restores_it(tmp_path, window_on, qtbot):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a2")
    view = view_of(window)
    text = window.session.state.document.text
    select(view, text, "Reuters", window.session.state)
    qtbot.keyClick(view, Qt.Key_3)
    assert [s.label for s in layer(path, "a2").spans] == ["ORG"]
    qtbot.keyClick(view, Qt.Key_Delete)  # the new span is focused: delete it
    assert layer(path, "a2").spans == []
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert [(s.start, s.end) for s in layer(path, "a2").spans] == [offsets(text, "Reuters")]


def test_mark_done_opens_next_and_undo_crosses_articles(tmp_path, window_on, qtbot):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a1")
    view = view_of(window)
    state = window.session.state
    select(view, TRICKY, "Taliban", state)
    qtbot.keyClick(view, Qt.Key_3)
    qtbot.keyClick(view, Qt.Key_Return, Qt.ControlModifier)
    assert layer(path).status == Status.DONE
    assert window.session.doc_id == "a2"
    qtbot.keyClick(view, Qt.Key_PageDown)
    assert window.session.doc_id == "a3"
    qtbot.keyClick(view, Qt.Key_PageUp)
    assert window.session.doc_id == "a2"
    # undo reaches back into a1: its status, then its span
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert window.session.doc_id == "a1"
    assert layer(path).status == Status.IN_PROGRESS
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert layer(path).spans == []
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert [s.label for s in layer(path).spans] == ["ORG"]


def test_reopen_finds_everything_and_returns_to_last_article(tmp_path, window_on, qtbot):
    path = make_project(tmp_path, suggestions={"a2": [("Herat", "GPE")]})
    window = window_on(path, document_id="a2")
    view = view_of(window)
    select(view, window.session.state.document.text, "Reuters", window.session.state)
    qtbot.keyClick(view, Qt.Key_3)
    window.close()
    again = window_on(path)
    assert again.session.doc_id == "a2"
    items = again.session.state.items
    assert [(i.label, i.confirmed) for i in items] == [("ORG", True), ("GPE", False)]
    assert again.panel.model.rowCount() == 2


def test_markup_is_shown_literally(tmp_path, window_on):
    path = make_project(tmp_path)
    window = window_on(path, document_id="a3")
    view = view_of(window)
    assert view.toPlainText() == MARKUP
    assert view.document().characterCount() == len(MARKUP) + 1


def test_rtl_paragraph_laid_out_right_to_left(tmp_path, window_on):
    path = make_project(tmp_path, {"ar": "سيطرت طالبان على مدينة قندهار\nLeft to right."})
    window = window_on(path, document_id="ar")
    view = view_of(window)
    arabic = view.document().firstBlock()
    english = arabic.next()
    assert arabic.layout().textOption().textDirection() == Qt.RightToLeft
    assert english.layout().textOption().textDirection() == Qt.LeftToRight
    # the first Arabic letter is drawn at the right edge, the first English letter at the left
    width = view.viewport().width()
    view.select_qt(0, 0)
    assert view.cursorRect().x() > width / 2
    view.select_qt(english.position(), english.position())
    assert view.cursorRect().x() < width / 2


def test_choosing_a_panel_row_focuses_the_span(tmp_path, window_on, qtbot):
    path = make_project(tmp_path, suggestions={"a1": [("Kabul", "GPE"), ("Tuesday", "DATE")]})
    window = window_on(path, document_id="a1")
    table = window.panel.table
    table.setCurrentIndex(window.panel.model.index(1, 0))
    focused = window.session.focused()
    assert (focused.label, focused.start) == ("DATE", TRICKY.index("Tuesday"))
    assert window.panel.model.data(window.panel.model.index(1, 0)) == "Tuesday"
    assert window.panel.model.data(window.panel.model.index(1, 2)) == "suggested"
    # the caret went to the span, so the view scrolled to it and the focus frame is drawn there
    assert window.session.state.positions.to_core(view_of(window).textCursor().position()) == TRICKY.index("Tuesday")


def test_recent_projects_menu(tmp_path, window_on):
    path = make_project(tmp_path)
    window = window_on(path)
    assert [a.text() for a in window.recent_menu.actions()] == [str(path.resolve())]
