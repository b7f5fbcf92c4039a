"""Benchmark: agreement over 10,000 articles x 3 annotators x ~30 spans each (target: under 2 s).

Builds a project file in a temporary folder (annotators mostly agree, with shifted boundaries, swapped labels,
missing and extra spans, a few events and stance values), then times loading the done layers and computing every
measure, as `annotator agreement` does. Prints the figures.

    python benchmarks/bench_agreement.py [--articles 10000] [--annotators 3] [--spans 30] [--samples 1000]

Also times `--ci` (bootstrap intervals over the same report; target: the run with intervals under 10x the run
without) and the per-article disagreement counts (`--per-document`, the agreement view's ranking).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.agreement import compute, load_data
from annotator.core.model import Document
from annotator.core.project import Project
from annotator.store import documents as doc_store
from annotator.store.database import now

LABELS = ["PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "EVENT"]
STANCE = ["favor", "against", "neutral", "not mentioned"]


def build(path: Path, n_docs: int, n_annotators: int, n_spans: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    words = 12 * n_spans
    text = " ".join(f"w{i % 97:02d}" for i in range(words))  # each word 3 chars + a space
    project = Project.create(path)
    db = project.db
    names = [f"ann{k}" for k in range(n_annotators)]
    stamp = now()
    with db.atomic():
        doc_store.insert_documents(db, (Document(f"d{i:05d}", f"{i} {text}") for i in range(n_docs)))
        for name in names:
            db.execute("INSERT INTO annotators(name, created_at) VALUES (?, ?)", [name, stamp])
        states, spans, stance, events = [], [], [], []
        for i in range(n_docs):
            doc = f"d{i:05d}"
            base = []
            for j in range(n_spans):
                start = len(str(i)) + 1 + 4 * (12 * j + rng.randrange(10))
                base.append((start, start + 3 + 4 * rng.randrange(2), rng.choice(LABELS)))
            value = rng.choice(STANCE)
            for name in names:
                states.append((doc, name, "done", stamp))
                for s, e, label in base:
                    r = rng.random()
                    if r < 0.05:
                        continue  # missed
                    if r < 0.10:
                        e += 4  # wider
                    elif r < 0.13:
                        label = rng.choice(LABELS)  # swapped
                    spans.append((doc, name, s, e, label, "manual", stamp))
                if rng.random() < 0.1:
                    spans.append((doc, name, 0, 1, "CARDINAL", "manual", stamp))  # extra
                stance.append((doc, name, "Taliban", value if rng.random() < 0.8 else rng.choice(STANCE)))
                events.append((doc, name, "ATTACK", base[0][0], base[0][0] + 3, "manual", stamp))
        db.conn.executemany(
            "INSERT INTO doc_states(document_id, annotator, status, updated_at) VALUES (?,?,?,?)", states
        )
        db.conn.executemany(
            "INSERT INTO spans(document_id, annotator, start, end, label, source, created_at) VALUES (?,?,?,?,?,?,?)",
            spans,
        )
        db.conn.executemany("INSERT INTO stance(document_id, annotator, target, value) VALUES (?,?,?,?)", stance)
        db.conn.executemany(
            "INSERT INTO events(document_id, annotator, type, trigger_start, trigger_end, source, created_at) "
            "VALUES (?,?,?,?,?,?,?)",
            events,
        )
    project.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--spans", type=int, default=30)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.annotator"
        t0 = time.perf_counter()
        build(path, args.articles, args.annotators, args.spans)
        t_build = time.perf_counter() - t0
        with Project.open(path, readonly=True) as project:
            n_spans = project.db.execute("SELECT count(*) FROM spans").fetchone()[0]
            t0, c0 = time.perf_counter(), time.process_time()
            data = load_data(project)
            t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            report = compute(data)
            t_compute, c_compute = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            report.to_json()
            t_json, c_json = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            report.with_intervals(args.samples, 0)
            report.to_json()
            t_ci, c_ci = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            report.disagreements()
            t_dis, c_dis = time.perf_counter() - t0, time.process_time() - c0
    total = t_load + t_compute + t_json
    cpu = c_load + c_compute + c_json
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    pairs = len(report.entities["exact"].pairs)
    print(
        f"articles {args.articles}, annotators {args.annotators}, spans {n_spans} ({n_spans / args.articles / args.annotators:.1f} per layer)"
    )
    print(f"build project       {t_build:6.2f} s (not part of the measure)")
    print(f"machine load average {load:.2f} on {os.cpu_count()} cores (wall time suffers when others run)")
    print(f"{'':20} {'wall':>7} {'cpu':>7}")
    print(f"load done layers    {t_load:6.2f}s {c_load:6.2f}s")
    print(f"compute all metrics {t_compute:6.2f}s {c_compute:6.2f}s ({pairs} pairs; 3 modes; stance)")
    print(f"JSON report         {t_json:6.2f}s {c_json:6.2f}s")
    print(
        f"total               {total:6.2f}s {cpu:6.2f}s (target < 2 s; wall/2 = {total / 2:.2f}, cpu/2 = {cpu / 2:.2f})"
    )
    print(
        f"bootstrap CI ({args.samples} resamples) {t_ci:6.2f}s {c_ci:6.2f}s; run with intervals / without: "
        f"wall {(total + t_ci) / total:.2f}x, cpu {(cpu + c_ci) / cpu:.2f}x (target < 10x)"
    )
    print(f"disagreements per article (--per-document, the view's ranking) {t_dis:6.2f}s {c_dis:6.2f}s")
    f1 = report.entities["exact"].mean_f1
    print(f"mean exact entity F1 {f1:.3f}; Taliban alpha {report.stance['Taliban'].krippendorff_alpha:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
