"""Keys every secondary window (Review, Agreement) shares with the main one: Esc and Ctrl+W close it, Ctrl+Q quits
the program from any window (each window then closes; the main window closes its project and lock last)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from annotator.core import keymap


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Size a window to (width, height) or the screen's available area, whichever is smaller, and put it on the
    screen: at 1366×768 every control must be reachable without moving the window."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    area = screen.availableGeometry()
    # leave room for the window manager's frame and title bar
    w, h = min(width, area.width() - 16), min(height, area.height() - 48)
    window.resize(max(w, 400), max(h, 300))
    window.move(
        area.x() + max(0, (area.width() - window.width()) // 2), area.y() + max(0, (area.height() - h - 40) // 2)
    )


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
