"""Importing each format: txt files and folders, JSONL (with and without annotations), CSV."""

from __future__ import annotations

import json

from annotator.core.model import Status
from annotator.core.project import Project
from tests.conftest import SAMPLES


def test_txt_folder_ids_are_file_names_and_text_exact(cli, project_path):
    result = cli("import", project_path, SAMPLES)
    assert result.code == 0, result
    with Project.open(project_path) as p:
        assert p.document_ids() == sorted(f.name for f in SAMPLES.glob("*.txt"))
        for f in SAMPLES.glob("*.txt"):
            assert p.document(f.name).text == f.read_text(encoding="utf-8")


def test_single_txt_keeps_crlf_and_nbsp(cli, project_path, tmp_path):
    f = tmp_path / "crlf.txt"
    f.write_bytes("Line one\r\nKabul\u00a0attack 😀\r\n".encode())
    assert cli("import", project_path, f).code == 0
    with Project.open(project_path) as p:
        assert p.document("crlf.txt").text == "Line one\r\nKabul\u00a0attack 😀\r\n"


def test_jsonl_articles_and_annotations(cli, project_path, tmp_path):
    f = tmp_path / "a.jsonl"
    lines = [
        {"id": "d1", "text": "Taliban attack Kabul.", "meta": {"source": "AFP"}},
        {
            "id": "d2",
            "text": "US forces withdraw.",
            "annotator": "alice",
            "spans": [{"start": 0, "end": 2, "label": "GPE"}],
            "status": "in_progress",
        },
        {"id": "d2", "text": "US forces withdraw.", "_annotator_id": "bob", "spans": []},
    ]
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = cli("import", project_path, f)
    assert result.code == 0, result
    with Project.open(project_path) as p:
        assert p.document_ids() == ["d1", "d2"]
        assert p.document("d1").meta == {"source": "AFP"}
        alice = p.annotation("d2", "alice")
        assert [(s.start, s.end, s.label) for s in alice.spans] == [(0, 2, "GPE")]
        assert alice.status == Status.IN_PROGRESS
        assert p.annotation("d2", "bob").status == Status.DONE
        assert p.annotators_of("d1") == []


def test_jsonl_annotator_option_applies_to_unnamed_lines(cli, project_path, tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"text": "Kabul fell.", "spans": [{"start": 0, "end": 5, "label": "GPE"}]}) + "\n")
    assert cli("import", project_path, f, "--annotator", "carol").code == 0
    with Project.open(project_path) as p:
        (doc_id,) = p.document_ids()
        assert doc_id.startswith("doc-")
        assert p.annotation(doc_id, "carol").spans[0].label == "GPE"


def test_csv_text_column_and_meta(cli, project_path, tmp_path):
    f = tmp_path / "news.csv"
    f.write_text('id,title,text\nr1,First,"Kabul, Afghanistan\nsecond line"\n,Second,Herat fell.\n', encoding="utf-8")
    result = cli("import", project_path, f)
    assert result.code == 0, result
    with Project.open(project_path) as p:
        assert p.document_ids() == ["r1", "news-2"]
        assert p.document("r1").text == "Kabul, Afghanistan\nsecond line"
        assert p.document("r1").meta == {"title": "First"}


def test_text_duplicates_are_own_documents_and_reported(cli, project_path, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Same text.", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("Same text.", encoding="utf-8")
    result = cli("import", project_path, tmp_path / "in")
    assert result.code == 0
    assert "1 text duplicate(s)" in result.out
    assert "b.txt" in result.err and "a.txt" in result.err
    with Project.open(project_path) as p:
        assert p.document_ids() == ["a.txt", "b.txt"]


def test_import_into_missing_project_fails(cli, tmp_path):
    result = cli("import", tmp_path / "nope.annotator", SAMPLES)
    assert result.code == 1
    assert "nope.annotator" in result.err and "does not exist" in result.err
    assert not (tmp_path / "nope.annotator").exists()


def test_jsonl_with_a_long_blank_head_is_not_empty(cli, project_path, tmp_path):
    f = tmp_path / "blank_head.jsonl"
    f.write_text("\n" * 10_000 + json.dumps({"id": "late", "text": "Herat fell."}) + "\n", encoding="utf-8")
    result = cli("import", project_path, f)
    assert result.code == 0, result
    with Project.open(project_path) as p:
        assert p.document_ids() == ["late"]
