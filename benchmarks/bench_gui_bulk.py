"""Bulk actions in the window on a long article (issue 16): Shift+A (accept all) on a 115 KB article with 2,000
suggestions, its undo and its redo, each with the commit and the repaint; baseline in the same run: opening and
painting the same article (the window's cost of showing every span once).

usage: PYTHONPATH=. python benchmarks/bench_gui_bulk.py [--rounds N]    (target: each bulk action under 0.5 s)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ANNOTATOR_NO_AUTO_SUGGEST", "1")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document, Span, Suggestions
from annotator.core.project import Project
from annotator.gui import open_window
from annotator.gui.app import ensure_app
from annotator.store import documents as doc_store
from annotator.store.suggestions import write_suggestions

WORDS = [
    "Taliban",
    "Kabul",
    "attack",
    "the",
    "of",
    "government",
    "forces",
    "Herat",
    "Kandahar",
    "city",
    "said",
    "officials",
    "on",
    "Tuesday",
]


def build(path: Path, n_suggestions: int) -> None:
    rng = random.Random(0)
    text = " ".join(rng.choice(WORDS) for _ in range(19_000))[:115_000]
    starts = sorted(rng.sample([i for i in range(1, len(text)) if text[i - 1] == " "], n_suggestions))
    spans = []
    for s in starts:
        e = text.find(" ", s)
        spans.append(Span(s, e if e > 0 else len(text), "GPE", source="model"))
    with Project.create(path) as project:
        import_records(project, [ImportRecord(Document("long", text)), ImportRecord(Document("short", "Kabul."))])
        with project.transaction():
            write_suggestions(project.db, Suggestions("long", "m@1", spans), doc_store.text_hash(text))
            project.set_setting("suggestion_model", "m@1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = ensure_app()
    figures: dict[str, list[float]] = {"open + paint (baseline)": [], "Shift+A": [], "undo": [], "redo": []}
    for _ in range(args.rounds):
        path = Path(tempfile.mkdtemp()) / "bulk.annotator"
        build(path, 2000)
        window = open_window(path, "bench", "short")
        view = window.view
        app.processEvents()

        def timed(name: str, action, view=view) -> None:
            t = time.perf_counter()
            action()
            app.processEvents()
            view.viewport().repaint()
            figures[name].append(time.perf_counter() - t)

        timed("open + paint (baseline)", lambda w=window: w.open_document("long"))
        assert len(window.session.state.suggestions()) == 2000
        timed("Shift+A", lambda v=view: QTest.keyClick(v, Qt.Key_A, Qt.ShiftModifier))
        assert not window.session.state.suggestions()
        timed("undo", lambda v=view: QTest.keyClick(v, Qt.Key_Z, Qt.ControlModifier))
        assert len(window.session.state.suggestions()) == 2000
        timed("redo", lambda v=view: QTest.keyClick(v, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier))
        window.close()
    base = statistics.median(figures["open + paint (baseline)"])
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"{name:<24} median {median * 1000:7.0f} ms  ({median / base:4.1f}x the baseline)  [bulk: < 500 ms]")


if __name__ == "__main__":
    main()
    os._exit(0)  # skip Qt's teardown of the closed windows
