"""What a trained model costs `suggest` (issue 14): the base pipeline alone, against base plus the trained model
(entities, event triggers and arguments), with and without the certainty that orders "least certain first"
(a beam over the trained entity recognizer, the span categorizer's candidates). One process, the same articles,
the same run; each variant starts from a copy of the project made before any suggestion was stored.

usage: PYTHONPATH=. python benchmarks/bench_suggest_trained.py [--done 120] [--new 400] [--steps 300]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.core.project import Project  # noqa: E402
from annotator.nlp import runner  # noqa: E402

PEOPLE = ["Zabihullah Mujahid", "Bismillah Mohammadi", "Ashraf Ghani", "Amrullah Saleh", "Abdul Rashid Dostum"]
PLACES = ["Kabul", "Herat", "Kandahar", "Lashkar Gah", "Kunduz", "Mazar-i-Sharif"]
WEAPONS = ["rocket", "car bomb", "mortar", "drone", "roadside bomb", "rifle"]
FRAME = "Gunmen ambushed a convoy in {q}. {p} said a {w} hit the checkpoint; officials confirmed the attack."


def article(i: int, rng: random.Random, done: bool) -> dict:
    p, q, w = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(WEAPONS)
    text = " ".join(FRAME.format(p=p, q=q, w=w) for _ in range(3))
    line: dict = {"id": f"{'d' if done else 'n'}{i}", "text": text}
    if done:
        spans = []
        for needle, label in ((p, "PERSON"), (q, "GPE"), (w, "WEAPON")):
            k = text.find(needle)
            while k >= 0:
                spans.append({"start": k, "end": k + len(needle), "label": label})
                k = text.find(needle, k + 1)
        events = []
        for k in (m for m in range(len(text)) if text.startswith("ambushed", m)):
            at = text.index(q, k)
            place = {"role": "Place", "start": at, "end": at + len(q)}
            events.append({"type": "ATTACK", "trigger": {"start": k, "end": k + 8}, "arguments": [place]})
        line.update(annotator="alice", status="done", spans=spans, events=events)
    return line


def cli(*args: str | Path) -> None:
    done = subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def timed(path: Path, *, certainty: bool = True) -> tuple[float, int]:
    original = runner._Run.certainty
    if not certainty:
        runner._Run.certainty = lambda self, trained: None  # type: ignore[method-assign]
    try:
        with Project.open(path) as project:
            started = time.perf_counter()
            report = runner.suggest_project(project, processes=1)
            return time.perf_counter() - started - report.load_seconds, report.tokens
    finally:
        runner._Run.certainty = original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--done", type=int, default=120)
    parser.add_argument("--new", type=int, default=400)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(0)
    tmp = Path(tempfile.mkdtemp())
    lines = [article(i, rng, True) for i in range(args.done)] + [article(i, rng, False) for i in range(args.new)]
    src = tmp / "corpus.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    project = tmp / "bench.annotator"
    cli("new", project)
    cli("import", project, src)
    shutil.copy(project, tmp / "base.annotator")  # never trained: the base pipeline alone
    cli("train", project, "--max-steps", args.steps, "--progress", "none", "--name", "m")
    for name in ("with-certainty", "without-certainty"):
        shutil.copy(project, tmp / f"{name}.annotator")
    with Project.open(project, readonly=True) as p:
        run = p.latest_training()
    assert run is not None
    print(f"trained on {run['train_documents']} articles: components {run['components']}")
    print(f"  entity sources {run['choice']}\n  trigger sources {run['event_choice']}")
    print(f"  argument sources {run['argument_choice']}")
    base, tokens = timed(tmp / "base.annotator")
    plain, _ = timed(tmp / "without-certainty.annotator", certainty=False)
    full, _ = timed(tmp / "with-certainty.annotator")
    docs = args.done + args.new
    print(f"\n{docs} articles, {tokens} tokens, one process (pipeline loading excluded)")
    print(f"{'suggestions from':<44} {'seconds':>8} {'tokens/s':>9} {'ratio':>6}")
    for label, seconds in (
        ("base pipeline alone", base),
        ("base + trained model", plain),
        ("base + trained model + certainty", full),
    ):
        print(f"{label:<44} {seconds:>8.1f} {tokens / seconds:>9.0f} {seconds / base:>5.2f}x")


if __name__ == "__main__":
    main()
