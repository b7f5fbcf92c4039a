"""The Review window as a curation page, with real key and mouse events: every annotator's version drawn side by
side (two or four columns, more to choose from), the gold column, digits that only take versions (even with text
selected), the reviewer's own gold span with G + label key snapped to words, undo, scrolling together, the
status bar confirming each decision, and all of it inside the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTableWidget

from annotator.core.model import GOLD
from annotator.core.project import Project
from annotator.gui.review import open_review_window
from annotator.gui.review.review_keys import REVIEW_KEYS
from tests.test_agreement_spans import build

TEXT = "The Taliban attacked Defense Minister Bismillah Mohammadi in Kabul on Tuesday night, officials said."


def at(needle: str, label: str, text: str = TEXT) -> dict:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "label": label}


def layer(who: str, spans: list[dict], text: str = TEXT, doc: str = "c1") -> dict:
    return {"id": doc, "text": text, "annotator": who, "status": "done", "spans": spans}


TWO = [
    layer(
        "alice",
        [
            at("Taliban", "ORG"),
            at("Defense Minister Bismillah Mohammadi", "PERSON"),
            at("Kabul", "GPE"),
            at("Tuesday night", "TIME"),
        ],
    ),
    layer(
        "bob", [at("Taliban", "ORG"), at("Bismillah Mohammadi", "PERSON"), at("Kabul", "LOC"), at("Tuesday", "DATE")]
    ),
]
FOUR = [
    *TWO,
    layer("carol", [at("Taliban", "ORG"), at("Bismillah Mohammadi", "PERSON"), at("Kabul", "GPE")]),
    layer("dave", [at("Taliban", "ORG"), at("Minister Bismillah Mohammadi", "PERSON"), at("Kabul", "FAC")]),
]


def open_on(cli, tmp_path: Path, qtbot, lines: list[dict], doc: str = "c1"):
    path = build(cli, tmp_path, lines, "curation")
    win = open_review_window(path, doc)
    qtbot.addWidget(win)
    if win.counting:
        with qtbot.waitSignal(win.counts_ready, timeout=20000):
            pass
    return win


def gold(win) -> list[tuple[str, str, str]]:
    with Project.open(win.project.path, readonly=True) as p:
        return sorted((TEXT[s.start : s.end], s.label, s.source) for s in p.annotation("c1", GOLD).spans)


def where(win) -> str:
    unit = win.current_unit()
    return TEXT[unit.start : unit.end]


def message(win) -> str:
    return win.statusBar().currentMessage()


def test_two_annotators_side_by_side_settled_from_the_keyboard(cli, tmp_path, qtbot):
    win = open_on(cli, tmp_path, qtbot, TWO)
    views = win.curation.views()
    assert len(views) == 3  # alice, bob, gold
    assert [c.header.text() for c in win.curation.columns[:2]] == ["1 · alice · 4 spans", "2 · bob · 4 spans"]
    # each column draws its annotator's labels (as the main window: items with their labels, from the layer)
    assert {i.label for i in views[0]._items} == {"ORG", "PERSON", "GPE", "TIME"}
    assert {i.label for i in views[1]._items} == {"ORG", "PERSON", "LOC", "DATE"}
    assert [i.label for i in views[2]._items] == ["ORG"]  # gold: the agreed ORG, accepted on opening
    table = win.unit_table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        "state",
        "kind",
        "where",
        "1: alice",
        "2: bob",
        "gold",
    ]
    assert where(win) == "Defense Minister Bismillah Mohammadi"
    qtbot.keyClick(table, Qt.Key.Key_2)
    assert message(win) == "Gold: bob's version of ‘Defense Minister Bismillah Mohammadi’ taken"
    assert where(win) == "Kabul"
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert message(win) == "Gold: alice's version of ‘Kabul’ taken"
    assert where(win) == "Tuesday night"
    qtbot.keyClick(table, Qt.Key.Key_X)
    assert message(win) == "Gold: every version of ‘Tuesday night’ rejected"
    assert "0 disagreement(s) left in this article" in win.progress_label.text()
    assert gold(win) == [
        ("Bismillah Mohammadi", "PERSON", "bob"),
        ("Kabul", "GPE", "alice"),
        ("Taliban", "ORG", "alice,bob"),
    ]
    assert {i.label for i in views[2]._items} == {"ORG", "PERSON", "GPE"}  # the gold column follows
    win.close()


def test_four_annotators_and_choosing_four_of_five(cli, tmp_path, qtbot):
    win = open_on(cli, tmp_path, qtbot, FOUR)
    assert len(win.curation.views()) == 5
    assert not win.chooser.isVisible() or win.chooser.isHidden()
    assert where(win) == "Defense Minister Bismillah Mohammadi"
    qtbot.keyClick(win.unit_table, Qt.Key.Key_4)  # dave's "Minister Bismillah Mohammadi"
    assert message(win) == "Gold: dave's version of ‘Defense Minister Bismillah Mohammadi’ taken"
    qtbot.keyClick(win.unit_table, Qt.Key.Key_3)  # carol's GPE Kabul (alice's too)
    assert ("Kabul", "GPE", "alice,carol") in gold(win)
    assert ("Minister Bismillah Mohammadi", "PERSON", "dave") in gold(win)
    win.close()

    five = [*FOUR, layer("erin", [at("Taliban", "ORG"), at("Kabul", "GPE")])]
    (tmp_path / "five").mkdir()
    win = open_on(cli, tmp_path / "five", qtbot, five)
    win.show()
    qtbot.waitExposed(win)
    assert win.shown == ["alice", "bob", "carol", "dave"]
    assert not win.chooser.isHidden()
    from PySide6.QtWidgets import QCheckBox

    boxes = {b.text(): b for b in win.chooser.findChildren(QCheckBox)}
    assert not boxes["erin"].isEnabled()  # four already shown
    qtbot.mouseClick(boxes["bob"], Qt.MouseButton.LeftButton)  # hide bob: erin can come in
    qtbot.mouseClick(boxes["erin"], Qt.MouseButton.LeftButton)
    assert win.shown == ["alice", "carol", "dave", "erin"]
    assert win.curation.columns[3].header.text().startswith("4 · erin")
    assert win.unit_table.horizontalHeaderItem(6).text() == "4: erin"
    qtbot.keyClick(win.unit_table, Qt.Key.Key_4)  # the digit follows the column: erin's nothing here
    assert message(win) == "Gold: erin's version of ‘Defense Minister Bismillah Mohammadi’ taken (nothing there)"
    win.close()


def test_a_digit_with_a_word_selected_takes_a_version_and_makes_no_gold_span(cli, tmp_path, qtbot):
    """The issue's trap: double-click a word to look at it, press 1. The click selects the word's unit, 1 takes
    annotator 1's version of it, and no gold span of the reviewer's own appears."""
    win = open_on(cli, tmp_path, qtbot, TWO)
    bob_view = win.curation.views()[1]
    qt = win.positions.to_qt(TEXT.index("Kabul") + 2)
    cursor = bob_view.textCursor()
    cursor.setPosition(qt)
    point = bob_view.cursorRect(cursor).center()
    qtbot.mouseDClick(bob_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert bob_view.textCursor().selectedText() == "Kabul"
    assert where(win) == "Kabul"  # clicking a span selected its unit in the list
    qtbot.keyClick(bob_view, Qt.Key.Key_1)
    assert message(win) == "Gold: alice's version of ‘Kabul’ taken"
    spans = gold(win)
    assert ("Kabul", "GPE", "alice") in spans
    assert not [s for s in spans if s[2] == "review"]
    win.close()


def test_own_gold_span_with_g_then_label_key_snaps_to_words(cli, tmp_path, qtbot):
    win = open_on(cli, tmp_path, qtbot, TWO)
    view = win.text_view
    start = TEXT.index("nse Mini")
    qt = win.positions.to_qt
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(qt(start))
    cursor.setPosition(qt(start + len("nse Mini")), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert message(win).startswith("Gold span “Defense Minister”: press a label key (1 PERSON")
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # Esc cancels G (and leaves the window open)
    assert message(win) == "Gold span cancelled" and win.isVisible()
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_G)
    qtbot.keyClick(view, Qt.Key.Key_1)  # PERSON's key
    assert ("Defense Minister", "PERSON", "review") in gold(win)
    assert message(win) == "Gold: own span PERSON “Defense Minister” added"
    # G without a selection says what to do and changes nothing
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert message(win) == "Select words in any column first, then press G and a label key"
    assert win.pending_gold is None
    win.close()


def test_every_decision_is_undone_and_redone_with_the_status_bar_saying_so(cli, tmp_path, qtbot):
    win = open_on(cli, tmp_path, qtbot, TWO)
    table = win.unit_table
    before = gold(win)
    qtbot.keyClick(table, Qt.Key.Key_2)
    taken = gold(win)
    assert taken != before
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(win) == before
    assert message(win) == "Undone: bob's version of ‘Defense Minister Bismillah Mohammadi’ taken"
    assert [i.label for i in win.text_view._items] == ["ORG"]  # the gold column shows the undo
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert gold(win) == taken
    assert message(win) == "Redone: bob's version of ‘Defense Minister Bismillah Mohammadi’ taken"
    # Backspace reopens the current unit (itself an undoable decision)
    row = next(r for r, u in enumerate(win.review.units) if u.start == TEXT.index("Defense"))
    table.setCurrentCell(row, 0)
    qtbot.keyClick(table, Qt.Key.Key_Backspace)
    assert gold(win) == before
    assert message(win) == "Gold: decision on ‘Defense Minister Bismillah Mohammadi’ reopened"
    win.close()


def test_the_columns_scroll_together(cli, tmp_path, qtbot):
    long_text = "\n\n".join([TEXT] * 60)
    spans = [at("Taliban", "ORG", long_text), at("Kabul", "GPE", long_text)]
    lines = [layer("alice", spans, long_text), layer("bob", spans[:1], long_text)]
    win = open_on(cli, tmp_path, qtbot, lines)
    win.show()
    qtbot.waitExposed(win)
    views = win.curation.views()
    bars = [v.verticalScrollBar() for v in views]
    assert bars[0].maximum() > 0
    assert {v.viewport().width() for v in views} == {views[0].viewport().width()}  # equal columns
    # Qt lays long documents out in steps (on a timer): once done, every column is equally tall
    qtbot.waitUntil(lambda: len({b.maximum() for b in bars}) == 1, timeout=5000)
    for source in (0, 1, 2):
        bars[source].setValue(bars[source].maximum() // (source + 2))
        assert {b.value() for b in bars} == {bars[source].value()}
    win.close()


def test_everything_fits_the_screen_with_four_annotators(cli, tmp_path, qtbot):
    win = open_on(cli, tmp_path, qtbot, FOUR)
    win.show()
    qtbot.waitExposed(win)
    area = win.screen().availableGeometry()
    assert win.width() <= area.width() and win.height() <= area.height()
    inside = QRect(QPoint(0, 0), win.size())
    parts = [*(c for c in win.curation.columns), win.curation.gold, win.unit_table, win.doc_list, win.statusBar()]
    parts += [win.findChild(type(win.progress_label), "reviewHelp")]
    for widget in parts:
        rect = QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())
        assert inside.contains(rect), (widget.objectName(), rect, inside)
        assert rect.width() >= 100 and rect.height() >= 15, (widget.objectName(), rect)
    widths = {c.view.width() for c in [*win.curation.columns, win.curation.gold]}
    assert max(widths) - min(widths) <= 4  # equal columns
    win.close()


def test_the_keys_are_documented_in_the_window_and_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for keys, what in REVIEW_KEYS:
        assert f"| {keys} | {what} |" in readme, keys


@pytest.mark.parametrize("key", [Qt.Key.Key_1, Qt.Key.Key_2])
def test_a_digit_never_makes_a_gold_span_whatever_the_selection(cli, tmp_path, qtbot, key):
    win = open_on(cli, tmp_path, qtbot, TWO)
    view = win.text_view
    qt = win.positions.to_qt
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(qt(TEXT.index("officials")))
    cursor.setPosition(qt(TEXT.index("officials") + 9), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    qtbot.keyClick(view, key)
    assert not [s for s in gold(win) if s[0] == "officials" or s[2] == "review"]
    assert message(win).startswith("Gold: " + ("alice" if key == Qt.Key.Key_1 else "bob"))
    win.close()


def test_a_stance_target_shows_each_columns_value_and_evidence(cli, tmp_path, qtbot):
    quote = {"start": TEXT.index("officials"), "end": TEXT.index("officials") + 9}
    lines = [
        {**layer("alice", [at("Taliban", "ORG")]), "stance": {"Taliban": "against"}},
        {
            **layer("bob", [at("Taliban", "ORG")]),
            "stance": {"Taliban": "neutral"},
            "stance_evidence": {"Taliban": [quote]},
        },
    ]
    win = open_on(cli, tmp_path, qtbot, lines)
    unit = win.current_unit()
    assert (unit.kind, unit.target) == ("stance", "Taliban")
    columns = win.curation.columns
    assert columns[0].header.text().endswith("· Taliban: against")
    assert columns[1].header.text().endswith("· Taliban: neutral")
    assert win.curation.gold.header.text().endswith("· Taliban: —")
    assert [name for *_, name in columns[1].view._evidence] == ["Taliban"]
    qtbot.keyClick(win.unit_table, Qt.Key.Key_2)
    assert message(win) == "Gold: bob's version of ‘Taliban’ taken"
    with Project.open(win.project.path, readonly=True) as p:
        assert p.annotation("c1", GOLD).stance == {"Taliban": "neutral"}
    win.close()


def test_esc_cancels_g_first_then_closes_the_window(cli, tmp_path, qtbot):
    win = open_on(cli, tmp_path, qtbot, TWO)
    win.show()
    win.activateWindow()
    qtbot.waitActive(win)
    view = win.text_view
    view.setFocus()
    view.selectAll()
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert win.pending_gold is not None
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert win.pending_gold is None and win.isVisible()
    qtbot.keyClick(win.unit_table, Qt.Key.Key_Escape)
    assert not win.isVisible()


def test_an_article_nobody_annotated_opens_with_the_gold_column_only(cli, tmp_path, qtbot):
    path = build(cli, tmp_path, [{"id": "n1", "text": TEXT}], "nobody")
    win = open_review_window(path, "n1")
    qtbot.addWidget(win)
    assert win.shown == [] and len(win.curation.views()) == 1
    qtbot.keyClick(win.unit_table, Qt.Key.Key_1)
    assert message(win) == ""  # no unit: nothing to take, nothing written
    dialog = win.show_keys()  # Review > Keys of the Review window (F1): the whole table
    assert dialog.findChild(QTableWidget).rowCount() == len(REVIEW_KEYS)
    dialog.close()
    win.close()
