"""The agreement view: computed off the UI thread, pairwise matrix, per-label bars, label confusion, stance, and
the articles ranked by disagreement opening the review window on double-click."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

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
    row = [win.confusion.item(0, c).text() for c in range(4)]
    assert row == ["entity", "DATE", "TIME", "1"]
    assert [win.articles.item(r, 0).text() for r in range(win.articles.rowCount())] == ["d1", "d2"]
    # units whose versions differ, as the review window counts them: GPE, DATE/TIME, the event, the stance
    assert win.articles.item(0, 1).text() == "4"
    stance = [win.stance.item(0, c).text() for c in range(6)]
    assert stance == ["stance", "Taliban", "1", "0.000", "0.000", "-1.000"]
    # double-clicking an article opens it for review (a real click first: item views pair it with the press)
    tabs = win.findChild(QTabWidget, "agreementTabs")
    tabs.setCurrentWidget(win.articles)
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
