"""The review window with real key events: settling each disagreement into gold, undo, the reviewer's own span,
progress, and the gold layer exported with `annotator export --gold` / `--annotator gold`."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import GOLD, Status
from annotator.core.project import Project
from annotator.gui.review import open_review_window
from tests.test_agreement_spans import STANDARD, TEXT, build


@pytest.fixture
def window(cli, tmp_path, qtbot):
    path = build(cli, tmp_path, STANDARD)
    win = open_review_window(path)
    qtbot.addWidget(win)
    if win.counting:
        with qtbot.waitSignal(win.counts_ready, timeout=20000):
            pass
    yield win
    win.close()


def current(win):
    unit = win.current_unit()
    return unit.kind, (unit.target if unit.kind == "stance" else TEXT[unit.start : unit.end])


def gold_spans(path):
    with Project.open(path, readonly=True) as p:
        return [(s.start, s.end, s.label, s.source) for s in p.annotation("d1", GOLD).spans]


def test_keys_settle_every_disagreement_into_gold(window, qtbot, cli, tmp_path):
    path = window.project.path
    assert window.review.doc_id == "d1"
    # auto-accept put the agreed ORG into gold, with both annotators as its provenance
    assert gold_spans(path) == [(0, 7, "ORG", "alice,bob")]
    assert "4 disagreement(s) left in this article · 4 in the project" in window.progress_label.text()
    table = window.unit_table
    assert current(window) == ("event", "attacked")
    qtbot.keyClick(table, Qt.Key.Key_1)  # alice's ATTACK, with her longer Attacker
    assert current(window) == ("span", " Kabul")
    qtbot.keyClick(table, Qt.Key.Key_2)  # bob's wider GPE
    assert current(window) == ("span", "Tuesday")
    qtbot.keyClick(table, Qt.Key.Key_X)  # neither DATE nor TIME
    assert current(window) == ("stance", "Taliban")
    qtbot.keyClick(table, Qt.Key.Key_2)  # bob: neutral
    assert "0 disagreement(s) left in this article · 0 in the project" in window.progress_label.text()
    assert gold_spans(path) == [(0, 7, "ORG", "alice,bob"), (25, 31, "GPE", "bob")]
    with Project.open(path, readonly=True) as p:
        gold = p.annotation("d1", GOLD)
        assert gold.status == Status.DONE
        assert gold.stance == {"Taliban": "neutral"}
        assert [(e.type, e.source, [(a.role, TEXT[a.start : a.end]) for a in e.arguments]) for e in gold.events] == [
            ("ATTACK", "alice", [("Attacker", "Taliban fighters"), ("Place", "Kabul")])
        ]
    # the table shows the decision: bob's cell is the gold version of the Kabul row
    kabul_row = next(r for r, u in enumerate(window.review.units) if u.kind == "span" and u.start == 25)
    assert table.item(kabul_row, 0).text() == "decided"
    assert table.item(kabul_row, 5).text() == "GPE “Kabul” 25–31"
    assert table.item(kabul_row, 3).text() == "GPE “Kabul” 26–31"
    assert table.item(kabul_row, 4).font().bold() and not table.item(kabul_row, 3).font().bold()

    for args in (["--gold"], ["--annotator", "gold"]):
        out = tmp_path / "gold.jsonl"
        result = cli("export", path, out, *args, "--force")
        assert result.code == 0, result
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert [(x["id"], x["annotator"], x["status"]) for x in lines] == [("d1", "gold", "done")]
        assert lines[0]["spans"] == [{"start": 0, "end": 7, "label": "ORG"}, {"start": 25, "end": 31, "label": "GPE"}]
        assert lines[0]["stance"] == {"Taliban": "neutral"}


def test_undo_and_the_reviewers_own_span(window, qtbot):
    path = window.project.path
    table = window.unit_table
    qtbot.keyClick(table, Qt.Key.Key_1)  # event
    qtbot.keyClick(table, Qt.Key.Key_1)  # alice's Kabul
    assert (26, 31, "GPE", "alice") in gold_spans(path)
    assert current(window) == ("span", "Tuesday")
    qtbot.keyClick(table, Qt.Key.Key_P)  # P goes to the previous *open* disagreement: none before this one
    assert current(window) == ("span", "Tuesday")
    table.setCurrentCell(next(r for r, u in enumerate(window.review.units) if u.start == 25), 0)
    qtbot.keyClick(table, Qt.Key.Key_Backspace)
    assert (26, 31, "GPE", "alice") not in gold_spans(path)
    assert "3 disagreement(s) left" in window.progress_label.text()
    # select "Tuesday" with the keyboard in the text, press G, then DATE's key (7 in the default scheme); a digit
    # alone only ever takes a version (tests/test_review_curation.py)
    view = window.text_view
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(TEXT.index("Tuesday"))
    view.setTextCursor(cursor)
    for _ in range(len("Tuesday")):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.textCursor().selectedText() == "Tuesday"
    qtbot.keyClick(view, Qt.Key.Key_G)
    qtbot.keyClick(view, Qt.Key.Key_7)
    start = TEXT.index("Tuesday")
    assert (start, start + 7, "DATE", "review") in gold_spans(path)
    assert "2 disagreement(s) left" in window.progress_label.text()
    # the reviewer's own span under the cursor goes with Shift+Delete (the candidates it rejected stay rejected)
    cursor = view.textCursor()
    cursor.setPosition(start + 2)
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert (start, start + 7, "DATE", "review") not in gold_spans(path)


def test_auto_accept_can_be_switched_off(cli, tmp_path, qtbot):
    path = build(cli, tmp_path, STANDARD)
    win = open_review_window(path, "d1", auto_accept=False)
    qtbot.addWidget(win)
    assert gold_spans(path) == []
    assert win.unit_table.item(0, 0).text() == "agreed"
    qtbot.keyClick(win.unit_table, Qt.Key.Key_A)
    assert gold_spans(path) == [(0, 7, "ORG", "alice,bob")]
    win.close()


def test_article_text_is_plain_text(cli, tmp_path, qtbot):
    text = "<b>Taliban</b> &amp; <script>x</script> fighters"
    lines = [
        {
            "id": "h1",
            "text": text,
            "annotator": who,
            "status": "done",
            "spans": [{"start": 3, "end": 10, "label": label}],
        }
        for who, label in (("alice", "ORG"), ("bob", "NORP"))
    ]
    path = build(cli, tmp_path, lines, "html")
    win = open_review_window(path, "h1")
    qtbot.addWidget(win)
    assert win.text_view.toPlainText() == text
    assert win.unit_table.item(0, 3).text() == "ORG “Taliban” 3–10"
    win.close()


def test_offsets_with_emoji_and_crlf(cli, tmp_path, qtbot):
    """Qt counts UTF-16 units and folds CRLF: a span selected after both lands on the right code points."""
    text = "Rebels 😀🔥 struck.\r\nThe city of Herat fell."
    herat = text.index("Herat")
    lines = [
        {"id": "e1", "text": text, "annotator": who, "status": "done", "spans": spans}
        for who, spans in (
            ("alice", [{"start": 0, "end": 6, "label": "NORP"}]),
            ("bob", [{"start": 0, "end": 6, "label": "ORG"}]),
        )
    ]
    path = build(cli, tmp_path, lines, "emoji")
    win = open_review_window(path, "e1")
    qtbot.addWidget(win)
    view = win.text_view
    view.setFocus()
    # find "Herat" in the widget's own text and select it with the keyboard
    qt_text = view.toPlainText()
    cursor = view.textCursor()
    cursor.setPosition(len(qt_text[: qt_text.index("Herat")].encode("utf-16-le")) // 2)
    view.setTextCursor(cursor)
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.textCursor().selectedText() == "Herat"
    qtbot.keyClick(view, Qt.Key.Key_G)
    qtbot.keyClick(view, Qt.Key.Key_4)  # GPE
    with Project.open(path, readonly=True) as p:
        spans = [(s.start, s.end, s.label) for s in p.annotation("e1", GOLD).spans]
    assert (herat, herat + 5, "GPE") in spans
    assert text[herat : herat + 5] == "Herat"
    win.close()
