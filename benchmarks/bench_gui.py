"""Benchmark of the annotation window (offscreen): opening a long article, actions, switching, a huge project.

usage: python benchmarks/bench_gui.py    (prints figures; targets from the issue in brackets)
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_NO_AUTO_SUGGEST"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document, Span, Suggestions
from annotator.core.project import Project
from annotator.gui.app import ensure_app, open_window
from annotator.store import documents as doc_store
from annotator.store.suggestions import write_suggestions

WORDS = [
    "the",
    "Taliban",
    "fighters",
    "attacked",
    "Kabul",
    "on",
    "Tuesday",
    "while",
    "Afghan",
    "forces",
    "🔥",
    "defended",
    "Lashkar",
    "Gah",
    "and",
    "Herat",
]


def long_article(seed: int, n_words: int = 10_000) -> str:
    rng = random.Random(seed)
    out = []
    for i in range(n_words):
        out.append(rng.choice(WORDS))
        out.append("\r\n\r\n" if i % 120 == 119 else ("\u00a0" if i % 37 == 0 else " "))
    return "".join(out)


def spans_of(text: str, n: int, seed: int) -> list[tuple[int, int]]:
    import re

    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    step = len(words) // n
    return [words[i * step] for i in range(n)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


class Timer:
    """Wall-clock and this process's CPU time: the machine is shared, so CPU time shows our own cost."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> Timer:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall.append(time.perf_counter() - self._w)
        self.cpu.append(time.process_time() - self._c)

    def report(self) -> str:
        return f"median {ms(statistics.median(self.wall))} wall, {ms(statistics.median(self.cpu))} CPU"


def main() -> None:
    app = ensure_app()
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "bench.annotator"
    texts = {f"long{i}": long_article(i) for i in range(3)}
    with Project.create(path) as project:
        import_records(project, [ImportRecord(Document(k, v)) for k, v in texts.items()])
        with project.db.atomic():
            for doc_id, text in texts.items():
                offsets = spans_of(text, 1000, 0)
                confirmed, suggested = offsets[::2], offsets[1::2]
                for s, e in confirmed:
                    project.add_span(doc_id, "bench", s, e, "GPE")
                spans = [Span(s, e, "ORG", source="model") for s, e in suggested]
                write_suggestions(project.db, Suggestions(doc_id, "m@1", spans), doc_store.text_hash(text))
            project.set_setting("suggestion_model", "m@1")

    window = open_window(path, "bench", "long2")
    view = window.session.view
    app.processEvents()

    # 1. open + paint a 10,000-word article with 1,000 spans (500 confirmed, 500 suggested)
    opening = Timer()
    for doc_id in ("long0", "long1") * 4:
        with opening:
            window.open_document(doc_id)
            app.processEvents()  # includes the span panel's refresh
            view.viewport().repaint()
    print(f"open + paint 10,000 words / 1,000 spans: {opening.report()}  [< 100 ms]")

    # 2. accept (Enter on a focused suggestion) and label (key on a selection), each with commit and repaint
    window.open_document("long0")
    app.processEvents()
    accept, label = Timer(), Timer()
    QTest.keyClick(view, Qt.Key_Tab)
    for _ in range(40):
        while window.session.focused() is not None and window.session.focused().confirmed:
            QTest.keyClick(view, Qt.Key_Tab)
        with accept:
            QTest.keyClick(view, Qt.Key_Return)  # accepts, then focuses the next suggestion
            view.viewport().repaint()
    state = window.session.state
    for s, e in spans_of(state.document.text, 40, 1):
        view.select_qt(state.positions.to_qt(s), state.positions.to_qt(e))
        with label:
            QTest.keyClick(view, Qt.Key_1)
            view.viewport().repaint()
    print(f"accept a suggestion (commit + repaint): {accept.report()}  [< 16 ms]")
    print(f"label a selection (commit + repaint): {label.report()}  [< 16 ms]")

    # 3. switching articles (PageDown / PageUp)
    shown, settled = Timer(), Timer()
    for key in (Qt.Key_PageDown, Qt.Key_PageUp) * 5:
        with settled:
            with shown:
                QTest.keyClick(view, key)
                view.viewport().repaint()
            app.processEvents()
    print(f"switch articles (10,000 words, 1,000 spans each): article shown {shown.report()}  [< 50 ms]")
    print(f"  ... and with the span panel refreshed: {settled.report()}")
    window.close()

    # 4. a project of 100,000 articles opens and shows its first article
    big = tmp / "big.annotator"
    t0 = time.perf_counter()
    with Project.create(big) as project:
        rng = random.Random(3)
        docs = (
            Document(f"doc{i:06d}", " ".join(rng.choice(WORDS) for _ in range(200)) + f" #{i}") for i in range(100_000)
        )
        import_records(project, (ImportRecord(d) for d in docs))
    print(f"(created a 100,000-article project in {time.perf_counter() - t0:.1f} s)")
    opening = Timer()
    with opening:
        window = open_window(big, "bench")
        app.processEvents()
        window.repaint()
    print(f"100,000-article project: open and show the first article {opening.report()}  [< 1000 ms]")
    # the first search builds the FTS5 index in a thread (chunks of 5,000 rows); the window keeps responding
    docs = window.documents
    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    t0 = time.perf_counter()
    docs.search.setText("Herat")
    docs.apply_filters()
    while docs._index_job is not None:
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    first_search = time.perf_counter() - t0
    timer.stop()
    stall = max((b - a for a, b in itertools.pairwise(ticks)), default=0.0)
    t0 = time.perf_counter()
    docs.search.setText("Kabul 99999")
    docs.apply_filters()
    print(
        f"full-text search over 100,000 articles: first search {first_search:.2f} s (builds the index in a thread; "
        f"longest event-loop stall meanwhile {ms(stall)}), next search {ms(time.perf_counter() - t0)} "
        f"({docs.model.rowCount()} hit)"
    )
    window.close()


if __name__ == "__main__":
    main()
