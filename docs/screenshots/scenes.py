"""Set up the window for the README screenshots, then leave it open for `/work/shared/tools/screenshot`.

usage: python docs/screenshots/scenes.py PROJECT SCENE   (SCENE: main, relabel, shortcuts)
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

os.environ.setdefault("ANNOTATOR_NO_AUTO_SUGGEST", "1")

from annotator.gui.app import ensure_app, open_window


def main() -> int:
    project, scene = sys.argv[1], sys.argv[2]
    app = ensure_app()
    window = open_window(project, "alice", on_locked="readonly" if scene == "shortcuts" else "ask")
    view = window.session.view

    def act() -> None:
        view.setFocus()
        if scene == "main":
            for _ in range(6):
                QTest.keyClick(view, Qt.Key_Tab)  # focus the first open suggestion
        elif scene == "relabel":
            QTest.keyClick(view, Qt.Key_Tab)
            QTest.keyClick(view, Qt.Key_Tab)
            QTest.keyClick(view, Qt.Key_Tab)  # the confirmed NORP span "Afghan"
            QTest.keyClick(view, Qt.Key_3)  # relabel it as ORG
        elif scene == "shortcuts":
            window.show_shortcuts()

    QTimer.singleShot(600, act)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
