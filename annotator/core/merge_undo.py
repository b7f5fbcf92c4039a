"""A merge as one undoable operation: the layers of the other files' annotators, the scheme and the added
articles are captured before and after (see `annotator.core.operations`), so the window can undo a merge."""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.merge import MergeReport, merge_projects, save_report
from annotator.core.model import CONFLICT_MARK
from annotator.core.operations import Changes, Layer, record
from annotator.core.project import Project


def _their_annotators(others: list[str | Path]) -> set[str]:
    names: set[str] = set()
    for path in others:
        try:
            with Project.open(path, foreign=True) as other:
                names.update(other.annotators())
        except AnnotatorError as exc:
            raise ProjectError(f"cannot merge {path}: {exc}") from None
    return names


def merge_recorded(
    project: Project, others: list[str | Path], add_documents: bool = False
) -> tuple[MergeReport, Changes]:
    """`merge_projects`, recorded so that `operations.undo(project, changes)` takes it back exactly."""
    names = _their_annotators(others)

    def layers() -> list[Layer]:
        # the merge may add conflict layers (alice@conflict-2): taken back with the rest
        mine = [n for n in project.annotators() if n.split(CONFLICT_MARK, 1)[0] in names]
        return [layer for name in sorted(names | set(mine)) for layer in project.layers(name)]

    files = ", ".join(Path(p).name for p in others)
    report, changes = record(
        project,
        f"Merge {files}",
        lambda: merge_projects(project, others, add_documents=add_documents, write=False),
        layers,
        scheme=True,
        documents=add_documents,
        name="merge",
    )
    save_report(report, project.path)
    return report, changes
