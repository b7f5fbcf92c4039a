"""The agreement view: computed off the UI thread, pairwise matrix, per-label bars, label confusion, stance, and
the articles ranked by disagreement opening the review window on double-click."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.gui.review import _windows, add_review_menu, open_agreement_window
from tests.test_agreement_spans import STANDARD, build


def test_agreement_view(cli, tmp_path, qtbot):
    path = build(cli, tmp_path, STANDARD)
    win = open_agreement_window(path)
    qtbot.addWidget(win)
    if win.report is None:
        with qtbot.waitSignal(win.computed, timeout=20000):
            pass
    assert win.matrix.item(0, 1).text() == "0.333"  # alice / bob, exact
    assert win.matrix.verticalHeaderItem(1).text() == "bob"
    assert win.matrix.item(0, 0).text() == "—"  # an annotator is not compared with themself
    win.mode_box.setCurrentText("overlap")
    assert win.matrix.item(1, 0).text() == "0.667"
    win.mode_box.setCurrentText("exact")
    assert dict(win.label_bars()) == {"DATE": 0.0, "GPE": 0.0, "ORG": 1.0, "TIME": 0.0}
    assert win.bars.bars == win.label_bars()
    win.layer_box.setCurrentText("arguments")
    assert dict(win.label_bars()) == {"Attacker": 0.0, "Place": 1.0}
    assert win.heat.counts == {("DATE", "TIME"): 1}  # the heat map of label confusion
    assert [win.articles.item(r, 0).text() for r in range(win.articles.rowCount())] == ["d1", "d2"]
    # units whose versions differ, as the review window counts them: GPE, DATE/TIME, the event, the stance
    assert win.articles.item(0, 1).text() == "4"
    stance = [win.stance.item(0, c).text() for c in range(3)]
    assert stance == ["stance: Taliban", "1", "0.000"]
    assert win.stance.item(0, 3).text().startswith("0.000 [")  # alpha with its bootstrap interval
    assert win.stance.item(0, 4).text().startswith("-1.000 [")
    assert win.stance.horizontalHeaderItem(5).text() == "Cohen κ alice/bob"
    assert win.stance.item(0, 5).text() == "0.000 [0.00, 0.00]"
    # colour by Cohen's kappa of a stance target
    win.colour_box.setCurrentText("Cohen's κ: stance Taliban")
    assert win.matrix.item(0, 1).text() == "0.000"
    # double-clicking an article opens it for review (a real click first: item views pair it with the press)
    rect = win.articles.visualItemRect(win.articles.item(0, 0))
    before = len(_windows)
    with qtbot.waitSignal(win.review_requested) as blocker:
        qtbot.mouseClick(win.articles.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(win.articles.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["d1"]
    assert len(_windows) == before + 1
    review = _windows[-1]
    assert review.review.doc_id == "d1"
    review.close()
    win.close()


def test_unticked_annotator_is_excluded(cli, tmp_path, qtbot):
    from tests.test_agreement_ci import random_lines

    path = build(cli, tmp_path, random_lines(3), "three")
    win = open_agreement_window(path)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.report is not None, timeout=20000)
    assert win.report.annotators == ["alice", "bob", "carol"]
    assert list(win.checks) == ["alice", "bob", "carol"] and all(b.isChecked() for b in win.checks.values())
    assert win.matrix.rowCount() == 3
    with qtbot.waitSignal(win.computed, timeout=20000):
        win.checks["carol"].setChecked(False)
    assert win.report.annotators == ["alice", "bob"]
    assert win.matrix.rowCount() == 2 and win.matrix.verticalHeaderItem(1).text() == "bob"
    assert [(p.a, p.b) for p in win.report.entities["exact"].pairs] == [("alice", "bob")]
    assert all("carol" not in ann for ann in [win.pair_box.itemText(i) for i in range(win.pair_box.count())])
    assert all(len(r.cohen) == 1 for r in win.report.stance.values())
    # articles: only those done by both of the ticked annotators, narrowed by the filter
    both = set(win.report.documents)
    with qtbot.waitSignal(win.computed, timeout=20000):
        win.article_filter.setText("article 1:")  # titles hold "Article 1: word0 …"; case does not matter
    assert set(win.report.documents) == {"d1"} & both
    win.close()


def test_review_menu_for_the_main_window(cli, tmp_path, qtbot):
    from PySide6.QtWidgets import QMainWindow

    path = build(cli, tmp_path, STANDARD)
    main = QMainWindow()
    qtbot.addWidget(main)
    menu = add_review_menu(main.menuBar(), lambda: path, lambda: "d1")
    actions = {a.text(): a for a in menu.actions()}
    assert set(actions) == {"Review disagreements…", "Agreement…"}
    before = len(_windows)
    actions["Review disagreements…"].trigger()
    assert len(_windows) == before + 1 and _windows[-1].review.doc_id == "d1"
    _windows[-1].close()
    actions["Agreement…"].trigger()
    agreement = _windows[-1]
    with qtbot.waitSignal(agreement.computed, timeout=20000):
        pass
    agreement.close()


def test_merge_action_opens_the_dialog(cli, tmp_path, qtbot):
    from PySide6.QtWidgets import QApplication, QMainWindow

    from annotator.gui.review import add_merge_action

    path = build(cli, tmp_path, STANDARD)
    main = QMainWindow()
    qtbot.addWidget(main)
    file_menu = main.menuBar().addMenu("&File")
    action = add_merge_action(file_menu, lambda: path)
    assert action.text() == "Merge project files…"
    action.trigger()
    dialogs = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mergeDialog" and w.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].close()
