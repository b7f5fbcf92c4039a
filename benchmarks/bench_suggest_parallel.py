"""`annotator suggest --processes N` on 500 articles: throughput for every N the machine has, against one process
measured in the same run (issue 14 target: at least 1.6x with 2 processes on a 2-core machine), and a cached re-run.

usage: PYTHONPATH=. python benchmarks/bench_suggest_parallel.py [--articles 500]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "annotator", *args], env=env, capture_output=True, text=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()
    paragraphs = []
    for file in sorted((ROOT / "samples").glob("*.txt")):
        paragraphs += [p.strip() for p in file.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 200]
    tmp = Path(tempfile.mkdtemp())
    src = tmp / "articles.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(args.articles):
            text = "\n\n".join(paragraphs[(i + k) % len(paragraphs)] for k in range(3)) + f"\n\n(article {i})"
            fh.write(json.dumps({"id": f"a{i:04d}", "text": text}) + "\n")
    figures = {}
    for n in range(1, (os.cpu_count() or 1) + 1):
        path = tmp / f"p{n}.annotator"
        assert cli("new", str(path)).returncode == 0 and cli("import", str(path), str(src)).returncode == 0
        started = time.perf_counter()
        done = cli("suggest", str(path), "--processes", str(n), "--progress", "none")
        figures[n] = time.perf_counter() - started
        assert done.returncode == 0, done.stderr
        print(f"--processes {n}: {figures[n]:6.1f} s  {args.articles / figures[n]:6.1f} articles/s  "
              f"({figures[1] / figures[n]:.2f}x one process)")  # fmt: skip
    started = time.perf_counter()
    cli("suggest", str(tmp / "p1.annotator"), "--progress", "none")
    print(f"cached re-run: {time.perf_counter() - started:.2f} s (the whole command, interpreter start included)")


if __name__ == "__main__":
    main()
