"""Review (adjudication into the gold layer) and the agreement view: windows the main window opens from its menu.

    open_review_window(project_path, document_id=None)   # the adjudication window, shown
    open_agreement_window(project_path)                   # the agreement view, shown
    add_review_menu(menu_bar, project_path, document_id)  # a "Review" menu for the main window
    add_merge_action(file_menu, project_path, on_merged)   # File > Merge project files…

Importing this package imports no Qt; the functions do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

_windows: list = []  # windows opened here stay alive until closed


def _ensure_app():
    from annotator.gui.app import ensure_app

    return ensure_app()


def _keep(window):
    from PySide6.QtCore import Qt

    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    _windows.append(window)
    window.destroyed.connect(lambda *_: _windows.remove(window) if window in _windows else None)
    return window


def open_review_window(project_path: str | Path, document_id: str | None = None, **options):
    """Open the review window on a project (at `document_id`, else the first article with a disagreement)."""
    from annotator.gui.review.review_window import ReviewWindow

    _ensure_app()
    window = ReviewWindow(project_path, document_id, **options)
    window.show()
    return window


def open_agreement_window(project_path: str | Path, review_options: dict | None = None, **options):
    """Open the agreement view; double-clicking an article opens it in the review window (with
    `review_options`, e.g. the main window's project and undo stack)."""
    from annotator.gui.review.agreement_view import AgreementWindow

    _ensure_app()
    window = AgreementWindow(project_path, **options)
    window.review_requested.connect(
        lambda doc_id: _keep(open_review_window(project_path, doc_id, **(review_options or {})))
    )
    window.show()
    return window


def close_windows() -> None:
    """Close every review and agreement window (the main window does so when it closes: Ctrl+Q ends it all)."""
    for window in list(_windows):
        window.close()


def add_review_menu(
    menu_bar,
    project_path: Callable[[], str | Path | None],
    document_id: Callable[[], str | None] | None = None,
    review_options: Callable[[], dict] | None = None,
):
    """Add a "Review" menu (review disagreements, agreement) to a window's menu bar; returns the menu.

    `project_path` and `document_id` are called when an action runs, so they follow the window's current project
    and article; `review_options()` gives the review window the main window's project and undo stack, so both
    windows share one way into the file and one undo history. The main window calls: `add_review_menu(self.menuBar(), lambda: self.project and
    self.project.path, lambda: self.current_document_id)`.
    """
    from PySide6.QtGui import QAction, QKeySequence

    menu = menu_bar.addMenu("&Review")

    def review() -> None:
        path = project_path()
        if path:
            options = review_options() if review_options else {}
            _keep(open_review_window(path, document_id() if document_id else None, **options))

    def agreement() -> None:
        path = project_path()
        if path:
            _keep(open_agreement_window(path, review_options() if review_options else None))

    review_action = QAction("Review disagreements…", menu)
    review_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
    review_action.triggered.connect(review)
    agreement_action = QAction("Agreement…", menu)
    agreement_action.setShortcut(QKeySequence("Ctrl+Shift+G"))
    agreement_action.triggered.connect(agreement)
    menu.addAction(review_action)
    menu.addAction(agreement_action)
    return menu


def add_merge_action(menu, project_path: Callable[[], str | Path | None], on_merged=None, on_recorded=None):
    """Add "Merge project files…" to a menu (File); see `annotator.gui.review.merge_dialog`."""
    from annotator.gui.review.merge_dialog import add_merge_action as add

    return add(menu, project_path, on_merged, on_recorded)


__all__ = ["add_merge_action", "add_review_menu", "close_windows", "open_agreement_window", "open_review_window"]
