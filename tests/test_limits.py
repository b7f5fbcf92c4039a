"""Bounded inputs: decompression, JSON nesting, CSV fields, article length, odd schemes and damaged projects each
end in one line naming the file (and line) and the limit or problem, exit 1, and the project byte-identical."""

from __future__ import annotations

import json
import sqlite3
import time
import zlib

import pytest

from annotator.core import limits
from annotator.core.scheme import scheme_from_dict
from tests.conftest import SAMPLES, file_snapshot


@pytest.fixture
def seeded(cli, project_path):
    assert cli("import", project_path, SAMPLES / "000_2db5164f2d7f3a9c.txt").code == 0
    return project_path


def refused(cli, project, *args: object, where: str, problem: str) -> str:
    """Run a command that must fail; check its one line and that the project did not change at all."""
    before, before_bytes = file_snapshot(project), project.read_bytes()
    result = cli(*args)
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert result.code == 1, result
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert where in lines[0] and problem in lines[0], lines[0]
    assert project.read_bytes() == before_bytes and file_snapshot(project) == before
    return lines[0]


def _docbin(docs_user_data: list[dict], texts: list[str]) -> bytes:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=True)
    for text, data in zip(texts, docs_user_data, strict=True):
        doc = nlp.make_doc(text)
        doc.user_data.update(data)
        db.add(doc)
    return db.to_bytes()


def test_docbin_zlib_bomb_ends_quickly(cli, seeded, tmp_path):
    squeeze = zlib.compressobj(9)
    zeros = bytes(1 << 20)
    bomb = b"".join(squeeze.compress(zeros) for _ in range(300)) + squeeze.flush()  # 300 MB in about 300 KB
    path = tmp_path / "bomb.spacy"
    path.write_bytes(bomb)
    started = time.perf_counter()
    line = refused(cli, seeded, "import", seeded, path, where="bomb.spacy", problem="decompression bomb")
    assert time.perf_counter() - started < 10
    assert "64 MB" in line  # the limit is named


def test_docbin_truncated_and_not_zlib(cli, seeded, tmp_path):
    good = _docbin([{}], ["Kabul is a city."])
    (tmp_path / "cut.spacy").write_bytes(good[: len(good) // 2])
    refused(cli, seeded, "import", seeded, tmp_path / "cut.spacy", where="cut.spacy", problem="truncated")
    (tmp_path / "plain.spacy").write_bytes(b"not zlib at all")
    refused(cli, seeded, "import", seeded, tmp_path / "plain.spacy", where="plain.spacy", problem="not a spaCy DocBin")


@pytest.mark.parametrize(
    "layer",
    [
        {"spans": [], "stance": ["Taliban", "against"]},
        {"spans": [], "stance": {"Taliban": 5}},
        {"spans": [{"start": "0", "end": 5, "label": "GPE"}]},
        {"spans": [], "events": [{"type": "ATTACK", "trigger": 7}]},
        {"spans": [], "stance_evidence": {"Taliban": [[0]]}},
    ],
)
def test_docbin_wrongly_typed_layer(cli, seeded, tmp_path, layer):
    path = tmp_path / "typed.spacy"
    path.write_bytes(_docbin([{"id": "t1", **layer}], ["Kabul is a city."]))
    refused(cli, seeded, "import", seeded, path, where="typed.spacy", problem="user_data")


def test_jsonl_nested_1000_deep(cli, seeded, tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"text": "Kabul."}\n{"text": "Herat.", "meta": {"x": ' + "[" * 1000 + "]" * 1000 + "}}\n")
    refused(cli, seeded, "import", seeded, path, where="deep.jsonl:2", problem="100 levels")
    path.write_text('{"text": "Herat.", "meta": {"x": ' + "[" * 150 + "]" * 150 + "}}\n")
    refused(cli, seeded, "import", seeded, path, where="deep.jsonl:1", problem="100 levels")


def test_jsonl_number_of_5000_digits(cli, seeded, tmp_path):
    path = tmp_path / "digits.jsonl"
    path.write_text('{"text": "Kabul.", "id": ' + "7" * 5000 + "}\n")
    refused(cli, seeded, "import", seeded, path, where="digits.jsonl:1", problem="4300 digits")


@pytest.mark.parametrize(
    "extra, problem",
    [
        ({"annotator": "a", "events": [{"type": "ATTACK", "trigger": {"start": 0, "end": 5}, "arguments": 5}]}, "list"),
        ({"annotator": "a", "spans": 5}, "'spans' must be a list"),
        ({"annotator": "a", "spans": [{"start": 0.5, "end": 5, "label": "GPE"}]}, "whole number"),
        ({"annotator": "a", "status": ["done"]}, "unknown status"),
        ({"annotator": "a", "stance_evidence": {"Taliban": 3}}, "must be a list"),
        ({"annotator": 5}, "'annotator' must be"),
        ({"id": 1.5}, "'id' must be a string"),
        ({"annotator": "a", "note": {"x": 1}}, "'note' must be a string"),
    ],
)
def test_jsonl_wrong_types(cli, seeded, tmp_path, extra, problem):
    path = tmp_path / "typed.jsonl"
    path.write_text(json.dumps({"id": "k", "text": "Kabul fell.", **extra}) + "\n")
    refused(cli, seeded, "import", seeded, path, where="typed.jsonl:1", problem=problem)


@pytest.mark.parametrize("field", ["id", "meta", "annotator", "note", "text", "label"])
def test_jsonl_lone_surrogates(cli, seeded, tmp_path, field):
    record = {"id": "k", "text": "Kabul fell.", "annotator": "a", "note": "n", "meta": {"source": "x"}}
    record["spans"] = [{"start": 0, "end": 5, "label": "GPE"}]
    raw = json.dumps(record)
    target = {
        "id": '"k"',
        "meta": '"x"',
        "annotator": '"a"',
        "note": '"n"',
        "text": '"Kabul fell."',
        "label": '"GPE"',
    }[field]
    raw = raw.replace(target, target[:-1] + '\\ud800"', 1)
    path = tmp_path / "sur.jsonl"
    path.write_text(raw + "\n")
    refused(cli, seeded, "import", seeded, path, where="sur.jsonl:1", problem="lone surrogate")


def test_csv_long_fields_import_and_the_limit_is_named(cli, seeded, tmp_path, monkeypatch):
    long_text = "Kabul " * 40_000  # 240,000 characters: over Python's default field limit of 131,072
    path = tmp_path / "long.csv"
    path.write_text('id,text\nlong,"' + long_text + '"\n')
    assert cli("import", seeded, path).code == 0
    with sqlite3.connect(seeded) as conn:
        assert conn.execute("SELECT length(text) FROM documents WHERE id = 'long'").fetchone()[0] == len(long_text)
    monkeypatch.setattr("annotator.formats.csv.MAX_CSV_FIELD_CHARS", 100_000)
    path.write_text('id,text\nlonger,"' + long_text + 'x"\n')
    refused(cli, seeded, "import", seeded, path, where="long.csv", problem="100,000 characters")


def test_article_over_the_limit_is_refused_at_import(cli, seeded, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ARTICLE_CHARS", 1000)
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "x" * 1001}) + "\n")
    refused(cli, seeded, "import", seeded, path, where="a.jsonl:1", problem="over the limit of 1,000")


def test_article_over_a_million_characters_exports(cli, project_path, tmp_path):
    """spaCy's E088 (texts over 1M characters) must not reach the user: every format exports it whole."""
    text = "The Taliban attacked Kabul. " * 40_000  # 1,120,000 characters
    src = tmp_path / "big.jsonl"
    spans = [{"start": 21, "end": 26, "label": "GPE"}, {"start": len(text) - 7, "end": len(text) - 2, "label": "GPE"}]
    src.write_text(json.dumps({"id": "big", "text": text, "annotator": "a", "spans": spans}) + "\n")
    assert cli("import", project_path, src).code == 0
    for fmt in ("spacy", "conll", "conllu"):
        out = tmp_path / f"big.{fmt}"
        result = cli("export", project_path, out, "--format", fmt)
        assert result.code == 0 and "Traceback" not in result.err, result.err
        assert out.stat().st_size > (1_000 if fmt == "spacy" else 1_000_000)  # a DocBin compresses repeated text


def test_export_refuses_an_article_over_the_limit(cli, seeded, tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a1", "text": "x" * 2000, "annotator": "a", "spans": []}) + "\n")
    assert cli("import", seeded, path).code == 0
    monkeypatch.setattr(limits, "MAX_ARTICLE_CHARS", 1000)
    result = cli("export", seeded, tmp_path / "o.conll", "--format", "conll")
    assert result.code == 1 and "'a1'" in result.err and "over the limit of 1,000" in result.err
    assert "Traceback" not in result.err


def test_250_labels_without_colours():
    scheme = scheme_from_dict({"entities": [{"label": f"L{i}"} for i in range(250)], "events": [{"type": "E"}]})
    assert all(e.color for e in scheme.entities) and scheme.events[0].color
    assert len({e.color for e in scheme.entities[:20]}) == 20  # the palette is used up before it repeats


@pytest.mark.parametrize(
    "value",
    ["{not json", "[1, 2]", '{"entities": 5}', '{"events": {"a": 1}}', '{"name": {"x": 1}}', "[" * 5000],
)
def test_damaged_stored_scheme_is_a_project_error(cli, seeded, tmp_path, value):
    with sqlite3.connect(seeded) as conn:
        conn.execute("UPDATE settings SET value = ? WHERE key = 'scheme'", [value])
    conn.close()
    for args in (["stats", seeded], ["import", seeded, SAMPLES], ["export", seeded, tmp_path / "o.jsonl"]):
        refused(cli, seeded, *args, where=str(seeded), problem="label scheme is damaged")


@pytest.mark.parametrize("table", ["documents", "settings", "spans"])
def test_missing_table_is_a_clear_error(cli, seeded, tmp_path, table):
    conn = sqlite3.connect(seeded)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    result = cli("stats", seeded)
    if result.code != 0:  # a command that needs the table says so in one line
        assert result.code == 1 and "Traceback" not in result.err
        # refused by the schema check (a table missing) or reported damaged: either way the table is named
        assert ("damaged" in result.err or "refused" in result.err) and table in result.err


def test_conllu_multiword_range_before_a_blank_line(cli, seeded, tmp_path):
    path = tmp_path / "mw.conllu"
    cols = "\t_" * 7
    path.write_text(
        f"1-2\tdel{cols}\t_\n\n1\tde{cols}\tNE=B-LOC\n2\tel{cols}\t_\n3\tKabul{cols}\tNE=B-GPE\n\n", encoding="utf-8"
    )
    result = cli("import", seeded, path)
    assert result.code in (0, 1) and "Traceback" not in result.err, result.err


def test_export_report_is_not_imported_from_a_folder(cli, seeded, tmp_path):
    src = tmp_path / "l.jsonl"
    src.write_text(json.dumps({"id": "k", "text": "Kabul fell.", "annotator": "a", "spans": []}) + "\n")
    assert cli("import", seeded, src).code == 0
    out = tmp_path / "out"
    out.mkdir()
    assert cli("export", seeded, out / "layer.conll", "--format", "conll", "--annotator", "a").code == 0
    assert (out / "layer.conll.report.json").exists()
    result = cli("import", seeded, out)
    assert result.code == 0, result.err


def test_jsonl_line_and_txt_file_size_limits(cli, seeded, tmp_path, monkeypatch):
    monkeypatch.setattr("annotator.formats.jsonl.MAX_JSONL_LINE_BYTES", 1 << 20)
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"text": "ok"}) + "\n" + json.dumps({"text": "x" * (2 << 20)}) + "\n")
    refused(cli, seeded, "import", seeded, path, where="long.jsonl:2", problem="longer than 1 MB")
    monkeypatch.setattr("annotator.formats.txt.MAX_TXT_FILE_BYTES", 1 << 20)
    big = tmp_path / "big.txt"
    big.write_text("Kabul. " * 200_000)
    refused(cli, seeded, "import", seeded, big, where="big.txt", problem="over the limit of 1 MB")


def test_new_project_with_250_labels_without_colours(cli, tmp_path):
    scheme = tmp_path / "many.toml"
    scheme.write_text('name = "many"\n' + "".join(f'[[entities]]\nlabel = "L{i}"\n' for i in range(250)))
    project = tmp_path / "many.annotator"
    result = cli("new", project, "--scheme", scheme)
    assert result.code == 0, result.err
    assert cli("stats", project).code == 0


@pytest.mark.parametrize("label", ["", " GPE", "GPE "])
def test_docbin_label_the_scheme_cannot_hold(cli, seeded, tmp_path, label):
    path = tmp_path / "labels.spacy"
    path.write_bytes(_docbin([{"id": "t1", "spans": [{"start": 0, "end": 5, "label": label}]}], ["Kabul is a city."]))
    problem = "must be non-empty" if not label else "has a space at the start or end"
    refused(cli, seeded, "import", seeded, path, where="labels.spacy", problem=problem)
    assert cli("stats", seeded).code == 0
