"""One project, many processes and windows (issue 11): real processes, real SQLite files, real windows.

The sequences users hit: the window's Review/Agreement windows opened and closed while other processes open the
file, then an action and a SIGKILL; a write lock held by another process while the window or the CLI writes;
Ctrl+Q with every window open; opening the window as a new name; undo of review decisions, scheme edits, merges.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core import operations
from annotator.core.effort import active_seconds, effort_by_annotator
from annotator.core.model import GOLD, Span, Status
from annotator.core.project import Project
from annotator.gui import open_window
from tests.gui_helpers import PLAIN, make_project, offsets

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_suggest_process(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")


def child_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


def annotator_cli(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)], env=child_env(), capture_output=True, text=True, **kw
    )


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the project's write transaction for `seconds` (it prints 'held' once it has it)."""
    code = textwrap.dedent(
        f"""
        import sqlite3, sys, time
        c = sqlite3.connect({str(path)!r}, isolation_level=None)
        c.execute("BEGIN IMMEDIATE")
        print("held", flush=True)
        time.sleep({seconds})
        c.execute("COMMIT")
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# -- 1. corruption: a second way into the file inside the process, another process, actions, SIGKILL -------------
KILLED_WRITER = """
import sys, time
from annotator.core.project import Project
from annotator.core.model import Status
path = sys.argv[1]
project = Project.open(path, wait=0.1)
project.add_span("a2", "alice", 0, 6, "ORG")
# what the Review and Agreement windows did: the same file opened again in this process, and closed
with Project.open(path, readonly=True) as again:
    again.annotation("a2", "alice")
print("reopened", flush=True)
sys.stdin.readline()  # the parent runs `annotator stats` (another process opens and closes the file)
project.add_span("a2", "alice", 7, 14, "ORG")
project.set_status("a2", "alice", Status.DONE)
print("done", flush=True)
time.sleep(60)
"""


def test_actions_survive_reopening_another_process_and_sigkill(tmp_path):
    path = make_project(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=child_env(),
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        assert child.stdout.readline().strip() == "reopened"
        assert annotator_cli("stats", path).returncode == 0
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "done"
        fds = Path(f"/proc/{child.pid}/fd")
        if fds.exists():  # the WAL the child writes to must still be the file's WAL, not an unlinked one
            targets = [os.readlink(fd) for fd in fds.iterdir() if fd.is_symlink()]
            assert not [t for t in targets if t.endswith("(deleted)") and "window.annotator" in t], targets
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdin.close()
        child.stdout.close()
    assert integrity(path) == "ok"
    with Project.open(path, readonly=True) as project:
        ann = project.annotation("a2", "alice")
        assert [(s.start, s.end) for s in ann.spans] == [(0, 6), (7, 14)]
        assert ann.status == Status.DONE


def test_project_file_is_never_opened_outside_sqlite(tmp_path, monkeypatch):
    """Opening a project must not open() the file itself (that would drop SQLite's POSIX locks on close)."""
    path = make_project(tmp_path)
    import builtins

    real_open = builtins.open
    opened = []

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    with Project.open(path) as project:
        project.add_span("a2", "alice", 0, 6, "ORG")
    assert not [f for f in opened if Path(f).name.startswith("window.annotator")]


def test_not_a_project_is_still_refused_clearly(tmp_path, cli):
    junk = tmp_path / "junk.annotator"
    junk.write_bytes(b"this is not sqlite" * 20)
    result = cli("stats", junk)
    assert result.code == 1 and "not an annotator project (not an SQLite file)" in result.err


# -- busy files: the CLI waits, the window retries -----------------------------------------------------------------
def test_cli_import_waits_for_another_writer_and_says_so(tmp_path):
    path = make_project(tmp_path)
    article = tmp_path / "new.txt"
    article.write_text("A new article about Herat.", encoding="utf-8")
    holder = hold_write_lock(path, 3.5)
    result = annotator_cli("import", path, article, timeout=120)
    holder.communicate()
    assert result.returncode == 0, result.stderr
    assert "waiting for another program that is writing to this project" in result.stderr
    assert "Traceback" not in result.stderr
    with Project.open(path, readonly=True) as project:
        assert project.has_document("new.txt")


def test_two_cli_imports_at_once_both_land(tmp_path):
    path = make_project(tmp_path)
    files = []
    for n in range(2):
        f = tmp_path / f"batch{n}.jsonl"
        f.write_text(
            "".join(json.dumps({"id": f"b{n}-{i}", "text": f"Batch {n} article {i}."}) + "\n" for i in range(3000))
        )
        files.append(f)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "annotator", "import", str(path), str(f)],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert not any("Traceback" in err for _, err in outs)
    with Project.open(path, readonly=True) as project:
        assert project.document_count() == 3 + 6000


def test_window_write_on_a_busy_file_waits_then_lands(tmp_path, qtbot):
    path = make_project(tmp_path)
    window = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(window)
    try:
        messages: list[str] = []
        window.session.message.connect(messages.append)
        start, end = offsets(PLAIN, "Reuters")
        to_qt = window.session.state.positions.to_qt
        holder = hold_write_lock(path, 2.0)
        window.view.select_qt(to_qt(start), to_qt(end))
        label = window.project.scheme.label_for_key("2")
        qtbot.keyClick(window.view, Qt.Key_2)
        assert window.session.waiting == 1  # not written, not shown as done, not on the undo stack
        assert window.session.undo_stack.count() == 0
        assert any("busy" in m for m in messages)
        assert not [i for i in window.session.state.items if i.confirmed]
        qtbot.waitUntil(lambda: window.session.undo_stack.count() == 1, timeout=15000)
        holder.communicate()
        assert window.session.waiting == 0
        with Project.open(path, readonly=True) as project:
            assert [(s.start, s.end, s.label) for s in project.annotation("a2", "alice").spans] == [(start, end, label)]
    finally:
        window.close()


# -- annotators exist by their work; Ctrl+Q ends everything ----------------------------------------------------------
def test_opening_the_window_creates_no_annotator(tmp_path, qtbot, cli):
    path = make_project(tmp_path)
    with Project.open(path) as project:
        project.add_span("a2", "alice", 0, 6, "ORG")
    window = open_window(path, annotator="carol", document_id="a1")
    qtbot.addWidget(window)
    qtbot.keyClick(window.view, Qt.Key_PageDown)
    window.close()
    with Project.open(path, readonly=True) as project:
        assert project.annotators() == ["alice"]
        assert project.last_document("carol") == "a2"  # the place is remembered all the same
    stats = json.loads(cli("stats", path, "--json").out)
    assert list(stats["annotators"]) == ["alice"]


def test_ctrl_q_closes_every_window_and_releases_the_lock_last(tmp_path, qtbot, cli):
    from tests.test_agreement_spans import STANDARD, build

    path = build(cli, tmp_path, STANDARD)
    window = open_window(path, annotator="alice")
    qtbot.addWidget(window)
    review_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Review")
    review_action, agreement_action = review_menu.actions()[:2]
    review_action.trigger()
    agreement_action.trigger()
    from annotator.gui.review import _windows

    assert len(_windows) == 2
    review = next(w for w in _windows if w.objectName() == "reviewWindow")
    assert review.project is window.project  # one way into the file within the process
    quit_action = next(a for a in window.findChildren(type(review_action)) if a.objectName() == "actionQuit")
    quit_action.trigger()
    qtbot.waitUntil(lambda: not any(w.isVisible() for w in QApplication.topLevelWidgets()), timeout=10000)
    assert not Path(str(path) + ".lock").exists() or not window.lock
    assert window.project is None


# -- undo of bulk operations -----------------------------------------------------------------------------------------
def test_review_decision_is_undone_and_redone_from_the_main_window(tmp_path, qtbot, cli):
    from tests.test_agreement_spans import STANDARD, build

    path = build(cli, tmp_path, STANDARD)
    window = open_window(path, annotator="alice")
    qtbot.addWidget(window)
    from annotator.gui.review import open_review_window

    review = open_review_window(path, "d1", project=window.project, undo_stack=window.session.undo_stack)
    qtbot.addWidget(review)
    if review.counting:
        with qtbot.waitSignal(review.counts_ready, timeout=20000):
            pass

    def gold():
        ann = window.project.annotation("d1", GOLD)
        spans = sorted((s.start, s.end, s.label) for s in ann.spans)
        events = sorted(
            (e.type, e.trigger_start, tuple((a.role, a.start, a.end) for a in e.arguments)) for e in ann.events
        )
        return spans, events

    before = gold()
    steps = window.session.undo_stack.count()
    qtbot.keyClick(review.unit_table, Qt.Key_1)  # take alice's version of the first open unit
    decided = gold()
    assert decided != before
    assert window.session.undo_stack.count() == steps + 1
    window.session.undo_stack.undo()
    assert gold() == before
    window.session.undo_stack.redo()
    assert gold() == decided
    review.close()
    window.close()


def test_scheme_edit_and_merge_are_undoable(tmp_path, qtbot):
    path = make_project(tmp_path)
    with Project.open(path) as project:
        project.add_span("a2", "alice", *offsets(PLAIN, "Reuters"), "ORG")
    colleague = tmp_path / "bob.annotator"
    with Project.create(colleague) as other:
        from annotator.core.importing import ImportRecord, import_records
        from annotator.core.model import Document

        import_records(other, [ImportRecord(Document("a2", PLAIN))])
        other.add_span("a2", "bob", *offsets(PLAIN, "Herat"), "GPE")
    window = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(window)
    stack = window.session.undo_stack
    # rename ORG -> AGENCY: spans and scheme follow; undo brings both back
    window._edit_scheme(
        lambda: __import__("annotator.gui.scheme_edits", fromlist=["x"]).rename_label(window.project, "ORG", "AGENCY"),
        "Rename",
        using=("ORG",),
        renamed=("ORG", "AGENCY"),
    )
    assert [s.label for s in window.project.annotation("a2", "alice").spans] == ["AGENCY"]
    assert "AGENCY" in window.project.scheme.entity_labels
    stack.undo()
    assert [s.label for s in window.project.annotation("a2", "alice").spans] == ["ORG"]
    assert "AGENCY" not in window.project.scheme.entity_labels and "ORG" in window.project.scheme.entity_labels
    # a merge through the same path File > Merge takes: recorded in a worker connection, undone here
    from annotator.core.merge_undo import merge_recorded

    with Project.open(path) as worker:
        _, changes = merge_recorded(worker, [colleague])
    window.push_changes(changes)
    assert window.project.annotators() == ["alice", "bob"]
    stack.undo()
    assert window.project.annotators() == ["alice"]
    stack.redo()
    assert [s.label for s in window.project.annotation("a2", "bob").spans] == ["GPE"]
    window.close()
    assert integrity(path) == "ok"


def test_accept_all_is_one_transaction_and_one_undo_step(tmp_path):
    path = make_project(tmp_path)
    with Project.open(path) as project:
        spans = [Span(*offsets(PLAIN, w), "GPE") for w in ("Herat", "Kandahar")]
        _, changes = operations.record(
            project,
            "Accept 2",
            lambda: project.accept_suggestions("a2", "alice", spans, []),
            lambda: [("a2", "alice")],
            annotator="alice",
        )
        assert len(project.annotation("a2", "alice").spans) == 2
        names = [op["name"] for op in project.recent_operations()]
        assert names.count("accept_suggestions") == 1
        operations.undo(project, changes)
        assert project.annotation("a2", "alice").spans == []
        operations.redo(project, changes)
        assert len(project.annotation("a2", "alice").spans) == 2
        # a bad span rejects the whole batch: nothing of it is stored
        bad = [Span(*offsets(PLAIN, "Reuters"), "ORG"), Span(0, 10_000, "ORG")]
        with pytest.raises(Exception, match="outside"):
            project.accept_suggestions("a2", "alice", bad, [])
        assert len(project.annotation("a2", "alice").spans) == 2


# -- coding effort -------------------------------------------------------------------------------------------------
def test_active_minutes_leave_out_long_gaps():
    times = [
        "2026-01-01T10:00:00+00:00",
        "2026-01-01T10:02:00+00:00",
        "2026-01-01T10:30:00+00:00",
        "2026-01-01T10:31:00+00:00",
    ]
    assert active_seconds(times) == 180  # 2 min + (28 min gap left out) + 1 min
    effort = effort_by_annotator([("alice", "d1", times), ("alice", "d2", times[:2])], {"alice": {"d1"}})
    assert effort["alice"]["median_active_minutes"] == 3.0 and effort["alice"]["articles_logged"] == 2


def test_stats_reports_effort_from_the_log(tmp_path, cli):
    path = make_project(tmp_path)
    with Project.open(path) as project:
        project.add_span("a2", "alice", 0, 6, "ORG")
        project.set_status("a2", "alice", Status.DONE)
    stats = json.loads(cli("stats", path, "--json").out)
    effort = stats["annotators"]["alice"]["effort"]
    assert effort["articles_logged"] == 1 and effort["median_over"] == "done"
    assert 0 <= effort["median_active_minutes"] < 1
    assert "median active minutes" in cli("stats", path).out


# -- undo survives a restart; the keymap is one table ---------------------------------------------------------------
def test_undo_survives_closing_the_window(tmp_path, qtbot):
    path = make_project(tmp_path)
    window = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(window)
    label = window.project.scheme.label_for_key("1")
    to_qt = window.session.state.positions.to_qt
    for word in ("Reuters", "Herat"):
        start, end = offsets(PLAIN, word)
        window.view.select_qt(to_qt(start), to_qt(end))
        qtbot.keyClick(window.view, Qt.Key_1)
    qtbot.keyClick(window.view, Qt.Key_Return, Qt.ControlModifier)  # done, and on to the next article
    window.close()

    def spans():
        with Project.open(path, readonly=True) as project:
            return [(s.start, s.end, s.label) for s in project.annotation("a2", "alice").spans]

    assert spans() == [(*offsets(PLAIN, "Reuters"), label), (*offsets(PLAIN, "Herat"), label)]
    again = open_window(path, annotator="alice")
    qtbot.addWidget(again)
    assert again.session.undo_stack.count() == 3
    qtbot.keyClick(again.view, Qt.Key_Z, Qt.ControlModifier)  # the status
    with Project.open(path, readonly=True) as project:
        assert project.status("a2", "alice") == Status.IN_PROGRESS
    qtbot.keyClick(again.view, Qt.Key_Z, Qt.ControlModifier)  # Herat
    assert spans() == [(*offsets(PLAIN, "Reuters"), label)]
    assert again.session.doc_id == "a2"  # undo shows the article it changed
    qtbot.keyClick(again.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(spans()) == 2
    again.close()
    # a third opening sees the redo too: two spans, the status undone
    third = open_window(path, annotator="alice")
    qtbot.addWidget(third)
    assert third.session.undo_stack.count() == 2
    third.close()
    # another annotator's window has its own history
    bob = open_window(path, annotator="bob")
    qtbot.addWidget(bob)
    assert bob.session.undo_stack.count() == 0
    bob.close()


def test_keymap_is_the_one_table():
    from annotator.core import keymap
    from annotator.core.scheme import default_scheme
    from annotator.gui.keys import SHORTCUTS

    assert frozenset("AXEDNSUR") == keymap.RESERVED_KEYS
    assert keymap.shortcuts() == SHORTCUTS
    commands = {b.command for b in keymap.KEYMAP if b.command and b.keys} - keymap.WINDOW_COMMANDS
    from unittest.mock import MagicMock

    from annotator.gui.keys import ArticleKeys

    handled = set(ArticleKeys(MagicMock(), print, print)._commands())
    assert commands <= handled, commands - handled
    scheme = default_scheme()
    assert not {e.key.upper() for e in scheme.entities} & keymap.RESERVED_KEYS


def test_review_window_shows_another_process_work(tmp_path, qtbot, cli):
    from annotator.gui.review import open_review_window
    from tests.test_agreement_spans import STANDARD, TEXT, build

    path = build(cli, tmp_path, STANDARD)
    window = open_window(path, annotator="carol")
    qtbot.addWidget(window)
    review = open_review_window(path, "d1", project=window.project, undo_stack=window.session.undo_stack)
    qtbot.addWidget(review)
    start = TEXT.index("Herat")
    assert not [u for u in review.review.units if u.kind == "span" and u.start == start]
    code = (
        "import sys; from annotator.core.project import Project\n"
        f"p = Project.open(sys.argv[1]); p.add_span('d1', 'bob', {start}, {start + 5}, 'GPE'); p.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], env=child_env(), check=True)
    qtbot.waitUntil(lambda: any(u.kind == "span" and u.start == start for u in review.review.units), timeout=5000)
    review.close()
    window.close()


WINDOW_THEN_KILL = """
import subprocess, sys, time
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from annotator.gui import open_window
from annotator.gui.review import _windows

path = sys.argv[1]
window = open_window(path, annotator="alice", document_id="a2")
app = QApplication.instance()
menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Review")
for action in menu.actions()[:2]:  # Review, then Agreement: opened and closed
    action.trigger()
    app.processEvents()
    for w in list(_windows):
        w.close()
    app.processEvents()
# another process opens and closes the file
subprocess.run([sys.executable, "-m", "annotator", "stats", path], check=True, capture_output=True)
view = window.view
QTest.keyClick(view, Qt.Key_Tab)  # the first suggestion
QTest.keyClick(view, Qt.Key_Return)  # accept it
QTest.keyClick(view, Qt.Key_Return, Qt.ControlModifier)  # done, next article
app.processEvents()
print("done", flush=True)
time.sleep(60)
"""


def test_window_sequence_then_sigkill_loses_nothing(tmp_path):
    """The issue's sequence with a real window in its own process: Review and Agreement opened and closed, another
    process opening the file, a suggestion accepted and the article marked done, then SIGKILL."""
    path = make_project(tmp_path, suggestions={"a2": [("Reuters", "ORG"), ("Herat", "GPE")]})
    with subprocess.Popen(
        [sys.executable, "-c", WINDOW_THEN_KILL, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**child_env(), "ANNOTATOR_NO_AUTO_SUGGEST": "1"},
        text=True,
    ) as child:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert line == "done", child.stderr.read() if child.stderr else ""
    assert integrity(path) == "ok"
    with Project.open(path, readonly=True) as project:
        ann = project.annotation("a2", "alice")
        assert [(s.start, s.end, s.label) for s in ann.spans] == [(*offsets(PLAIN, "Reuters"), "ORG")]
        assert ann.status == Status.DONE


def test_ctrl_q_in_the_review_window_ends_everything_and_esc_closes_it(tmp_path, qtbot, cli):
    from PySide6.QtGui import QAction

    from annotator.gui.review import _windows
    from tests.test_agreement_spans import STANDARD, build

    path = build(cli, tmp_path, STANDARD)
    window = open_window(path, annotator="alice")
    qtbot.addWidget(window)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Review")
    review_action, agreement_action = menu.actions()[:2]
    review_action.trigger()
    review = next(w for w in _windows if w.objectName() == "reviewWindow")
    close = next(a for a in review.findChildren(QAction) if a.objectName() == "actionCloseWindow")
    assert {s.toString() for s in close.shortcuts()} == {"Ctrl+W", "Esc"}
    close.trigger()
    assert not review.isVisible()
    agreement_action.trigger()
    agreement = next(w for w in _windows if w.objectName() == "agreementWindow")
    quit_all = next(a for a in agreement.findChildren(QAction) if a.objectName() == "actionQuitAll")
    quit_all.trigger()
    qtbot.waitUntil(lambda: not any(w.isVisible() for w in QApplication.topLevelWidgets()), timeout=10000)
    assert window.project is None and window.lock is None
