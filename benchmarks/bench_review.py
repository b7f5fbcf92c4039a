"""Benchmark of the Review window (offscreen): opening it on an article with 4 annotators × 200 spans, against
opening the main window on the same article (baseline, same run), and a decision with its repaint.

usage: python benchmarks/bench_review.py [--rounds 8]    (prints figures; the target from issue 13 in brackets)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_NO_AUTO_SUGGEST"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Annotation, Document, Span, Status
from annotator.core.project import Project
from annotator.gui.app import ensure_app, open_window
from annotator.gui.review.review_window import ReviewWindow

ANNOTATORS = ("alice", "bob", "carol", "dave")
LABELS = ("PERSON", "ORG", "GPE", "DATE", "NORP")


def article() -> str:
    """About 2,000 words: the five sample articles, as a long news report."""
    samples = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))
    return "\n\n".join(p.read_text(encoding="utf-8") for p in samples)[:13_000]


def layers(text: str, n_spans: int, seed: int) -> dict[str, list[Span]]:
    """Each annotator marks the same 200 words, mostly alike: 10% another label, 10% one word wider, 5% missed
    and replaced by another word (the disagreements a review meets)."""
    rng = random.Random(seed)
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    step = len(words) // (n_spans + 1)
    base = [(words[i * step], rng.choice(LABELS), words[i * step + 1]) for i in range(n_spans)]
    out = {}
    for who in ANNOTATORS:
        spans = []
        for (s, e), label, (_, next_end) in base:
            r = rng.random()
            if r < 0.10:
                label = rng.choice([x for x in LABELS if x != label])
            elif r < 0.20:
                e = next_end
            elif r < 0.25:
                continue
            spans.append(Span(s, e, label))
        out[who] = spans
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class Timer:
    """Wall-clock and this process's CPU time (the machine is shared: CPU time shows our own cost)."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> Timer:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall.append(time.perf_counter() - self._w)
        self.cpu.append(time.process_time() - self._c)

    def median(self) -> float:
        return statistics.median(self.wall)

    def report(self) -> str:
        return f"median {ms(statistics.median(self.wall))} wall, {ms(statistics.median(self.cpu))} CPU"


def build(path: Path, text: str) -> None:
    with Project.create(path) as project:
        import_records(project, [ImportRecord(Document("a1", text))])
        with project.transaction():
            for who, spans in layers(text, 200, 0).items():
                project.replace_annotation(Annotation("a1", who, Status.DONE, spans=spans))
                project.set_status("a1", who, Status.DONE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    rounds = parser.parse_args().rounds
    app = ensure_app()
    tmp = Path(tempfile.mkdtemp())
    text = article()
    print(f"article: {len(text.split()):,} words, {len(text):,} characters; {len(ANNOTATORS)} annotators × 200 spans")

    baseline, first, review, decision = Timer(), Timer(), Timer(), Timer()
    for k in range(rounds):
        path = tmp / f"bench{k}.annotator"  # a fresh project each round: the first opening accepts agreed spans
        build(path, text)
        with baseline:  # the main window on the same article, shown and painted
            window = open_window(path, "alice", "a1")
            app.processEvents()
            window.repaint()
        timer = first if k == 0 else review
        with timer:  # the Review window, as Ctrl+Shift+R opens it: shown and painted, agreed items accepted
            win = ReviewWindow(path, "a1", project=window.project, undo_stack=window.session.undo_stack)
            win.show()
            app.processEvents()
            win.repaint()
        if k == 0:
            units = len(win.review.units)
            left = len(win.review.open_units())
            print(f"units: {units}, open disagreements after auto-accept: {left}")
        with decision:  # a digit: commit, unit list, gold column and progress repainted
            QTest.keyClick(win.unit_table, Qt.Key.Key_2)
            win.repaint()
        win.close()
        window.close()
        app.processEvents()

    print(f"baseline, open the main window on the article: {baseline.report()}")
    print(f"open the Review window (first round, incl. a cold start): {first.report()}")
    print(f"open the Review window (rounds 2-{rounds}): {review.report()}  [< 300 ms]")
    print(f"  ratio Review / main window: {review.median() / baseline.median():.2f}x")
    print(f"take a version (digit): commit + repaint: {decision.report()}")


if __name__ == "__main__":
    main()
