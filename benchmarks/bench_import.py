"""Import throughput: `annotator import` of N synthetic ~4 KB articles (JSONL) against a bare sqlite-utils
`insert_all` of the same rows, measured in the same run; then `annotator stats` on the result.

    python benchmarks/bench_import.py --n 100000
Targets (issue 2): import <= 2x the bare insert; stats < 1 s on 100,000 articles.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import sqlite_utils

from annotator.core.importing import import_records
from annotator.core.project import Project
from annotator.formats import read_paths
from annotator.store.database import now
from annotator.store.documents import text_hash

WORDS = [
    "Taliban",
    "Kabul",
    "Herat",
    "Kandahar",
    "attack",
    "government",
    "forces",
    "offensive",
    "city",
    "province",
    "capital",
    "fighting",
    "minister",
    "spokesman",
    "statement",
    "troops",
    "withdrawal",
    "airstrikes",
    "civilians",
    "displaced",
    "talks",
    "officials",
    "said",
]


def make_articles(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = []
        while sum(len(w) + 1 for w in words) < 4000:
            words.append(rng.choice(WORDS))
        out.append({"id": f"a{i:06d}", "text": f"Article {i}. " + " ".join(words) + ".", "meta": {"n": i}})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        articles = make_articles(args.n)
        src = tmp / "articles.jsonl"
        src.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        size_mb = src.stat().st_size / 1e6

        # the same rows the import stores, computed before the clock starts
        stamp = now()
        rows = [
            {
                "id": a["id"],
                "text": a["text"],
                "meta": json.dumps(a["meta"]),
                "title": a["text"][:120],
                "text_hash": text_hash(a["text"]),
                "added_at": stamp,
            }
            for a in articles
        ]
        t0 = time.perf_counter()
        bare = sqlite_utils.Database(tmp / "bare.db")
        bare["documents"].insert_all(rows, pk="id", batch_size=2000)
        bare.close()
        t_bare = time.perf_counter() - t0

        # the same, into a WAL-mode file like a project (every page is written twice: WAL, then checkpoint)
        t0 = time.perf_counter()
        bare_wal = sqlite_utils.Database(tmp / "bare_wal.db")
        bare_wal.enable_wal()
        bare_wal["documents"].insert_all(rows, pk="id", batch_size=2000)
        bare_wal.close()
        t_bare_wal = time.perf_counter() - t0

        project = Project.create(tmp / "p.annotator")
        t0 = time.perf_counter()
        report = import_records(project, read_paths([src]))
        t_import = time.perf_counter() - t0
        project.close()
        assert report.documents_added == args.n

        t0 = time.perf_counter()
        with Project.open(tmp / "p.annotator", readonly=True) as p:
            stats = p.stats()
        t_stats = time.perf_counter() - t0
        assert stats["documents"] == args.n

    print(f"articles            {args.n} ({size_mb:.0f} MB of JSONL)")
    print(f"bare insert_all     {t_bare:.2f} s  ({args.n / t_bare:,.0f} docs/s)")
    print(f"annotator import    {t_import:.2f} s  ({args.n / t_import:,.0f} docs/s)")
    print(f"bare insert_all WAL {t_bare_wal:.2f} s  ({args.n / t_bare_wal:,.0f} docs/s)")
    print(f"ratio import/bare   {t_import / t_bare:.2f}x  (target <= 2.0)")
    print(f"ratio import/bare WAL {t_import / t_bare_wal:.2f}x")
    print(f"annotator stats     {t_stats * 1000:.0f} ms  (target < 1000 ms)")


if __name__ == "__main__":
    main()
