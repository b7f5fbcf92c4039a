"""Starting the window: the QApplication, the annotator's identity, the smoke test used by packaging."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from annotator import settings
from annotator.core.errors import AnnotatorError


def ensure_app():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("annotator")
        app.setOrganizationName("annotator")
        app.setDesktopFileName("annotator")  # matches resources/annotator.desktop
        _set_icon(app)
    return app


def _set_icon(app) -> None:
    from PySide6.QtGui import QIcon, QPixmap

    from annotator.data import icon_png

    data = icon_png()
    if data:
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        app.setWindowIcon(QIcon(pixmap))


ANNOTATOR_ENV = "ANNOTATOR_NAME"  # the annotator's name for scripts, tests and shared accounts


def resolve_annotator(annotator: str | None, parent=None, *, ask: bool = True) -> str | None:
    """The given name, else $ANNOTATOR_NAME, else the remembered one, else ask (first launch); a given or
    answered name is remembered for next time."""
    from_env = (os.environ.get(ANNOTATOR_ENV) or "").strip()
    name = annotator or from_env or settings.annotator_name()
    remember = bool(annotator)
    if name is None and ask:
        from annotator.gui import dialogs

        dialogs.reset_answered_by_default()
        name = dialogs.ask_annotator(parent)
        # without a screen nobody may answer: the login name it then gives is no choice worth remembering
        remember = not dialogs.answered_by_default()
    if name and remember and settings.annotator_name() is None:
        settings.set_annotator_name(name)
    return name


def open_window(
    project_path: str | Path,
    annotator: str | None = None,
    document_id: str | None = None,
    *,
    on_locked: str = "ask",
    auto_suggest: bool | None = None,
):
    """Open the annotation window on a project and return it, shown (creating the QApplication if needed).

    on_locked: what to do when another running window holds the project: "ask", "readonly" or "refuse".
    auto_suggest: start computing missing suggestions in a separate process (default: unless
    ANNOTATOR_NO_AUTO_SUGGEST=1).
    """
    ensure_app()
    from annotator.core.project import Project
    from annotator.core.validation import check_annotator_name
    from annotator.gui.main_window import MainWindow

    name = resolve_annotator(annotator)
    if not name:
        raise AnnotatorError("no annotator name given: the window needs to know whose work it shows")
    check_annotator_name(name)  # the same rule as everywhere: no padded, invisible or reserved (gold) names
    Project.open(project_path, readonly=True).close()  # a clear error before any window appears
    window = MainWindow(project_path, name, on_locked=on_locked, auto_suggest=auto_suggest, document_id=document_id)
    window.show()
    window.activateWindow()
    return window


def run(project: str | None, annotator: str | None = None, smoke_test: bool = False) -> int:
    """`annotator gui` / `annotator demo`: run the window until it is closed; returns the exit code."""
    if smoke_test:
        return smoke(project, annotator)
    app = ensure_app()
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from annotator.gui.plain import show_message

    if project is None:
        project, _ = QFileDialog.getOpenFileName(
            None, "Open project", "", "Annotator projects (*.annotator);;All files (*)"
        )
        if not project:
            return 0
    try:
        window = open_window(project, annotator)
    except AnnotatorError as exc:
        show_message(None, "annotator", str(exc), QMessageBox.Critical)
        print(f"annotator: {exc}", file=sys.stderr)
        return 1
    code = app.exec()
    window.close_project()
    return code


def smoke(project: str | None, annotator: str | None) -> int:
    """Open offscreen (read-only: the project is not changed), load one article and its suggestions, exit 0."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ensure_app()
    from annotator.gui.main_window import MainWindow

    if project is None:
        print("smoke test: no project given", file=sys.stderr)
        return 1
    window = MainWindow(
        project,
        annotator or settings.annotator_name() or "smoke-test",
        on_locked="readonly",
        auto_suggest=False,
        readonly=True,
    )
    window.show()
    state = window.session.state
    spans = len(state.items) if state else 0
    print(
        f"smoke test: opened {project}: article {state.document.id if state else None!r}, {spans} span(s)/suggestion(s)"
    )
    window.close()
    return 0 if state is not None else 1
