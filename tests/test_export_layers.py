"""Which layer is exported: --annotator, --gold, the only annotator by default; clear errors otherwise."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.model import GOLD
from annotator.core.project import Project
from annotator.formats.export import export_project
from tests.export_helpers import project_from_articles


@pytest.fixture
def two_annotators(tmp_path):
    proj = project_from_articles(tmp_path)  # alice's layers
    with Project.open(proj) as project:
        project.add_span("rtl", "bob", 0, 3, "ORG")
        project.add_span("nbsp-names", GOLD, 10, 16, "PERSON")
    return proj


def ents(path):
    return {d.user_data["id"]: [(e.start_char, e.end_char, e.label_) for e in d.ents] for d in _docs(path)}


def _docs(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_several_annotators_need_a_choice(two_annotators, tmp_path, cli):
    out = tmp_path / "x.spacy"
    result = cli("export", two_annotators, out, "--format", "spacy")
    assert result.code == 1
    assert "2 annotators (alice, bob); choose one with --annotator NAME or --gold" in result.err
    assert not out.exists()


def test_named_annotator_and_gold(two_annotators, tmp_path, cli):
    out = tmp_path / "bob.spacy"
    result = cli("export", two_annotators, out, "--format", "spacy", "--annotator", "bob")
    assert result.code == 0, result
    assert "exported layer 'bob': 1 document(s)" in result.out
    assert ents(out) == {"rtl": [(0, 3, "ORG")]}
    out = tmp_path / "gold.conll"
    result = cli("export", two_annotators, out, "--format", "conll", "--gold")
    assert result.code == 0, result
    assert "exported layer 'gold': 1 document(s)" in result.out
    assert "Ashraf -X- O B-PERSON" in out.read_text(encoding="utf-8")


def test_unknown_annotator_and_missing_gold(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    result = cli("export", proj, tmp_path / "x.spacy", "--format", "spacy", "--annotator", "carol")
    assert result.code == 1
    assert "no layer of annotator 'carol'" in result.err and "(annotators: alice)" in result.err
    result = cli("export", proj, tmp_path / "x.spacy", "--format", "conllu", "--gold")
    assert result.code == 1
    assert "no layer of annotator 'gold' (adjudicate disagreements into a gold layer first)" in result.err


def test_only_gold_is_the_default(tmp_path, cli):
    proj = tmp_path / "g.annotator"
    Project.create(proj).close()
    with Project.open(proj) as project:
        from annotator.core.importing import ImportRecord, import_records
        from annotator.core.model import Document

        import_records(project, [ImportRecord(Document("d", "Kabul fell."))])
        project.add_span("d", GOLD, 0, 5, "GPE")
    result = cli("export", proj, tmp_path / "g.spacy", "--format", "spacy")
    assert result.code == 0, result
    assert "exported layer 'gold'" in result.out


def test_empty_project(tmp_path, cli, project_path):
    result = cli("export", project_path, tmp_path / "x.spacy", "--format", "spacy")
    assert result.code == 1
    assert "nothing to export, no document has been annotated yet" in result.err


def test_output_errors(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    result = cli("export", proj, tmp_path / "missing" / "x.conll", "--format", "conll")
    assert result.code == 1 and "folder does not exist" in result.err
    result = cli("export", proj, tmp_path, "--format", "conll")
    assert result.code == 1 and "is a folder; give a file name" in result.err
    result = cli("export", proj, tmp_path / "x.conll", "--format", "conll", "--dev", "0.2")
    assert result.code == 1 and "--dev" in result.err and "spacy only" in result.err
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = cli("export", proj, tmp_path / "file", "--format", "spacy", "--dev", "0.2")
    assert result.code == 1 and "with --dev the output is a folder" in result.err


def test_jsonl_through_export_project(tmp_path, two_annotators):
    with Project.open(two_annotators, readonly=True) as project:
        report = export_project(project, tmp_path / "bob.jsonl", "jsonl", annotator="bob")
    rows = [json.loads(line) for line in (tmp_path / "bob.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["annotator"], r["spans"]) for r in rows] == [
        ("rtl", "bob", [{"start": 0, "end": 3, "label": "ORG"}])
    ]
    assert report.layer == "bob" and (tmp_path / "bob.jsonl.report.json").exists()
