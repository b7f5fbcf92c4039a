"""Export throughput: N annotated articles -> spaCy DocBin (`export_project(..., "spacy")`, everything included:
reading the project, tokenising, aligning, doc.ents/spans/cats/user_data, writing the file) against spaCy's bare
tokenizer on the same texts, side by side in the same run (best of --repeat runs each, fresh pipelines).

    python benchmarks/bench_export.py --n 10000
Target (issue 6): export <= 1.5x the bare tokenizer.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

import spacy

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Annotation, Argument, Document, Event, Span, Status
from annotator.core.project import Project
from annotator.formats.export import export_project

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NAMES = {
    "Taliban": "ORG",
    "Kabul": "GPE",
    "Lashkar Gah": "GPE",
    "Kandahar": "GPE",
    "Herat": "GPE",
    "Helmand": "GPE",
    "Afghanistan": "GPE",
    "United States": "GPE",
    "Bismillah Mohammadi": "PERSON",
}
STANCE = ("favor", "against", "neutral", "not mentioned")


def make_records(n: int, seed: int = 0) -> list[ImportRecord]:
    """Articles built from the sample paragraphs in varied order, each with its entities, two events, stance."""
    rng = random.Random(seed)
    paragraphs = [p for f in sorted(SAMPLES.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n") if p]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, NAMES)) + r")\b")
    records = []
    for i in range(n):
        text = f"Report {i} ({rng.randint(1, 10**6)}).\n" + "\n".join(rng.sample(paragraphs, 25))
        spans = [Span(m.start(), m.end(), NAMES[m.group()]) for m in pattern.finditer(text)]
        for s in rng.sample(spans, min(3, len(spans))):  # a few spans cutting through tokens, to be expanded
            if s.end - s.start > 3:
                spans.append(Span(s.start + 1, s.end, s.label))
        events = []
        for m in list(re.finditer(r"\b(attack|killed|captured)\b", text))[:2]:
            type_ = {"attack": "ATTACK", "killed": "CASUALTIES", "captured": "CAPTURE"}[m.group()]
            role = "Attacker" if type_ == "ATTACK" else "Agent"
            args = (Argument(role, spans[0].start, spans[0].end),) if spans else ()
            events.append(Event(type_, m.start(), m.end(), args))
        ann = Annotation(
            f"a{i:06d}",
            "alice",
            Status.DONE,
            spans=spans,
            events=events,
            stance={"Taliban": rng.choice(STANCE), "Afghan government": rng.choice(STANCE)},
        )
        records.append(ImportRecord(Document(f"a{i:06d}", text), ann))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        proj = tmp / "bench.annotator"
        t = time.perf_counter()
        records = make_records(args.n)
        with Project.create(proj) as project:
            import_records(project, records)
        texts = [r.document.text for r in records]
        n_spans = sum(len(r.annotation.spans) for r in records)
        n_tokens = sum(len(d) for d in spacy.blank("en").tokenizer.pipe(texts[:200])) * len(texts) // 200
        print(
            f"{args.n} articles, {sum(map(len, texts)) / 1e6:.1f} M characters, ~{n_tokens / 1e6:.1f} M tokens, "
            f"{n_spans} entity spans (set up in {time.perf_counter() - t:.1f} s)"
        )
        del records
        tok_times, exp_times = [], []  # (wall, cpu) per run
        for _ in range(args.repeat):
            nlp = spacy.blank("en")  # fresh, so its cache starts cold like the export's
            t, c = time.perf_counter(), time.process_time()
            for text in texts:
                nlp.tokenizer(text)
            tok_times.append((time.perf_counter() - t, time.process_time() - c))
            with Project.open(proj, readonly=True) as project:
                t, c = time.perf_counter(), time.process_time()
                report = export_project(project, tmp / "out.spacy", "spacy")
                exp_times.append((time.perf_counter() - t, time.process_time() - c))
        tok, exp = min(tok_times), min(exp_times)
        tok_cpu, exp_cpu = min(c for _, c in tok_times), min(c for _, c in exp_times)
        size = (tmp / "out.spacy").stat().st_size
        print(f"bare tokenizer     {tok[0]:7.2f} s wall {tok_cpu:7.2f} s CPU  ({args.n / tok[0]:,.0f} articles/s)")
        print(
            f"export to DocBin   {exp[0]:7.2f} s wall {exp_cpu:7.2f} s CPU  ({args.n / exp[0]:,.0f} articles/s, "
            f"{size / 1e6:.1f} MB)"
        )
        print(f"ratio              {exp[0] / tok[0]:7.2f}x wall {exp_cpu / tok_cpu:6.2f}x CPU  (target <= 1.5x)")
        print(f"report: {dict(report.actions())}, exported {dict(report.counts)}")


if __name__ == "__main__":
    main()
