"""Suggestions before and after `annotator train`, on a real corpus with a label the base pipeline lacks (issue 14).

The training file (Prodigy `db-out` JSONL, e.g. Prodigy's public fashion-brands data, MIT licence:
github.com/explosion/projects, integrations/prodigy/assets/fashion_brands_{training,eval}.jsonl) is imported
through our Prodigy import as one annotator's done articles. The evaluation file's texts are imported as new
articles without their annotations, as a team adds articles nobody has annotated yet. Then, as a user would:
`suggest` (the base pipeline plus the patterns learned from confirmed spans), `train`, `suggest` again; the
suggestions on the evaluation articles are scored per label against the file's own spans (exact match).
The training run's own held-out scores (trained model, base pipeline, patterns) are printed too.

usage: PYTHONPATH=. python benchmarks/bench_train_real.py TRAIN.jsonl EVAL.jsonl [--max-minutes 10]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.core.project import Project  # noqa: E402
from annotator.core.scoring import PRF  # noqa: E402


def annotator(*args: str | Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.perf_counter() - started


def accepted(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("answer", "accept") == "accept"]


def score(project_path: Path, gold: dict[str, list[dict]], labels: list[str]) -> dict[str, PRF]:
    out = {label: PRF() for label in labels}
    with Project.open(project_path, readonly=True) as project:
        for doc_id, spans in gold.items():
            found = {(s.start, s.end, s.label) for s in project.suggestions(doc_id).spans}
            wanted = {(s["start"], s["end"], s["label"]) for s in spans}
            for label in labels:
                a, b = {k for k in wanted if k[2] == label}, {k for k in found if k[2] == label}
                out[label] += PRF(len(a & b), len(a), len(b))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("train", type=Path)
    parser.add_argument("eval", type=Path)
    parser.add_argument("--max-minutes", type=float, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    train_rows, eval_rows = accepted(args.train), accepted(args.eval)
    labels = sorted({s["label"] for r in train_rows + eval_rows for s in r.get("spans", [])})
    scheme = tmp / "scheme.toml"
    scheme.write_text(
        'name = "real"\nlanguage = "en"\n'
        + "".join(f'\n[[entities]]\nlabel = "{label}"\nkey = "{i + 1}"\n' for i, label in enumerate(labels)),
        encoding="utf-8",
    )
    path = tmp / "real.annotator"
    annotator("new", path, "--scheme", scheme)
    annotator("import", path, args.train, "--format", "prodigy", "--annotator", "team")
    gold = {f"eval-{i}": r.get("spans", []) for i, r in enumerate(eval_rows)}
    texts = tmp / "eval-texts.jsonl"
    texts.write_text(
        "".join(json.dumps({"id": f"eval-{i}", "text": r["text"]}) + "\n" for i, r in enumerate(eval_rows)),
        encoding="utf-8",
    )
    annotator("import", path, texts, "--format", "jsonl")
    counts = Counter(s["label"] for r in train_rows for s in r.get("spans", []))
    print(f"corpus: {len(train_rows)} training articles ({dict(counts)}), {len(eval_rows)} evaluation articles")

    before_s = annotator("suggest", path, "--progress", "none")
    before = score(path, gold, labels)
    train_s = annotator("train", path, "--max-minutes", str(args.max_minutes), "--progress", "none", "--name", "real")
    after_s = annotator("suggest", path, "--progress", "none")
    after = score(path, gold, labels)
    with Project.open(path, readonly=True) as project:
        run = project.latest_training()
    assert run is not None
    print(
        f"\ntrain: {run['train_documents']} articles, {run['dev_documents']} held out, {train_s:.0f} s "
        f"({run['stopped']}); suggest before {before_s:.0f} s, after {after_s:.0f} s"
    )
    print(f"\nheld-out F1 in the training run ({run['dev_documents']} articles of the training file)")
    print(f"{'label':<16} {'source':<8} {'P':>6} {'R':>6} {'F1':>6}")
    for label, by in run["scores"].items():
        for source, prf in by.items():
            chosen = "   (chosen)" if run["choice"][label] == source else ""
            p, r, f = (prf[k] or 0.0 for k in ("precision", "recall", "f1"))
            print(f"{label:<16} {source:<8} {p:>6.3f} {r:>6.3f} {f:>6.3f}{chosen}")
    print(f"\nsuggestions on the {len(eval_rows)} evaluation articles (never annotated in the project), exact match")
    print(f"{'label':<16} {'before P':>9} {'R':>6} {'F1':>6}   {'after P':>8} {'R':>6} {'F1':>6}")
    for label in labels:
        b, a = before[label], after[label]
        print(
            f"{label:<16} {b.precision or 0:>9.3f} {b.recall or 0:>6.3f} {b.f1 or 0:>6.3f}   "
            f"{a.precision or 0:>8.3f} {a.recall or 0:>6.3f} {a.f1 or 0:>6.3f}"
        )


if __name__ == "__main__":
    main()
