"""Small dialogs: who is annotating, the keyboard shortcuts, a project held by another window, the guidelines."""

from __future__ import annotations

import getpass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.scheme import Scheme
from annotator.gui.keys import SHORTCUTS
from annotator.gui.window_keys import fit_to_screen

UNANSWERED_MS = 3000  # without a screen, the name question answers itself (login name) after this long


class _Asked:
    by_default = False  # the last question was answered by the timeout (no screen), not by someone


def ask_annotator(parent: QWidget | None, current: str | None = None, known: list[str] | None = None) -> str | None:
    """Ask for the annotator's name (first launch, or Annotator > Switch annotator).

    Without a screen (offscreen: tests, packaging checks) nobody may be there to answer the modal dialog, which
    would then wait forever: after UNANSWERED_MS it answers itself with the current or login name (a test can still
    answer it sooner, or replace QInputDialog.getText)."""
    known = [n for n in (known or []) if n != "gold"]
    text = "Your name as an annotator (your work is stored under it; colleagues' layers stay separate):"
    timer = None
    _Asked.by_default = False
    if not can_ask():
        timer = QTimer(singleShot=True, interval=UNANSWERED_MS)
        timer.timeout.connect(lambda: _answer_by_default(current or login_name()))
        timer.start()
    try:
        while True:  # an empty name is no answer: ask again (Cancel is the way out)
            if known:
                name, ok = QInputDialog.getItem(
                    parent, "Annotator", text, known, known.index(current) if current in known else 0, True
                )
            else:
                # prefilled with the login name: Enter is enough on a first launch
                name, ok = QInputDialog.getText(parent, "Annotator", text, text=current or login_name())
            if not ok or name.strip():
                break
    finally:
        if timer is not None:
            timer.stop()
    name = name.strip() if ok else ""
    return name or None


def answered_by_default() -> bool:
    """Whether the last ask_annotator was answered by its timeout rather than by someone."""
    return _Asked.by_default


def reset_answered_by_default() -> None:
    _Asked.by_default = False


def _answer_by_default(name: str) -> None:
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, QInputDialog):
        _Asked.by_default = True
        dialog.setTextValue(name)
        dialog.accept()


def can_ask() -> bool:
    """False without a screen (the offscreen or minimal platform: tests, packaging checks)."""
    return QGuiApplication.platformName() not in ("offscreen", "minimal")


def login_name() -> str:
    try:
        return getpass.getuser().strip() or "annotator"
    except (OSError, KeyError):  # no login name (some containers)
        return "annotator"


class ShortcutsDialog(QDialog):
    def __init__(self, scheme: Scheme, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = list(SHORTCUTS)
        rows += [(e.key, f"Label: {e.label}") for e in scheme.entities if e.key]
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        for r, (keys, what) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(keys))
            table.setItem(r, 1, QTableWidgetItem(what))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        table.setWordWrap(False)
        table.verticalHeader().setDefaultSectionSize(24)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel("Select text in the article and press a label key. Everything is saved at once.")
        intro.setTextFormat(Qt.PlainText)
        layout.addWidget(intro)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.table = table
        fit_to_screen(self, 1000, 700)


def locked_choice(parent: QWidget | None, project: str, holder: str) -> str:
    """'readonly' or 'cancel' for a project another running window writes to (read-only without a screen, where
    nobody could answer)."""
    if not can_ask():
        return "readonly"
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Warning)
    box.setWindowTitle("Project in use")
    box.setTextFormat(Qt.PlainText)
    box.setText(
        f"{project} is open in {holder}.\n\nTwo windows writing to one project could lose work, so this window can "
        "open it read-only (you can look, not change), or not at all. Close the other window to annotate here."
    )
    readonly = box.addButton("Open read-only", QMessageBox.AcceptRole)
    box.addButton(QMessageBox.Cancel)
    box.exec()
    return "readonly" if box.clickedButton() is readonly else "cancel"


class GuidelinesDock(QDockWidget):
    def __init__(self, scheme: Scheme, parent: QWidget | None = None):
        super().__init__("Guidelines", parent)
        self.setObjectName("guidelinesDock")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)  # a link in a colleague's guidelines never loads a file or a page here
        self.set_scheme(scheme)
        self.setWidget(self.browser)

    def set_scheme(self, scheme: Scheme) -> None:
        # Guidelines are the project's own Markdown (not article text), so rendering it is intended.
        self.browser.setMarkdown(scheme.guidelines or "*This scheme has no guidelines.*")
