"""Bad input: one readable line naming the file (and line), non-zero exit, and the project left exactly as it was."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import SAMPLES, file_snapshot


@pytest.fixture
def seeded(cli, project_path):
    assert cli("import", project_path, SAMPLES / "000_2db5164f2d7f3a9c.txt").code == 0
    return project_path


def _jsonl(path, *objs):
    path.write_text("\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs) + "\n", encoding="utf-8")
    return path


GOOD = {"id": "ok", "text": "Kabul is a city."}
CASES = {
    "not_utf8": (lambda d: (d / "latin1.txt").write_bytes("caf\xe9 Kabul".encode("latin-1")), "latin1.txt", "UTF-8"),
    "jsonl_not_utf8": (
        lambda d: (d / "l1.jsonl").write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n'),
        "l1.jsonl:2",
        "UTF-8",
    ),
    "binary": (lambda d: (d / "blob.txt").write_bytes(b"\x89PNG\x00\x00\x01binary"), "blob.txt", "binary"),
    "empty": (lambda d: (d / "empty.txt").write_text(""), "empty.txt", "empty"),
    "bad_json": (lambda d: _jsonl(d / "bad.jsonl", GOOD, "{not json"), "bad.jsonl:2", "not valid JSON"),
    "span_outside": (
        lambda d: _jsonl(
            d / "o.jsonl",
            GOOD,
            {**GOOD, "id": "x", "annotator": "a", "spans": [{"start": 5, "end": 99, "label": "GPE"}]},
        ),
        "o.jsonl:2",
        "outside the text",
    ),
    "span_reversed": (
        lambda d: _jsonl(d / "r.jsonl", {**GOOD, "annotator": "a", "spans": [{"start": 5, "end": 5, "label": "GPE"}]}),
        "r.jsonl:1",
        "end must be greater than start",
    ),
    "padded_label": (
        lambda d: _jsonl(
            d / "l.jsonl", GOOD, {**GOOD, "annotator": "a", "spans": [{"start": 0, "end": 5, "label": " CITY"}]}
        ),
        "l.jsonl:2",
        "' CITY' has a space at the start or end",
    ),
    "control_event_type": (
        lambda d: _jsonl(
            d / "e.jsonl",
            {**GOOD, "annotator": "a", "events": [{"type": "PAR\u200eTY", "trigger": {"start": 0, "end": 5}}]},
        ),
        "e.jsonl:1",
        "contains a bidirectional control character",
    ),
    "lone_surrogate": (
        lambda d: (d / "s.jsonl").write_text('{"text": "ok"}\n{"text": "ab\\ud800cd"}\n', encoding="utf-8"),
        "s.jsonl:2",
        "lone surrogate",
    ),
    "unknown_stance": (
        lambda d: _jsonl(d / "s.jsonl", {**GOOD, "annotator": "a", "stance": {"Taliban": "love"}}),
        "s.jsonl:1",
        "'love'",
    ),
    "csv_no_text": (lambda d: (d / "n.csv").write_text("id,body\n1,Kabul\n"), "n.csv:1", "no 'text' column"),
    "missing_path": (lambda d: None, "does-not-exist.txt", "no such file"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_message_and_project_unchanged(case, cli, seeded, tmp_path):
    make, where, problem = CASES[case]
    folder = tmp_path / "in"
    folder.mkdir()
    make(folder)
    target = folder / where.split(":")[0]
    before = file_snapshot(seeded)
    before_bytes = seeded.read_bytes()
    result = cli("import", seeded, target)
    assert result.code != 0
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert where in lines[0], lines[0]
    assert problem in lines[0], lines[0]
    assert "Traceback" not in result.err
    assert file_snapshot(seeded) == before
    assert seeded.read_bytes() == before_bytes  # not even a header byte changed


def test_error_late_in_a_folder_rolls_back_earlier_files(cli, seeded, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("A good article about Herat.")
    (folder / "b.jsonl").write_text('{"text": "fine"}\n{broken\n')
    before = file_snapshot(seeded)
    result = cli("import", seeded, folder)
    assert result.code == 1
    assert "b.jsonl:2" in result.err
    assert file_snapshot(seeded) == before


def test_not_a_project(cli, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("hello")
    result = cli("stats", plain)
    assert result.code == 1 and "not an annotator project" in result.err
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t(x)").connection.commit()
    result = cli("stats", other)
    assert result.code == 1 and "not an annotator project" in result.err


def test_newer_schema_is_refused_and_untouched(cli, seeded):
    conn = sqlite3.connect(seeded)
    conn.execute("PRAGMA user_version = 999")
    conn.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('annotator', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = file_snapshot(seeded)
    for args in (["stats", seeded], ["import", seeded, SAMPLES], ["export", seeded, seeded.parent / "o.jsonl"]):
        result = cli(*args)
        assert result.code == 1
        assert "newer version of annotator" in result.err
    assert file_snapshot(seeded) == before


def test_bad_scheme_file(cli, tmp_path):
    scheme = tmp_path / "s.toml"
    scheme.write_text('name = "x"\n[[entities]]\nlabel = "A"\nkey = "1"\n[[entities]]\nlabel = "B"\nkey = "1"\n')
    result = cli("new", tmp_path / "p.annotator", "--scheme", scheme)
    assert result.code == 1 and "s.toml" in result.err and "more than one" in result.err
    assert not (tmp_path / "p.annotator").exists()
    scheme.write_text("name = \n")
    result = cli("new", tmp_path / "p.annotator", "--scheme", scheme)
    assert result.code == 1 and "s.toml:1" in result.err and "TOML" in result.err
