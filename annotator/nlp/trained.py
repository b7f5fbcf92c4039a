"""Where a project's trained model lives and whether it is usable, without importing spaCy (the suggestion runner
asks this before deciding whether anything needs computing)."""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import ModelError
from annotator.core.project import Project


def models_folder(project: Project) -> Path:
    """`PROJECT.models/` beside the project file: trained pipelines live there, never inside the file."""
    path = project.path.resolve()
    return path.with_name(path.name + ".models")


def trained_model(project: Project) -> tuple[Path, dict] | None:
    """The project's current trained model (folder, its recorded run), or None if it has never been trained. A
    folder that is missing or damaged (a project copied without PROJECT.models) raises ModelError saying the
    base pipeline is used instead."""
    run = project.latest_training()
    if run is None:
        return None
    folder = Path(run["folder"])
    if not (folder / "meta.json").is_file() or not (folder / "config.cfg").is_file():
        raise ModelError(
            f"{folder}: the trained model of this project is missing or damaged; suggestions use the base "
            "pipeline (train again with `annotator train`)"
        )
    return folder, run
