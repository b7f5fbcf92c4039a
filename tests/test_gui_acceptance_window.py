"""Acceptance checks of the window's public contract (issue 4), written the way an outside tester drives it:
only `open_window`, the `articleView` widget, its text cursor, real key events and the stored project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit, QTextEdit

from annotator.core.project import Project
from annotator.gui import open_window
from tests.gui_helpers import make_project, offsets

ROOT = Path(__file__).resolve().parent.parent
EMOJI = "Intro 😀👍🏽 x\r\nline\u00a0two e\u0301 ok.\r\nThe Taliban attacked Kandahar and Herat yesterday."


@pytest.fixture(autouse=True)
def _no_suggest_process(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


def article_view(window):
    view = window.findChild(QPlainTextEdit, "articleView") or window.findChild(QTextEdit, "articleView")
    assert view is not None
    return view


def qt_pos(text: str, offset: int) -> int:
    """A tester's own conversion: UTF-16 units, CRLF as one separator."""
    before = text[:offset].replace("\r\n", "\n")
    return len(before.encode("utf-16-le")) // 2


def select(view, text: str, needle: str) -> None:
    start, end = offsets(text, needle)
    cursor = view.textCursor()
    cursor.setPosition(qt_pos(text, start))
    cursor.setPosition(qt_pos(text, end), QTextCursor.KeepAnchor)
    view.setTextCursor(cursor)


def spans(path, doc="e1", who="alice"):
    with Project.open(path, readonly=True) as project:
        return {(s.start, s.end, s.label) for s in project.annotation(doc, who).spans}


@pytest.fixture
def emoji_project(tmp_path):
    return make_project(
        tmp_path,
        {"e1": EMOJI, "e2": "Second: fighting in Herat.", "e3": "<b>Kabul</b> &amp; <i>x</i>"},
        {"e1": [("Taliban", "ORG"), ("Kandahar", "GPE"), ("Herat", "LOC")]},
    )


def test_open_window_contract(emoji_project, qtbot):
    window = open_window(emoji_project, annotator="alice", document_id="e1")
    qtbot.addWidget(window)
    assert isinstance(window, QMainWindow) and window.isVisible()
    assert QApplication.instance() is not None
    view = article_view(window)
    assert view.toPlainText() == EMOJI.replace("\r\n", "\n").replace("\u00a0", " ")


def test_label_key_on_view_after_emoji(emoji_project, qtbot):
    window = open_window(emoji_project, annotator="alice", document_id="e1")
    qtbot.addWidget(window)
    view = article_view(window)
    select(view, EMOJI, "Taliban attacked")
    qtbot.keyClick(view, Qt.Key_3)
    assert spans(emoji_project) == {(*offsets(EMOJI, "Taliban attacked"), "ORG")}
    select(view, EMOJI, "two")
    QTest.keyClick(view, "4")  # a character, as QTest allows
    assert (*offsets(EMOJI, "two"), "GPE") in spans(emoji_project)


def test_keys_sent_to_the_main_window_act_like_on_the_view(emoji_project, qtbot):
    window = open_window(emoji_project, annotator="alice", document_id="e1")
    qtbot.addWidget(window)
    view = article_view(window)
    select(view, EMOJI, "yesterday")
    qtbot.keyClick(window, Qt.Key_7)
    assert spans(emoji_project) == {(*offsets(EMOJI, "yesterday"), "DATE")}
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert spans(emoji_project) == set()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert spans(emoji_project) == {(*offsets(EMOJI, "yesterday"), "DATE")}


def test_tab_accept_reject_delete_and_enter_variants(emoji_project, qtbot):
    window = open_window(emoji_project, annotator="alice", document_id="e1")
    qtbot.addWidget(window)
    view = article_view(window)
    qtbot.keyClick(view, Qt.Key_Tab)  # Taliban
    qtbot.keyClick(view, Qt.Key_Return)
    assert spans(emoji_project) == {(*offsets(EMOJI, "Taliban"), "ORG")}
    # the next suggestion (Kandahar) is focused after accepting; Enter (keypad) accepts it
    qtbot.keyClick(view, Qt.Key_Enter, Qt.KeypadModifier)
    assert (*offsets(EMOJI, "Kandahar"), "GPE") in spans(emoji_project)
    qtbot.keyClick(view, Qt.Key_Delete)  # rejects Herat
    with Project.open(emoji_project, readonly=True) as project:
        assert [s.label for s in project.open_suggestions("e1", "alice").spans] == []
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    with Project.open(emoji_project, readonly=True) as project:
        assert [s.label for s in project.open_suggestions("e1", "alice").spans] == ["LOC"]
    # Shift+Tab back to Taliban and delete it with X
    qtbot.keyClick(view, Qt.Key_Escape)
    qtbot.keyClick(view, Qt.Key_Home, Qt.ControlModifier)
    qtbot.keyClick(view, Qt.Key_Tab)
    qtbot.keyClick(view, Qt.Key_X)
    assert spans(emoji_project) == {(*offsets(EMOJI, "Kandahar"), "GPE")}
    # relabel by key on the focused span
    qtbot.keyClick(view, Qt.Key_Tab)
    while window.session.focused() is not None and window.session.focused().start != offsets(EMOJI, "Kandahar")[0]:
        qtbot.keyClick(view, Qt.Key_Tab)
    qtbot.keyClick(view, Qt.Key_5)
    assert spans(emoji_project) == {(*offsets(EMOJI, "Kandahar"), "LOC")}


def test_ctrl_enter_and_page_keys(emoji_project, qtbot):
    window = open_window(emoji_project, annotator="alice", document_id="e1")
    qtbot.addWidget(window)
    view = article_view(window)
    qtbot.keyClick(view, Qt.Key_Return, Qt.ControlModifier)
    with Project.open(emoji_project, readonly=True) as project:
        assert project.annotation("e1", "alice").status.value == "done"
    assert article_view(window).toPlainText().startswith("Second")
    qtbot.keyClick(article_view(window), Qt.Key_PageDown)
    assert article_view(window).toPlainText() == "<b>Kabul</b> &amp; <i>x</i>"
    qtbot.keyClick(article_view(window), Qt.Key_PageUp)
    assert article_view(window).toPlainText().startswith("Second")
    qtbot.keyClick(article_view(window), Qt.Key_Enter, Qt.ControlModifier | Qt.KeypadModifier)
    with Project.open(emoji_project, readonly=True) as project:
        assert project.annotation("e2", "alice").status.value == "done"


def test_reopen_in_same_process_returns_to_last_article(emoji_project, qtbot):
    window = open_window(emoji_project, annotator="alice", document_id="e1")
    view = article_view(window)
    select(view, EMOJI, "Herat")
    qtbot.keyClick(view, Qt.Key_4)
    qtbot.keyClick(view, Qt.Key_PageDown)
    window.close()
    again = open_window(emoji_project, annotator="alice")
    qtbot.addWidget(again)
    assert article_view(again).toPlainText().startswith("Second")
    assert (*offsets(EMOJI, "Herat"), "GPE") in spans(emoji_project)
    # a second window without closing the first must not hang either
    third = open_window(emoji_project, annotator="alice", document_id="e3")
    qtbot.addWidget(third)
    assert article_view(third).toPlainText().startswith("<b>")


def test_open_without_annotator_does_not_block(emoji_project):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    code = (
        "from annotator.gui import open_window\n"
        f"w = open_window({str(emoji_project)!r})\n"
        "print('ANNOTATOR', w.annotator)\n"
        "w.close()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "ANNOTATOR " in result.stdout


def test_annotator_from_environment(emoji_project, qtbot, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NAME", "zoe")
    window = open_window(emoji_project)
    qtbot.addWidget(window)
    assert window.annotator == "zoe"


def test_smoke_test_subprocess(emoji_project):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "gui", "--smoke-test", str(emoji_project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_rtl(tmp_path, qtbot):
    text = "هجوم طالبان على قندهار"
    path = make_project(tmp_path, {"r1": text})
    window = open_window(path, annotator="alice")
    qtbot.addWidget(window)
    view = article_view(window)
    assert view.document().firstBlock().layout().textOption().textDirection() in (
        Qt.RightToLeft,
        Qt.LayoutDirectionAuto,
    )
    assert view.document().firstBlock().textDirection() == Qt.RightToLeft
    select(view, text, "طالبان")
    qtbot.keyClick(view, Qt.Key_3)
    assert spans(path, "r1") == {(*offsets(text, "طالبان"), "ORG")}


def test_first_launch_question_answered_by_a_tester(emoji_project, qtbot, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    from annotator import settings

    def answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("bob")
        dialog.accept()

    QTimer.singleShot(50, answer)
    window = open_window(emoji_project)
    qtbot.addWidget(window)
    assert window.annotator == "bob" and settings.annotator_name() == "bob"
    window.close()
    monkeypatch.setattr("annotator.settings.annotator_name", lambda: None)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("carol", True)))
    again = open_window(emoji_project)
    qtbot.addWidget(again)
    assert again.annotator == "carol"


def test_unanswered_question_uses_the_login_name_without_remembering_it(emoji_project, qtbot, monkeypatch):
    from annotator import settings

    monkeypatch.setattr("annotator.gui.dialogs.UNANSWERED_MS", 10)
    monkeypatch.setattr("annotator.gui.dialogs.login_name", lambda: "login")
    window = open_window(emoji_project)
    qtbot.addWidget(window)
    assert window.annotator == "login" and settings.annotator_name() is None


def test_project_held_by_another_process_opens_read_only_without_a_dialog(emoji_project, qtbot):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = (
        "import sys\n"
        "from annotator.gui.lock import ProjectLock\n"
        f"ProjectLock({str(emoji_project)!r}).acquire()\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        window = open_window(emoji_project, annotator="alice", document_id="e1")
        qtbot.addWidget(window)
        assert "read-only" in window.windowTitle()
        view = article_view(window)
        select(view, EMOJI, "Herat")
        qtbot.keyClick(view, Qt.Key_4)
        assert spans(emoji_project) == set()
        window.close()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
