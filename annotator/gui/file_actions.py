"""The File menu of the main window: new/open/recent projects, import (also by drag-and-drop), export, all long
work in background jobs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QProgressDialog

from annotator.core.errors import AnnotatorError
from annotator.core.project import Project
from annotator.gui import workers
from annotator.gui.plain import show_message

EXPORT_FILTERS = {
    "JSON lines: every annotator's layer, lossless (*.jsonl)": "jsonl",
    "spaCy DocBin: your layer, for training (*.spacy)": "spacy",
    "CoNLL-2003: your layer (*.conll)": "conll",
    "CoNLL-U: your layer (*.conllu)": "conllu",
    "Label Studio JSON: every annotator's layer (*.json)": "labelstudio",
    "doccano JSONL: your layer (*.jsonl)": "doccano",
    "brat standoff: your layer, a folder of .txt/.ann files (*)": "brat",
}
SUFFIXES = {"labelstudio": ".json", "doccano": ".jsonl", "brat": ""}


class FileActions:
    """Mixed into MainWindow (uses its project, documents, jobs and status bar)."""

    def _open_other(self, path: str | Path) -> None:
        try:
            self.open_project(path)
        except AnnotatorError as exc:
            show_message(self, "Cannot open project", str(exc))

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", "Annotator projects (*.annotator);;All files (*)"
        )
        if path:
            self._open_other(path)

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", "", "Annotator projects (*.annotator)")
        if not path:
            return
        if not path.endswith(".annotator"):
            path += ".annotator"
        try:
            Project.create(path).close()
        except AnnotatorError as exc:
            show_message(self, "Cannot create project", str(exc))
            return
        self._open_other(path)

    def choose_import(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import articles",
            "",
            "Articles and annotations (*.txt *.jsonl *.json *.csv *.tsv *.conll *.conllu *.spacy *.ann);;All files (*)",
        )
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[str]) -> workers.Job | None:
        if self.project is None or self.project.readonly:
            self.statusBar().showMessage("This project is open read-only: cannot import.", 6000)
            return None
        path = self.project.path
        job = workers.Job(lambda progress: workers.import_files(path, paths, progress), self)
        job.succeeded.connect(self._import_done)
        job.failed.connect(lambda msg: show_message(self, "Import failed", msg))
        self._run_job(job, "Importing…")
        return job

    def _import_done(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        self.documents.apply_filters()
        if self.session.state is None and self.documents.model.rowCount():
            self.open_document(self.documents.model.doc_id(0))  # type: ignore[arg-type]
        self.update_status()
        if self.auto_suggest and self._needs_suggestions():
            self.start_suggestions()

    def choose_export(self) -> None:
        out, chosen = QFileDialog.getSaveFileName(self, "Export annotations", "", ";;".join(EXPORT_FILTERS))
        if out:
            fmt = EXPORT_FILTERS.get(chosen, "jsonl")
            suffix = SUFFIXES.get(fmt, "." + fmt)
            dev = None
            if fmt == "spacy":  # training data: optionally hold out a share of the articles for evaluation
                share, ok = QInputDialog.getDouble(
                    self,
                    "Training split",
                    "Share of articles held out as the dev set (0: none; with a split the export is a folder with "
                    "train.spacy, dev.spacy and config.cfg):",
                    0.2,
                    0.0,
                    0.9,
                    2,
                )
                if not ok:
                    return
                dev = share or None
                if dev is not None:
                    suffix = ""
                    out = out.removesuffix(".spacy")
            if suffix and not out.endswith(suffix):
                out += suffix
            self.export_to(out, fmt=fmt, dev=dev)

    def export_to(
        self, out: str, annotator: str | None = None, fmt: str = "jsonl", dev: float | None = None
    ) -> workers.Job:
        """Export in the background: every layer (or `annotator`'s) for JSONL and Label Studio, else your layer."""
        assert self.project is not None
        path = self.project.path
        if fmt in ("jsonl", "labelstudio"):
            job = workers.Job(lambda progress: workers.export_layers(path, out, fmt, annotator, progress), self)
        else:
            who = annotator or self.annotator
            job = workers.Job(lambda progress: workers.export_training(path, out, fmt, who, progress, dev), self)
        job.succeeded.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        job.failed.connect(lambda msg: show_message(self, "Export failed", msg))
        self._run_job(job, "Exporting…")
        return job

    def _run_job(self, job: workers.Job, title: str) -> None:
        dialog = QProgressDialog(title, None, 0, 0, self)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(400)
        job.progress.connect(lambda done, total: (dialog.setMaximum(total), dialog.setValue(done)))
        job.finished.connect(dialog.close)
        job.finished.connect(lambda: self._job_finished(job))
        self.jobs.append(job)
        job.start()

    def _job_finished(self, job: workers.Job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        if not self.jobs:
            self.jobs_done.emit()

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)
