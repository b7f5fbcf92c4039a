"""`annotator check`: SQLite's integrity check, foreign keys, our invariants; what is wrong and how to recover."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from annotator.core.model import Annotation, Document, Span, Status
from annotator.core.project import Project
from annotator.store import documents as doc_store

TEXT = "Taliban fighters attacked Kabul on Tuesday."


def make(path: Path) -> Path:
    with Project.create(path) as project:
        with project.db.atomic():
            doc_store.insert_documents(project.db, [Document("d1", TEXT)])
        project.replace_annotation(Annotation("d1", "alice", Status.DONE, spans=[Span(0, 7, "ORG")]))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def corrupt_index(path: Path) -> None:
    """A row missing from the index `spans_label`: the index is made partial (WHERE 0) through writable_schema, a
    row is inserted (so not indexed), and the definition restored. The schema is annotator's again."""
    index = "CREATE INDEX spans_label ON spans(label)"
    raw(
        path,
        "PRAGMA writable_schema = ON",
        f"UPDATE sqlite_master SET sql = '{index} WHERE 0' WHERE name = 'spans_label'",
    )
    raw(
        path,
        "INSERT INTO spans(document_id, annotator, start, end, label, created_at) "
        "VALUES ('d1', 'alice', 26, 31, 'GPE', '2024-01-01')",
        "PRAGMA writable_schema = ON",
        f"UPDATE sqlite_master SET sql = '{index}' WHERE name = 'spans_label'",
    )


def test_a_sound_project(tmp_path, cli):
    path = make(tmp_path / "p.annotator")
    result = cli("check", path)
    assert result.code == 0 and "no damage found" in result.out


def test_index_corruption_is_found_and_a_copy_repairs_it(tmp_path, cli):
    path = make(tmp_path / "p.annotator")
    corrupt_index(path)
    before = digest(path)
    result = cli("check", path)
    assert result.code == 1
    assert "missing from index spans_label" in result.out
    assert "restore the last good copy" in result.out and "--copy-to" in result.out
    repaired = tmp_path / "repaired.annotator"
    result = cli("check", path, "--copy-to", repaired)
    assert result.code == 1 and "copy written; no damage found" in result.out
    assert cli("check", repaired).code == 0
    with Project.open(repaired, readonly=True) as p:
        assert [s.key() for s in p.annotation("d1", "alice").spans] == [(0, 7, "ORG"), (26, 31, "GPE")]
    assert digest(path) == before  # the check never writes to the file it checks
    assert cli("check", path, "--copy-to", repaired).code == 1  # never over an existing file


def test_our_invariants(tmp_path, cli):
    path = make(tmp_path / "p.annotator")
    raw(
        path,
        "UPDATE spans SET end = 999",
        "INSERT INTO spans(document_id, annotator, start, end, label, created_at) "
        "VALUES ('d1', 'alice', 0, 7, 'WEAPON', '2024-01-01')",
        "INSERT INTO spans(document_id, annotator, start, end, label, created_at) "
        "VALUES ('gone', 'alice', 0, 7, 'ORG', '2024-01-01')",
    )
    result = cli("check", path)
    assert result.code == 1
    assert "span [0, 999) of article 'd1' by alice falls outside its text" in result.out
    assert "entity label 'WEAPON' is used but not in the scheme" in result.out
    assert "foreign key: spans row" in result.out


def test_a_damaged_scheme_and_a_foreign_schema(tmp_path, cli):
    path = make(tmp_path / "p.annotator")
    raw(path, "UPDATE settings SET value = '{broken' WHERE key = 'scheme'")
    result = cli("check", path)
    assert result.code == 1 and "the label scheme cannot be read" in result.out
    other = make(tmp_path / "q.annotator")
    raw(other, "CREATE TRIGGER t AFTER INSERT ON spans BEGIN DELETE FROM spans; END")
    result = cli("check", other)
    assert result.code == 1 and "trigger 't' on 'spans'" in result.out


def test_not_a_project(tmp_path, cli):
    path = tmp_path / "notes.annotator"
    path.write_text("hello", encoding="utf-8")
    result = cli("check", path)
    assert result.code == 1 and "not an annotator project" in result.out
    result = cli("check", tmp_path / "missing.annotator")
    assert result.code == 1


def test_help_has_an_example(cli):
    result = cli("check", "--help")
    assert "Example:" in result.out and json  # the README lists the command (tests/test_cli_basics.py)


def test_quick_check_on_opening_small_files_always_large_ones_daily(tmp_path, monkeypatch):
    from annotator.core import health

    path = make(tmp_path / "p.annotator")
    with Project.open(path) as p:
        assert p.damage == []  # small: checked, sound
    monkeypatch.setattr(health, "QUICK_CHECK_BYTES", 0)  # every file is "large" now
    with Project.open(path, readonly=True) as p:
        assert p.damage is None  # read-only opening records nothing, so it does not check large files
    with Project.open(path) as p:
        assert p.damage == [] and p.setting("quick_check_at")
    with Project.open(path) as p:
        assert p.damage is None  # checked today already
