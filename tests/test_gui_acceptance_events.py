"""Acceptance checks of issue 5 from the outside: events with arguments, stance with evidence, notes and flags made
with key events on the `articleView` (selections set with its text cursor in Qt positions, on text with emoji and
CRLF), undone and redone, found again after reopening, counted by `annotator stats` and round-tripped through JSONL."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotator.core.project import Project
from annotator.gui import open_window
from tests.gui_helpers import make_project, offsets

TEXT = "Update 🔥 from\u00a0Kabul.\r\nThe Taliban attacked Lashkar Gah on Tuesday, officials said 😢."


@pytest.fixture(autouse=True)
def _no_suggest_process(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


def article_view(window):
    return window.findChild(QTextEdit, "articleView") or window.findChild(QPlainTextEdit, "articleView")


def select(view, needle: str) -> None:
    start, end = offsets(TEXT, needle)
    qt = lambda i: len(TEXT[:i].replace("\r\n", "\n").encode("utf-16-le")) // 2  # noqa: E731
    cursor = view.textCursor()
    cursor.setPosition(qt(start))
    cursor.setPosition(qt(end), QTextCursor.KeepAnchor)
    view.setTextCursor(cursor)


def layer(path, who="alice"):
    with Project.open(path, readonly=True) as project:
        return project.annotation("d1", who)


def events_of(ann):
    return [
        (e.type, e.trigger_start, e.trigger_end, sorted((a.role, a.start, a.end) for a in e.arguments))
        for e in ann.events
    ]


EXPECTED = [
    (
        "ATTACK",
        *offsets(TEXT, "attacked"),
        sorted([("Attacker", *offsets(TEXT, "Taliban")), ("Place", *offsets(TEXT, "Lashkar Gah"))]),
    )
]


def build(qtbot, path):
    window = open_window(path, annotator="alice", document_id="d1")
    qtbot.addWidget(window)
    view = article_view(window)
    select(view, "attacked")
    qtbot.keyClick(view, Qt.Key_E)
    qtbot.keyClick(view, Qt.Key_1)  # ATTACK
    select(view, "Taliban")
    qtbot.keyClick(view, Qt.Key_R)
    qtbot.keyClick(view, Qt.Key_1)  # Attacker
    select(view, "Lashkar Gah")
    qtbot.keyClick(view, Qt.Key_R)
    qtbot.keyClick(view, Qt.Key_4)  # Place
    select(view, "attacked Lashkar Gah")
    qtbot.keyClick(view, Qt.Key_S)
    qtbot.keyClick(view, Qt.Key_1)  # Taliban
    qtbot.keyClick(view, Qt.Key_2)  # against
    qtbot.keyClick(view, Qt.Key_S)
    qtbot.keyClick(view, Qt.Key_3)  # United States
    qtbot.keyClick(view, Qt.Key_3)  # neutral
    qtbot.keyClick(view, Qt.Key_U)
    qtbot.keyClick(view, Qt.Key_N)
    note = window.focusWidget()
    assert note is not view and isinstance(note, QPlainTextEdit)
    qtbot.keyClicks(note, "check casualties")
    qtbot.keyClick(note, Qt.Key_Escape)  # saves the note and goes back to the article
    assert window.focusWidget() is view
    return window, view


def test_events_stance_notes_by_keys_undo_redo_reopen(tmp_path, qtbot):
    path = make_project(tmp_path, {"d1": TEXT, "d2": "Another article."})
    window, view = build(qtbot, path)
    ann = layer(path)
    assert events_of(ann) == EXPECTED
    assert ann.stance == {"Taliban": "against", "United States": "neutral"}
    assert [(e.start, e.end) for e in ann.stance_evidence["Taliban"]] == [offsets(TEXT, "attacked Lashkar Gah")]
    assert ann.flags == ["unclear"] and ann.note == "check casualties"
    steps = window.session.undo_stack.index()
    for _ in range(steps):
        qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    ann = layer(path)
    assert (ann.events, ann.stance, ann.stance_evidence, ann.flags, ann.note) == ([], {}, {}, [], "")
    for _ in range(steps):
        qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    window.close()
    again = open_window(path, annotator="alice")
    qtbot.addWidget(again)
    assert again.session.doc_id == "d1"
    ann = layer(path)
    assert events_of(ann) == EXPECTED and ann.note == "check casualties" and ann.flags == ["unclear"]
    assert ann.stance == {"Taliban": "against", "United States": "neutral"}


def test_note_typed_then_window_closed_or_article_left_is_kept(tmp_path, qtbot):
    path = make_project(tmp_path, {"d1": TEXT, "d2": "Another article."})
    window = open_window(path, annotator="alice", document_id="d1")
    qtbot.addWidget(window)
    view = article_view(window)
    qtbot.keyClick(view, Qt.Key_N)
    qtbot.keyClicks(window.focusWidget(), "first")
    window.open_document("d2")  # e.g. a click in the document list
    qtbot.keyClick(article_view(window), Qt.Key_N)
    note = window.focusWidget()
    assert isinstance(note, QPlainTextEdit) and note.objectName() != "articleView"
    qtbot.keyClicks(note, "second")
    window.close()  # without leaving the note editor
    with Project.open(path, readonly=True) as project:
        assert project.annotation("d1", "alice").note == "first"
        assert project.annotation("d2", "alice").note == "second"


def test_stats_and_jsonl_round_trip(tmp_path, qtbot, cli):
    path = make_project(tmp_path, {"d1": TEXT, "d2": "Another article."})
    window, _view = build(qtbot, path)
    window.close()
    stats = json.loads(cli("stats", path, "--json").out)["annotators"]["alice"]
    assert (stats["events"], stats["arguments"], stats["stance"], stats["evidence"]) == (1, 2, 2, 1)
    assert (stats["notes"], stats["flagged"], stats["flags"]) == (1, 1, {"unclear": 1})
    assert stats["stance_values"] == {"Taliban": {"against": 1}, "United States": {"neutral": 1}}
    table = cli("stats", path).out
    assert "arguments" in table and "evidence" in table
    out = tmp_path / "out.jsonl"
    assert cli("export", path, out, "--format", "jsonl").code == 0
    copy = tmp_path / "copy.annotator"
    assert cli("new", copy).code == 0
    result = cli("import", copy, out)
    assert result.code == 0, result
    original = layer(path)
    with Project.open(copy, readonly=True) as project:
        doc = next(d for d in project.iter_documents() if d.text == TEXT)
        back = project.annotation(doc.id, "alice")
    assert events_of(back) == events_of(original) == EXPECTED
    assert back.stance == original.stance and back.stance_evidence == original.stance_evidence
    assert (back.note, back.flags) == (original.note, original.flags)
