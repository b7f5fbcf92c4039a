"""Benchmark: what watching the project file costs an idle window, and how soon another process's commits show.

    PYTHONPATH=. python benchmarks/bench_gui_watch.py [--articles 10000] [--idle 10] [--rounds 10]

The five sample articles are repeated (each copy made unique) to N articles in a fresh project; the real window is
opened offscreen (`annotator.gui.open_window`) on the first article. Printed:

- idle CPU: the window process's CPU time (`time.process_time`) over `--idle` seconds of an idle event loop divided
  by the wall time, with the watcher running and, for a baseline in the same run, with it stopped;
- latency: a separate writer process adds a span to the open article (the window's annotator's layer), or imports a
  new article, and prints the wall-clock time right after its commit; the window side notes when the span is in the
  span panel, or the article in the document list (checked by a 2 ms timer). `--rounds` of each, spaced at random
  against the watcher's ticks;
- the CPU time of one re-read (`refresh_from_file`) for each kind of change.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_NO_AUTO_SUGGEST"] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402

from annotator.core.importing import ImportRecord, import_records  # noqa: E402
from annotator.core.model import Document  # noqa: E402
from annotator.core.project import Project  # noqa: E402
from annotator.gui.app import ensure_app, open_window  # noqa: E402

SAMPLES = ROOT / "samples"

# The other process: one command per stdin line, the wall-clock time of each commit on stdout.
WRITER = r"""
import json, re, sys, time
from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document
from annotator.core.project import Project
project = Project.open(sys.argv[1])
doc_id, annotator = sys.argv[2], sys.argv[3]
words = [m.span() for m in re.finditer(r"[A-Z][a-z]{3,}", project.document(doc_id).text)]
for n, line in enumerate(sys.stdin):
    if line.strip() == "span":
        start, end = words[n % len(words)]
        project.add_span(doc_id, annotator, start, end, "ORG")
        out = [start, end]
    else:
        new = f"watch{n:04d}"
        import_records(project, [ImportRecord(Document(new, f"Report {n} from Herat."), path="bench")])
        out = new
    print(json.dumps([time.time(), out]), flush=True)
project.close()
"""


def corpus(n: int) -> list[Document]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    return [Document(f"a{i:05d}", f"{texts[i % len(texts)]}\n\n(copy {i})\n") for i in range(n)]


def make_project(path: Path, n: int) -> None:
    project = Project.create(path)
    import_records(project, (ImportRecord(d, path="bench") for d in corpus(n)))
    project.close()


def spin(seconds: float) -> None:
    loop = QEventLoop()
    # precise: Qt aligns coarse timers with each other, which would put every commit just after a watcher tick
    timer = QTimer(singleShot=True, interval=int(seconds * 1000))
    timer.setTimerType(Qt.PreciseTimer)
    timer.timeout.connect(loop.quit)
    timer.start()
    loop.exec()


def idle_cpu(seconds: float) -> float:
    """The process's CPU time per wall-clock second while the event loop idles."""
    wall, cpu = time.perf_counter(), time.process_time()
    spin(seconds)
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def wait_until(condition, timeout: float = 10.0) -> float | None:
    """Run the event loop until `condition()` holds (checked every 2 ms); the wall-clock time it first did."""
    loop = QEventLoop()
    seen: list[float] = []

    def check() -> None:
        if condition():
            seen.append(time.time())
            loop.quit()

    timer = QTimer(interval=2)
    timer.setTimerType(Qt.PreciseTimer)
    timer.timeout.connect(check)
    timer.start()
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    loop.exec()
    timer.stop()
    return seen[0] if seen else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle event loop to measure")
    parser.add_argument("--rounds", type=int, default=10, help="commits of each kind by the other process")
    args = parser.parse_args()
    ensure_app()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "watch.annotator"
        make_project(path, args.articles)
        window = open_window(path, "alice", "a00000", auto_suggest=False)
        spin(1.0)  # let the window settle (first paint, panels)
        print(f"{args.articles:,} articles, watcher interval {window.watcher._timer.interval()} ms")

        # on, off, on: the first stretch may still include the article's lazy layout finishing in idle time
        on = [idle_cpu(args.idle)]
        window.watcher._timer.stop()
        off = idle_cpu(args.idle)
        window.watcher._timer.start()
        on.append(idle_cpu(args.idle))
        shown = " then ".join(f"{x * 100:.3f}%" for x in on)
        print(f"idle CPU, watcher on:  {shown} of one core (two stretches of {args.idle:.0f} s)")
        print(f"idle CPU, watcher off: {off * 100:.3f}% (same window, same run, in between)")

        # Time each re-read (CPU) by wrapping the slot the watcher calls.
        costs: list[float] = []
        refresh = window.refresh_from_file

        def timed_refresh() -> None:
            cpu = time.process_time()
            refresh()
            costs.append(time.process_time() - cpu)

        window.watcher.changed.disconnect()
        window.watcher.changed.connect(timed_refresh)

        env = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), "a00000", "alice"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert writer.stdin is not None and writer.stdout is not None
        results: dict[str, list[float]] = {"span": [], "import": []}
        cpu_of: dict[str, list[float]] = {"span": [], "import": []}
        model = window.documents.model
        for kind in ("span", "import"):
            for _ in range(args.rounds):
                spin(random.uniform(0.3, 0.8))  # commits fall anywhere between two watcher ticks
                rows = model.rowCount()
                del costs[:]
                writer.stdin.write(kind + "\n")
                writer.stdin.flush()
                if kind == "span":
                    # the writer's spans are at words the window does not show as spans yet
                    before = {i.key for i in window.panel.model.items}
                    shown = wait_until(lambda b=before: {i.key for i in window.panel.model.items} - b)
                else:
                    shown = wait_until(lambda r=rows: model.rowCount() > r)
                committed, _what = json.loads(writer.stdout.readline())
                if shown is None:
                    print(f"{kind}: not shown within 10 s")
                    continue
                results[kind].append(shown - committed)
                cpu_of[kind] += costs
        writer.stdin.close()
        writer.wait(30)
        window.close()

    for kind, label in (("span", "span added to the open article"), ("import", "article imported")):
        lat = sorted(results[kind])
        if not lat:
            continue
        print(
            f"latency, {label}: median {statistics.median(lat) * 1000:.0f} ms, "
            f"max {lat[-1] * 1000:.0f} ms, min {lat[0] * 1000:.0f} ms ({len(lat)} commits); "
            f"re-read CPU median {statistics.median(cpu_of[kind]) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
