"""Other people's files are data, never code: triggers, views and changed tables are refused before anything is
read; files opened only to read (merge's other files, refused newer files) are left byte for byte as they were,
their -wal included."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.core.model import Annotation, Document, Span, Status
from annotator.core.project import Project
from annotator.store import documents as doc_store

TEXT = "Taliban fighters attacked Kabul on Tuesday."


def make(path: Path, who: str = "alice") -> Path:
    with Project.create(path) as project:
        with project.db.atomic():
            doc_store.insert_documents(project.db, [Document("d1", TEXT)])
        project.replace_annotation(Annotation("d1", who, Status.DONE, spans=[Span(0, 7, "ORG")]))
    return path


def tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def digest(path: Path) -> str | None:
    """The bytes of a file, read only after every connection of ours is closed (never a plain open of a live
    project: see annotator.store.database)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


TRIGGER = "CREATE TRIGGER wipe AFTER INSERT ON doc_states BEGIN DELETE FROM spans; END"
VIEW = "CREATE VIEW endless AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n"


@pytest.mark.parametrize(
    "sql, named",
    [
        ([TRIGGER], "trigger 'wipe' on 'doc_states'"),
        ([VIEW], "view 'endless'"),
        (["ALTER TABLE spans ADD COLUMN extra TEXT"], "changed table 'spans'"),
        (["DROP TABLE documents", VIEW.replace("endless", "documents")], "view 'documents' where annotator has"),
        (["CREATE INDEX mine ON spans(start)"], "index 'mine' on 'spans'"),
    ],
)
def test_foreign_schema_is_refused_naming_it(tmp_path, cli, sql, named):
    path = make(tmp_path / "colleague.annotator")
    tamper(path, *sql)
    before = digest(path)
    for args in (("stats", path), ("export", path, tmp_path / "out.jsonl"), ("import", path, tmp_path)):
        result = cli(*args)
        assert result.code == 1
        assert named in result.err and "refused" in result.err and "Traceback" not in result.err
    other = make(tmp_path / "main.annotator", "bob")
    result = cli("merge", other, path)
    assert result.code == 1 and named in result.err
    assert digest(path) == before


def test_a_trigger_never_runs_and_the_file_is_unchanged(tmp_path):
    path = make(tmp_path / "colleague.annotator")
    tamper(path, TRIGGER)
    before = digest(path)
    with pytest.raises(ProjectError, match="trigger 'wipe'"):
        Project.open(path)
    assert digest(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 1
    conn.close()


def _leave_wal(path: Path, sql: str = "SELECT 1") -> None:
    """Commit a layer and die without closing: the work stays in PATH-wal, as after a crash or on a synced copy."""
    code = f"""
import os, sys
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
from annotator.core.model import Annotation, Span, Status
from annotator.core.project import Project
p = Project.open({str(path)!r})
p.db.execute("PRAGMA wal_autocheckpoint = 0")
p.replace_annotation(Annotation("d1", "carol", Status.DONE, spans=[Span(26, 31, "GPE")]))
p.db.execute({sql!r})
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_merge_leaves_the_other_file_and_its_wal_unchanged(tmp_path, cli):
    other = make(tmp_path / "carol.annotator", "carol2")
    _leave_wal(other)
    wal = Path(f"{other}-wal")
    assert wal.exists() and wal.stat().st_size > 0
    before = (digest(other), digest(wal))
    main = make(tmp_path / "main.annotator", "bob")
    result = cli("merge", main, other)
    assert result.code == 0, result.err
    assert (digest(other), digest(wal)) == before
    with Project.open(main, readonly=True) as p:  # the layer that lives only in the -wal came along
        assert [s.key() for s in p.annotation("d1", "carol").spans] == [(26, 31, "GPE")]


def test_a_refused_newer_file_is_not_changed(tmp_path, cli):
    path = make(tmp_path / "newer.annotator")
    _leave_wal(path, "PRAGMA user_version = 99")
    wal = Path(f"{path}-wal")
    before = (digest(path), digest(wal))
    result = cli("stats", path)
    assert result.code == 1 and "newer version" in result.err
    result = cli("merge", make(tmp_path / "main.annotator", "bob"), path)
    assert result.code == 1 and "newer version" in result.err
    assert (digest(path), digest(wal)) == before


def test_a_damaged_scheme_is_one_sentence(tmp_path, cli):
    path = make(tmp_path / "p.annotator")
    tamper(path, "UPDATE settings SET value = '{not json' WHERE key = 'scheme'")
    result = cli("stats", path)
    assert result.code == 1 and "label scheme is damaged" in result.err
