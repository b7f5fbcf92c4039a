"""Where a project's trained model lives and whether it is usable, without importing spaCy (the suggestion runner
asks this before deciding whether anything needs computing)."""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import ModelError
from annotator.core.project import Project


class TrainedModelError(ModelError):
    """The project's trained model is missing or cannot be loaded: suggestions fall back to the base pipeline."""


def load_trained(folder: Path, disable: list[str]):
    """The trained pipeline, or TrainedModelError naming the folder if its files are damaged."""
    import spacy

    try:
        return spacy.load(folder, disable=disable)
    except Exception as exc:  # spaCy, thinc, srsly and the OS each raise their own on a damaged file
        raise TrainedModelError(
            f"{folder}: the trained model of this project cannot be loaded ({type(exc).__name__}: "
            f"{str(exc)[:200]}); suggestions use the base pipeline (train again with `annotator train`)"
        ) from exc


def models_folder(project: Project) -> Path:
    """`PROJECT.models/` beside the project file: trained pipelines live there, never inside the file."""
    path = project.path.resolve()
    return path.with_name(path.name + ".models")


def trained_model(project: Project) -> tuple[Path, dict] | None:
    """The project's current trained model (folder, its recorded run), or None if it has never been trained. A
    folder that is missing or damaged (a project copied without PROJECT.models) raises ModelError saying the
    base pipeline is used instead."""
    run = project.latest_training()
    return None if run is None else _usable(run)


def _usable(run: dict) -> tuple[Path, dict]:
    """The run's model folder, if its files are there (TrainedModelError if not)."""
    folder = Path(run["folder"])
    if not (folder / "meta.json").is_file() or not (folder / "config.cfg").is_file():
        raise TrainedModelError(
            f"{folder}: the trained model of this project is missing or damaged; suggestions use the base "
            "pipeline (train again with `annotator train`)"
        )
    return folder, run


def summary(project: Project) -> dict | None:
    """What `stats` and the window say about the project's trained model: which run, whether its folder is
    usable, and per entity label and event type the source suggestions come from, with the held-out F1 of each
    source. None if the project has never been trained."""
    run = project.latest_training()
    if run is None:
        return None
    try:
        _usable(run)
        state = "in use"
    except TrainedModelError:
        state = "missing or damaged: suggestions use the base pipeline"

    def sources(scores: dict, choice: dict) -> dict:
        return {
            name: {"source": choice.get(name), "f1": {src: prf.get("f1") for src, prf in by.items()}}
            for name, by in scores.items()
            if name in choice  # (a run of an earlier version kept the rules' argument scores alone)
        }

    return {
        "name": run["name"],
        "time": run.get("time"),
        "layer": run["layer"],
        "folder": run["folder"],
        "state": state,
        "base": run.get("base"),
        "train_documents": run["train_documents"],
        "dev_documents": run["dev_documents"],
        "entities": sources(run.get("scores", {}), run.get("choice", {})),
        "events": sources(run.get("events", {}), run.get("event_choice", {})),
        "arguments": sources(run.get("arguments", {}), run.get("argument_choice", {})),
        "stance": run.get("stance", {}),
    }


def summary_lines(info: dict) -> list[str]:
    """`summary` as lines of plain text: the run, then one line per label, event type and stance target."""

    def f1(value) -> str:
        return f"{value:.3f}" if isinstance(value, float) else "-"

    lines = [
        f"trained model {info['name']} ({info['state']}): layer {info['layer']!r}, {info['train_documents']} "
        f"article(s), {info['dev_documents']} held out"
        + (f", compared with {info['base']}" if info.get("base") else "")
        + (f", {info['time'][:16]}" if info.get("time") else "")
    ]
    kinds = (("entity", info["entities"]), ("trigger", info["events"]), ("argument", info.get("arguments", {})))
    for kind, rows in kinds:
        for name, row in rows.items():
            others = ", ".join(f"{src} {f1(v)}" for src, v in row["f1"].items())
            lines.append(f"  {kind} {name}: from {row['source']} (held-out F1: {others})")
    for target, acc in info["stance"].items():
        lines.append(
            f"  stance {target}: from trained (held-out accuracy {f1(acc['trained'])}, majority {f1(acc['majority'])})"
        )
    return lines
