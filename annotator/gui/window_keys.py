"""Keys every secondary window (Review, Agreement) shares with the main one: Esc and Ctrl+W close it, Ctrl+Q quits
the program from any window (each window then closes; the main window closes its project and lock last)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from annotator.core import keymap


def quit_application() -> None:
    QApplication.closeAllWindows()


def add_window_keys(window: QWidget) -> None:
    close = QAction("Close window", window)
    close.setObjectName("actionCloseWindow")
    close.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence("Esc")])
    close.triggered.connect(window.close)
    quit_ = QAction("Quit", window)
    quit_.setObjectName("actionQuitAll")
    quit_.setShortcuts([QKeySequence(k) for k in keymap.keys_of("quit")])
    quit_.triggered.connect(quit_application)
    window.addAction(close)
    window.addAction(quit_)
