"""Articles that break naive exports (emoji, CRLF, NBSP, right-to-left text, spans cutting through tokens),
written as JSONL with offsets computed from the text, and helpers shared by the tests/test_export_*.py files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotator.core.importing import import_records
from annotator.core.project import Project
from annotator.formats import read_paths


def _at(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def _span(text: str, part: str, label: str, nth: int = 0) -> dict:
    s, e = _at(text, part, nth)
    return {"start": s, "end": e, "label": label}


def _arg(text: str, part: str, role: str) -> dict:
    s, e = _at(text, part)
    return {"role": role, "start": s, "end": e}


def _event(text: str, trigger: str, type_: str, *args: tuple[str, str]) -> dict:
    s, e = _at(text, trigger)
    return {"type": type_, "trigger": {"start": s, "end": e}, "arguments": [_arg(text, p, r) for p, r in args]}


def articles() -> list[dict]:
    """Four annotated articles; every tricky case is annotated at least once."""
    t1 = (
        "Taliban fighters attacked Kabul\u00a0city on Tuesday.\r\n"
        "The U.S.-led forces 👍🏽 withdrew from Herat 🇦🇫 province.\r\n\r\n"
        "Officials said the Taliban now control Kandahar."
    )
    a1 = {
        "id": "emoji-crlf-nbsp",
        "text": t1,
        "annotator": "alice",
        "spans": [
            _span(t1, "Taliban", "ORG"),
            _span(t1, "Kabul", "GPE"),
            _span(t1, "Kabul\u00a0city", "GPE"),  # overlaps "Kabul": both cannot be doc.ents
            _span(t1, "Tuesday", "DATE"),
            _span(t1, "U.S.", "GPE"),  # inside the token "U.S.-led": cuts through it
            _span(t1, "Herat", "GPE"),
            _span(t1, "Taliban", "ORG", 1),
            _span(t1, "Kandahar", "GPE"),
        ],
        "events": [
            _event(t1, "attacked", "ATTACK", ("Taliban fighters", "Attacker"), ("Kabul", "Target")),
            _event(t1, "withdrew", "WITHDRAWAL", ("U.S.-led forces", "Agent"), ("Herat", "Origin")),
        ],
        "stance": {"Taliban": "against", "United States": "neutral"},
        "stance_evidence": {"Taliban": [{"start": 0, "end": 49}]},
    }
    t2 = "قال المتحدث باسم طالبان إن قندهار سقطت.\nReuters reported from كابول on Friday; ירושלים said nothing."
    a2 = {
        "id": "rtl",
        "text": t2,
        "annotator": "alice",
        "spans": [
            _span(t2, "طالبان", "ORG"),
            _span(t2, "قندهار", "GPE"),
            _span(t2, "Reuters", "ORG"),
            _span(t2, "كابول", "GPE"),
            _span(t2, "Friday", "DATE"),
            _span(t2, "ירושלים", "GPE"),
        ],
        "events": [_event(t2, "سقطت", "CAPTURE", ("قندهار", "Target"))],
        "stance": {"Taliban": "favor"},
    }
    t3 = "Ghazni2021 fell when Lashkar Gah forces retreated  from the city; a  Herat-based NGO counted 12 dead."
    s_herat = _at(t3, "Herat")
    a3 = {
        "id": "cut-tokens",
        "text": t3,
        "annotator": "alice",
        "spans": [
            _span(t3, "Ghazni", "GPE"),  # ends inside the token "Ghazni2021"
            _span(t3, "ashkar Gah", "GPE"),  # starts inside "Lashkar"
            {"start": s_herat[0] - 2, "end": s_herat[1], "label": "GPE"},  # leading whitespace
            _span(t3, "12", "CARDINAL"),
        ],
        "events": [_event(t3, "etreated", "WITHDRAWAL", ("Lashkar Gah forces", "Agent"))],
        "stance": {"Afghan government": "not mentioned"},
    }
    t4 = "President Ashraf\u00a0Ghani met envoys in Doha on 12\u00a0August 2021."
    a4 = {
        "id": "nbsp-names",
        "text": t4,
        "annotator": "alice",
        "spans": [
            _span(t4, "Ashraf\u00a0Ghani", "PERSON"),
            _span(t4, "Doha", "GPE"),
            _span(t4, "12\u00a0August 2021", "DATE"),
        ],
    }
    return [a1, a2, a3, a4]


def write_articles(path: Path, rows: list[dict] | None = None) -> Path:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows or articles():
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def project_from_articles(tmp_path: Path, rows: list[dict] | None = None) -> Path:
    """A project with the articles imported as alice's layer (through the real JSONL import)."""
    path = tmp_path / "export.annotator"
    Project.create(path).close()
    src = write_articles(tmp_path / "articles.jsonl", rows)
    with Project.open(path) as project:
        import_records(project, read_paths([src]))
    return path


def spacy_convert(src: Path, out_dir: Path, converter: str) -> list:
    """Run the real `python -m spacy convert` and load the Docs it wrote."""
    import spacy
    from spacy.tokens import DocBin

    out_dir.mkdir(exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", "-c", converter, str(src), str(out_dir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = out_dir / (src.stem + ".spacy")
    nlp = spacy.blank("xx")
    return list(DocBin().from_disk(out).get_docs(nlp.vocab))


SAMPLE_ENTITIES = {
    "Taliban": "ORG",
    "Kabul": "GPE",
    "Lashkar Gah": "GPE",
    "Kandahar": "GPE",
    "Herat": "GPE",
    "Helmand": "GPE",
    "Afghanistan": "GPE",
    "United States": "GPE",
    "Bismillah Mohammadi": "PERSON",
    "Ashraf Ghani": "PERSON",
}
SAMPLE_STANCE = ["against", "neutral", "against", "favor", "neutral"]


def annotate_samples(project: Project, who: str = "alice") -> None:
    """Annotate the imported sample articles through the Project API: entities, a few events, stance."""
    import re

    for n, doc_id in enumerate(project.document_ids()):
        text = project.document(doc_id).text
        for name, label in SAMPLE_ENTITIES.items():
            for m in re.finditer(rf"\b{re.escape(name)}\b", text):
                project.add_span(doc_id, who, m.start(), m.end(), label)
        attack = re.search(r"\battack\b", text)
        taliban = re.search(r"\bTaliban\b", text)
        if attack and taliban:
            from annotator.core.model import Argument

            project.add_event(
                doc_id, who, "ATTACK", attack.start(), attack.end(), (Argument("Attacker", *taliban.span()),)
            )
        killed = re.search(r"\bkilled\b", text)
        if killed:
            project.add_event(doc_id, who, "CASUALTIES", killed.start(), killed.end())
        project.set_stance(doc_id, who, "Taliban", SAMPLE_STANCE[n % len(SAMPLE_STANCE)])
        if n % 2:
            project.set_stance(doc_id, who, "Afghan government", "favor")
        project.set_status(doc_id, who, "done")
