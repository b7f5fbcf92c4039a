"""`gui` and `demo`: open the annotation window (the demo on a project made from the sample articles)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from annotator import settings
from annotator.cli import add_command
from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document
from annotator.core.project import Project


def register(sub) -> None:
    p = add_command(sub, "gui", "Open the annotation window on a project.", "annotator gui war.annotator", cmd_gui)
    p.add_argument("project", nargs="?", help="project file (default: the most recent one)")
    p.add_argument("--annotator", help="annotate as this name (default: the remembered one)")
    p.add_argument("--smoke-test", action="store_true", help="open offscreen, load one article, exit 0")

    p = add_command(
        sub,
        "demo",
        "Create (once) a demo project from the sample articles in your data folder and open it.",
        "annotator demo",
        cmd_demo,
    )
    p.add_argument("--no-gui", action="store_true", help="only create the project and print its stats")
    p.add_argument("--path", help="where to create the demo project (default: your data folder)")


def sample_documents() -> list[Document]:
    folder = resources.files("annotator.data").joinpath("samples")
    docs = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".txt"):
            docs.append(Document(id=item.name, text=item.read_text(encoding="utf-8"), meta={"source_file": item.name}))
    return docs


def demo_project(path: Path | None = None) -> Path:
    path = path or settings.data_dir() / "demo.annotator"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with Project.create(path) as project:
            import_records(project, (ImportRecord(d, path="samples") for d in sample_documents()))
    return path


def cmd_demo(args) -> int:
    path = demo_project(Path(args.path) if args.path else None)
    print(f"demo project: {path}")
    if args.no_gui or not _gui_available():
        _suggest(path)  # the window computes them in the background itself; here the stats should show them
        with Project.open(path, readonly=True) as project:
            print(json.dumps(project.stats(), ensure_ascii=False, indent=2))
        return 0
    return _run_gui(str(path), None, smoke_test=False)


def cmd_gui(args) -> int:
    project = args.project
    if project is None:
        recent = settings.recent_projects()
        project = recent[0] if recent else None
    if project is not None:
        Project.open(project, readonly=True).close()  # a clear error before any window appears
    if not _gui_available():
        print("the annotation window is not available in this version; use `annotator stats` meanwhile")
        return 0
    return _run_gui(project, args.annotator, smoke_test=args.smoke_test)


def _gui_available() -> bool:
    try:
        from annotator.gui import app  # noqa: F401
    except ImportError:
        return False
    return True


def _run_gui(project: str | None, annotator: str | None, smoke_test: bool) -> int:
    from annotator.gui.app import run

    return run(project, annotator=annotator, smoke_test=smoke_test)


def _suggest(path: Path) -> None:
    from annotator.nlp.runner import suggest_project

    with Project.open(path) as project:
        suggest_project(project, progress=None)
