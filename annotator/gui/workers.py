"""Long jobs (export, import) off the UI thread, each on its own connection to the project file.

A job is a plain function taking a `progress(done, total)` callback, so the CLI and the window can share it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from annotator.core.errors import AnnotatorError

Progress = Callable[[int, int], None]


class Job(QThread):
    progress = Signal(int, int)
    succeeded = Signal(str)
    failed = Signal(str)

    def __init__(self, func: Callable[[Progress], str], parent=None):
        super().__init__(parent)
        self.func = func

    def run(self) -> None:
        try:
            message = self.func(self.progress.emit)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception:  # a bug: show the traceback rather than losing it in a thread
            self.failed.emit(traceback.format_exc())
        else:
            self.succeeded.emit(message)


def export_layers(
    project_path: str | Path, out: str | Path, fmt: str, annotator: str | None, progress: Progress
) -> str:
    """Every layer (or one annotator's) as JSONL (lossless) or Label Studio JSON. The save dialog has asked
    before replacing a file, so an existing one is replaced (through a temporary file, as every export)."""
    from annotator.core.project import Project
    from annotator.formats.export import export_project

    with Project.open(project_path, readonly=True) as project:
        report = export_project(project, out, fmt, annotator=annotator, progress=progress, force=True, all_layers=True)
    return report.summary()


def export_jsonl(project_path: str | Path, out: str | Path, annotator: str | None, progress: Progress) -> str:
    return export_layers(project_path, out, "jsonl", annotator, progress)


def export_training(
    project_path: str | Path, out: str | Path, fmt: str, annotator: str, progress: Progress, dev: float | None = None
) -> str:
    """One annotator's layer: training data (spaCy DocBin, CoNLL-2003, CoNLL-U; `dev`: the share of articles
    held out for evaluation, spaCy only, written as a folder with train.spacy, dev.spacy and config.cfg) or
    brat/doccano files."""
    from annotator.core.project import Project
    from annotator.formats.export import export_project

    with Project.open(project_path, readonly=True) as project:
        report = export_project(project, out, fmt, annotator=annotator, dev=dev, progress=progress, force=True)
    return report.summary()


def build_search_index(project_path: str | Path, progress: Progress, stop: Callable[[], bool]) -> str:
    """The full-text index of a large project, built in chunks on its own connection."""
    from annotator.core.project import Project

    with Project.open(project_path) as project:
        project.build_search_index(progress, stop)
    return "search index ready"


def import_files(project_path: str | Path, paths: list[str], progress: Progress) -> str:
    """Import files and folders (any format `annotator import` reads) in one transaction."""
    from annotator.core.importing import import_records
    from annotator.core.project import Project
    from annotator.formats import read_paths

    skipped: list[str] = []
    with Project.open(project_path) as project:
        report = import_records(project, read_paths(paths, skipped=skipped))
    report.skipped_files = skipped
    progress(1, 1)
    return report.summary()
