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


def export_jsonl(project_path: str | Path, out: str | Path, annotator: str | None, progress: Progress) -> str:
    """Every layer (or one annotator's) as JSONL: the lossless format, what `annotator export --format jsonl` writes."""
    from annotator.core.project import Project
    from annotator.formats.jsonl import annotation_to_json, document_to_json, write_jsonl

    with Project.open(project_path, readonly=True) as project:
        total = project.document_count()
        layers: dict[str, list[str]] = {}
        for doc_id, name in project.layers(annotator):
            layers.setdefault(doc_id, []).append(name)

        def rows():
            for i, doc in enumerate(project.iter_documents(), start=1):
                names = layers.get(doc.id, [])
                if not names and annotator is None:
                    yield document_to_json(doc)
                for name in names:
                    yield annotation_to_json(doc, project.annotation(doc.id, name))
                if i % 50 == 0 or i == total:
                    progress(i, total)

        tmp = Path(str(out) + ".part")
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            n = write_jsonl(rows(), fh)
        tmp.replace(out)
    return f"exported {n} line(s) to {out}"


def export_training(project_path: str | Path, out: str | Path, fmt: str, annotator: str, progress: Progress) -> str:
    """One annotator's layer as training data (spaCy DocBin, CoNLL-2003, CoNLL-U), with its alignment report."""
    from annotator.core.project import Project
    from annotator.formats.export import export_project

    with Project.open(project_path, readonly=True) as project:
        report = export_project(project, out, fmt, annotator=annotator, progress=progress)
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
