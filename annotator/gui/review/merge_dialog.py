"""File > Merge: bring annotators' project files into the open project (`annotator.core.merge`), off the UI thread."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from annotator.core.errors import AnnotatorError
from annotator.core.merge import MergeReport
from annotator.core.merge_undo import merge_recorded
from annotator.core.project import Project


class MergeJob(QThread):
    merged = Signal(object, object)  # MergeReport, Changes (for the undo stack)
    failed = Signal(str)

    def __init__(self, project_path: str | Path, others: list[str], add_documents: bool, parent=None):
        super().__init__(parent)
        self.project_path, self.others, self.add_documents = project_path, others, add_documents

    def run(self) -> None:
        try:
            with Project.open(self.project_path) as project:
                report, changes = merge_recorded(project, self.others, add_documents=self.add_documents)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception:  # a bug: show it rather than lose it in a thread
            self.failed.emit(traceback.format_exc())
        else:
            self.merged.emit(report, changes)


def describe(report: MergeReport) -> str:
    lines = [report.summary()]
    for c in report.conflicts:
        lines.append(
            f"conflict: {c.document_id} by {c.annotator}: kept this project's; {Path(c.file).name}'s version is "
            f"the layer {c.stored_as}"
        )
    lines += [f"missing: {doc} (from {Path(f).name})" for f, doc in report.missing]
    lines += [f"skipped, same id with another text: {doc} (from {Path(f).name})" for f, doc in report.id_clashes]
    lines += [f"matched by text: {o} is {p} (from {Path(f).name})" for f, o, p in report.matched_by_text]
    return "\n".join(lines)


class MergeDialog(QDialog):
    """Choose project files, optionally add missing articles, merge; the outcome is shown as plain text."""

    finished_merge = Signal(object)  # MergeReport, or None after an error
    recorded = Signal(object)  # the merge's Changes: the main window puts them on its undo stack

    def __init__(self, project_path: str | Path, parent=None):
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(f"Merge project files into {Path(project_path).name}")
        self.resize(640, 420)
        self.project_path = project_path
        self.job: MergeJob | None = None
        self.files = QListWidget(objectName="mergeFiles")
        add = QPushButton("Add files…")
        add.clicked.connect(self._browse)
        self.add_documents = QCheckBox("Add articles this project lacks (otherwise they are only reported)")
        self.outcome = QPlainTextEdit(objectName="mergeOutcome")
        self.outcome.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.merge_button = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.ActionRole)
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.clicked.connect(self.merge)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Annotators' project files (opened read-only):"))
        row.addStretch(1)
        row.addWidget(add)
        box.addLayout(row)
        box.addWidget(self.files)
        box.addWidget(self.add_documents)
        box.addWidget(self.outcome)
        box.addWidget(buttons)

    def add_files(self, paths: list[str | Path]) -> None:
        known = {self.files.item(i).text() for i in range(self.files.count())}
        for path in paths:
            if str(path) not in known:
                self.files.addItem(str(path))

    def _browse(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Project files to merge", "", "Annotator projects (*.annotator);;All files (*)"
        )
        self.add_files(paths)

    def merge(self) -> None:
        others = [self.files.item(i).text() for i in range(self.files.count())]
        if not others or (self.job is not None and self.job.isRunning()):
            return
        self.merge_button.setEnabled(False)
        self.outcome.setPlainText("merging…")
        self.job = MergeJob(self.project_path, others, self.add_documents.isChecked(), self)
        self.job.merged.connect(self._merged)
        self.job.failed.connect(self._failed)
        self.job.start()

    def _merged(self, report: MergeReport, changes) -> None:
        self.recorded.emit(changes)
        self.outcome.setPlainText(describe(report) + "\n\n(Edit > Undo takes the whole merge back.)")
        self.merge_button.setEnabled(True)
        self.finished_merge.emit(report)

    def _failed(self, message: str) -> None:
        self.outcome.setPlainText(f"Nothing was merged: {message}")
        self.merge_button.setEnabled(True)
        self.finished_merge.emit(None)

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.wait()
        super().done(result)


def add_merge_action(
    menu,
    project_path: Callable[[], str | Path | None],
    on_merged: Callable[[object], None] | None = None,
    on_recorded: Callable[[object], None] | None = None,
):
    """Add "Merge project files…" to a menu (the main window's File menu); `on_merged(report)` lets the window
    refresh what it shows. Returns the action."""
    from PySide6.QtGui import QAction

    action = QAction("Merge project files…", menu)

    def run() -> None:
        path = project_path()
        if not path:
            return
        holder = menu.parentWidget() if hasattr(menu, "parentWidget") else None
        dialog = MergeDialog(path, holder.window() if holder is not None else None)
        if on_recorded is not None:
            dialog.recorded.connect(on_recorded)
        if on_merged is not None:
            dialog.finished_merge.connect(lambda report: report is not None and on_merged(report))
        dialog.open()

    action.triggered.connect(run)
    menu.addAction(action)
    return action
