"""`annotator train` against `python -m spacy train` on the same corpus and config, side by side (issue 14 target:
at most 1.1x its time); both train for the same number of steps, ours also scores three sources per label.

usage: PYTHONPATH=. python benchmarks/bench_train.py [--articles 200] [--steps 600]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = ["Zabihullah Mujahid", "Bismillah Mohammadi", "Ashraf Ghani", "Amrullah Saleh", "Abdul Rashid Dostum"]
PLACES = ["Kabul", "Herat", "Kandahar", "Lashkar Gah", "Kunduz", "Mazar-i-Sharif"]
WEAPONS = ["rocket", "car bomb", "mortar", "drone", "roadside bomb", "rifle"]
FRAMES = [
    "{p} said a {w} hit {q} on Tuesday, and officials in {q} confirmed the attack.",
    "Residents of {q} reported that a {w} was fired at a checkpoint; {p} denied any role.",
    "In {q}, police found a {w} near the market, according to a statement by {p}.",
]


def run(*args: str, cwd: Path | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(list(args), env=env, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--steps", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(0)
    tmp = Path(tempfile.mkdtemp())
    lines = []
    for i in range(args.articles):
        text, spans = "", []
        for _ in range(3):
            p, q, w = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(WEAPONS)
            sentence = rng.choice(FRAMES).format(p=p, q=q, w=w)
            for needle, label in ((p, "PERSON"), (q, "GPE"), (w, "WEAPON")):
                k = sentence.find(needle)
                while k >= 0:
                    spans.append({"start": len(text) + k, "end": len(text) + k + len(needle), "label": label})
                    k = sentence.find(needle, k + 1)
            text += sentence + " "
        lines.append({"id": f"d{i}", "text": text.strip(), "annotator": "alice", "status": "done", "spans": spans})
    src = tmp / "corpus.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    project = tmp / "bench.annotator"
    py = sys.executable
    run(py, "-m", "annotator", "new", str(project))
    run(py, "-m", "annotator", "import", str(project), str(src))
    # spaCy's own command on the corpus and config our export writes (same split, same steps)
    out = tmp / "export"
    run(py, "-m", "annotator", "export", str(project), str(out), "--format", "spacy", "--dev", "0.2")
    steps = ["--training.max_steps", str(args.steps), "--training.eval_frequency", "50", "--training.patience", "400"]
    theirs = run(py, "-m", "spacy", "train", "config.cfg", "--output", str(tmp / "model"), *steps, cwd=out)
    shutil.rmtree(tmp / "model", ignore_errors=True)
    ours = run(py, "-m", "annotator", "train", str(project), "--max-steps", str(args.steps), "--progress", "none")
    print(f"python -m spacy train: {theirs:6.1f} s")
    print(f"annotator train:       {ours:6.1f} s  ({ours / theirs:.2f}x; includes scoring three sources per label)")


if __name__ == "__main__":
    main()
