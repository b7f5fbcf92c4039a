"""Benchmark: `suggest_project` throughput against bare `nlp.pipe` with the same pipeline, in the same run.

    PYTHONPATH=. python benchmarks/bench_suggest.py [--articles 500] [--batch-size 64] [--long-kb 0]

The five sample articles are repeated (each copy made unique, since import skips duplicate texts) to N articles.
Figures: tokens/s of bare `nlp.pipe` and of `suggest_project` (pipeline already loaded, so loading is not counted
for either), their ratio (target >= 0.85), the cached re-run time in-process and through the CLI (target < 1 s),
and optionally seconds per 100 kB for one long article at two sizes (linear means no quadratic slowdown).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document
from annotator.core.project import Project
from annotator.nlp import models
from annotator.nlp.runner import suggest_project

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def corpus(n: int) -> list[Document]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    return [Document(f"a{i:04d}", f"{texts[i % len(texts)]}\n\n(copy {i})\n") for i in range(n)]


def make_project(folder: Path, docs: list[Document], name: str) -> Project:
    project = Project.create(folder / name)
    import_records(project, (ImportRecord(d, path="bench") for d in docs))
    return project


def long_article_seconds(folder: Path, kb: int) -> float:
    paragraphs = corpus(5)
    text, i = [], 0
    while sum(map(len, text)) < kb * 1000:
        text.append(paragraphs[i % 5].text)
        i += 1
    project = make_project(folder, [Document("long", "".join(text))], f"long{kb}.annotator")
    started = time.perf_counter()
    suggest_project(project)
    project.close()
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--long-kb", type=int, default=0, help="also time one long article of this size and 4x it")
    args = ap.parse_args()
    docs = corpus(args.articles)
    texts = [d.text for d in docs]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = make_project(folder, docs, "bench.annotator")
        spec = models.resolve(project.model, project.language)
        nlp = models.load(spec, events=True)  # exactly the pipeline suggest_project uses
        print(f"model {spec.key}; pipeline {nlp.pipe_names}; {len(texts)} articles; batch size {args.batch_size}")
        list(nlp.pipe(texts[:20], batch_size=args.batch_size))  # warm-up

        started = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=args.batch_size))
        bare = time.perf_counter() - started

        started = time.perf_counter()
        report = suggest_project(project, batch_size=args.batch_size)
        full = time.perf_counter() - started
        assert report.processed == len(texts) and report.tokens == tokens, (report.processed, report.tokens, tokens)

        started = time.perf_counter()
        again = suggest_project(project, batch_size=args.batch_size)
        cached = time.perf_counter() - started
        assert again.processed == 0 and again.cached == len(texts)
        project.close()

        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "annotator", "suggest", str(folder / "bench.annotator"), "--progress", "none"],
            check=True,
            capture_output=True,
        )
        cli_cached = time.perf_counter() - started

        print(f"bare nlp.pipe        {tokens / bare:10,.0f} tokens/s ({tokens:,} tokens in {bare:.1f} s)")
        print(f"suggest_project      {tokens / full:10,.0f} tokens/s ({full:.1f} s, incl. matching and SQLite)")
        print(f"ratio                {bare / full:10.3f} (target >= 0.85)")
        print(f"cached re-run        {cached:10.3f} s in-process (target < 1 s)")
        print(f"cached re-run (CLI)  {cli_cached:10.3f} s wall clock, including Python start-up and imports")
        print(f"suggestions          {report.entities:,} entities, {report.events:,} events")
        if args.long_kb:
            small = long_article_seconds(folder, args.long_kb)
            big = long_article_seconds(folder, 4 * args.long_kb)
            print(f"long article {args.long_kb} kB   {small:8.1f} s ({100 * small / args.long_kb:.2f} s per 100 kB)")
            print(
                f"long article {4 * args.long_kb} kB  {big:8.1f} s ({100 * big / (4 * args.long_kb):.2f} s per 100 kB)"
            )


if __name__ == "__main__":
    main()
