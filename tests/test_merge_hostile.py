"""Merge never discards work, whatever a colleague's file says: future or garbage time stamps are unknown (never
newer), a conflict keeps the project's layer and adds the other version as `NAME@conflict-N`, stale text hashes
are recomputed, odd names and labels are refused, rejections alone create no annotator and are bounded."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.core import merge
from annotator.core.model import Annotation, Document, Span, Status
from annotator.core.project import Project
from annotator.store import documents as doc_store
from tests.conftest import file_snapshot

T1 = "Taliban fighters attacked Kabul on Tuesday."
T2 = "Officials in Herat said the city was calm."


def make(path: Path, docs: dict[str, str]) -> Path:
    with Project.create(path) as project, project.db.atomic():
        doc_store.insert_documents(project.db, [Document(i, t) for i, t in docs.items()])
    return path


def put(path: Path, ann: Annotation) -> None:
    with Project.open(path) as p:
        p.replace_annotation(ann)


def sql(path: Path, *statements: str, params: list | None = None) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement, params or [])
    conn.commit()
    conn.close()


def spans(path: Path, doc: str, who: str) -> list[tuple[int, int, str]]:
    with Project.open(path, readonly=True) as p:
        return [s.key() for s in p.annotation(doc, who).spans]


ALICE_WORK = [Span(0, 7, "ORG"), Span(26, 31, "GPE")]


@pytest.mark.parametrize("stamp", ["2999-01-01T00:00:00+00:00", "zzz", ""])
def test_a_future_or_garbage_stamp_never_replaces_work(tmp_path, cli, stamp):
    main = make(tmp_path / "main.annotator", {"d1": T1})
    put(main, Annotation("d1", "alice", Status.DONE, spans=list(ALICE_WORK)))
    other = make(tmp_path / "other.annotator", {"d1": T1})
    put(other, Annotation("d1", "alice", Status.IN_PROGRESS, note="empty"))  # an empty layer under alice's name
    sql(other, "UPDATE doc_states SET updated_at = ?", params=[stamp])
    result = cli("merge", main, other)
    assert result.code == 0, result.err
    assert spans(main, "d1", "alice") == [(0, 7, "ORG"), (26, 31, "GPE")]
    with Project.open(main, readonly=True) as p:
        kept = p.annotation("d1", "alice@conflict-2")
        assert kept.note == "empty" and kept.updated_at != stamp  # stored at the merge's time: unknown
    assert "1 conflict(s)" in result.out and "time unknown" in result.out
    assert "alice@conflict-2" in result.out
    report = json.loads(Path(f"{main}.merge-report.json").read_text(encoding="utf-8"))
    assert report["conflicts"][0]["stored_as"] == "alice@conflict-2"
    assert report["conflicts"][0]["other_updated"] is None


def test_a_new_layer_with_a_future_stamp_is_stamped_now(tmp_path, cli):
    main = make(tmp_path / "main.annotator", {"d1": T1})
    other = make(tmp_path / "other.annotator", {"d1": T1})
    put(other, Annotation("d1", "bob", Status.DONE, spans=[Span(0, 7, "ORG")]))
    sql(other, "UPDATE doc_states SET updated_at = '2999-01-01T00:00:00+00:00'")
    assert cli("merge", main, other).code == 0
    with Project.open(main, readonly=True) as p:
        assert not p.annotation("d1", "bob").updated_at.startswith("2999")


def test_conflicts_merged_again_add_nothing_and_a_third_version_is_conflict_3(tmp_path, cli):
    main = make(tmp_path / "main.annotator", {"d1": T1})
    put(main, Annotation("d1", "alice", Status.DONE, spans=[Span(0, 7, "ORG")]))
    other = make(tmp_path / "other.annotator", {"d1": T1})
    put(other, Annotation("d1", "alice", Status.DONE, spans=[Span(0, 7, "NORP")]))
    assert cli("merge", main, other).code == 0
    snap = file_snapshot(main)
    again = cli("merge", main, other)
    assert "0 conflict(s)" in again.out
    assert file_snapshot(main) == snap
    put(other, Annotation("d1", "alice", Status.DONE, spans=[Span(26, 31, "GPE")]))
    assert cli("merge", main, other).code == 0
    assert spans(main, "d1", "alice@conflict-3") == [(26, 31, "GPE")]
    assert spans(main, "d1", "alice") == [(0, 7, "ORG")]
    result = cli("agreement", main, "--json")  # conflict layers are not counted as annotators
    assert json.loads(result.out)["annotators"] == ["alice"]


def test_a_stale_text_hash_does_not_match(tmp_path, cli):
    """An article edited in an SQLite browser keeps its stored hash: merge recomputes it."""
    main = make(tmp_path / "main.annotator", {"d1": T1})
    other = make(tmp_path / "other.annotator", {"x9": T1})
    put(other, Annotation("x9", "bob", Status.DONE, spans=[Span(0, 7, "ORG")]))
    sql(other, f"UPDATE documents SET text = '{T2}'")  # the hash still says T1
    result = cli("merge", main, other)
    assert result.code == 0, result.err
    assert "missing: x9" in result.err
    with Project.open(main, readonly=True) as p:
        assert p.annotators() == []


@pytest.mark.parametrize("name", ["", " alice", "al\nice", "\u202eecila", "Gold", "a" * 101])
def test_hostile_annotator_names_are_refused(tmp_path, cli, name):
    main = make(tmp_path / "main.annotator", {"d1": T1})
    other = make(tmp_path / "other.annotator", {"d1": T1})
    put(other, Annotation("d1", "bob", Status.DONE, spans=[Span(0, 7, "ORG")]))
    for table in ("annotators", "doc_states", "spans"):
        column = "name" if table == "annotators" else "annotator"
        sql(other, f"UPDATE {table} SET {column} = ?", params=[name])
    snap = file_snapshot(main)
    result = cli("merge", main, other)
    assert result.code == 1 and "annotator name" in result.err and result.err.count("\n") == 1
    assert file_snapshot(main) == snap


@pytest.mark.parametrize("label", ["MILITARY UNIT", " GPE", "", "A\u202eB", "X\x00Y"])
def test_hostile_labels_in_the_other_scheme_are_refused(tmp_path, cli, label):
    main = make(tmp_path / "main.annotator", {"d1": T1})
    other = make(tmp_path / "other.annotator", {"d1": T1})
    with Project.open(other) as p:
        data = p.scheme.to_dict()
    data["entities"].append({"label": label, "key": "", "color": "#123456", "description": ""})
    sql(other, "UPDATE settings SET value = ? WHERE key = 'scheme'", params=[json.dumps(data)])
    snap = file_snapshot(main)
    result = cli("merge", main, other)
    assert result.code == 1, result.out
    assert "label" in result.err and result.err.count("\n") == 1
    assert file_snapshot(main) == snap


def test_rejections_alone_create_no_annotator_and_are_bounded(tmp_path, cli, monkeypatch):
    main = make(tmp_path / "main.annotator", {"d1": T1})
    put(main, Annotation("d1", "alice", Status.DONE, spans=[Span(0, 7, "ORG")]))
    other = make(tmp_path / "other.annotator", {"d1": T1})
    put(other, Annotation("d1", "alice", Status.DONE, spans=[Span(0, 7, "ORG")]))
    with Project.open(other) as p:
        for start in range(0, 10):
            p.reject_suggestion("d1", "alice", "span", start, start + 1, "GPE")
    sql(
        other,
        "INSERT INTO annotators(name, created_at) VALUES ('mallory', '2024-01-01')",
        "INSERT INTO rejected_suggestions VALUES ('d1', 'mallory', 'span', 0, 7, 'GPE')",  # rejections alone
        "INSERT INTO rejected_suggestions VALUES ('d1', 'alice', 'span', 0, 999, 'GPE')",  # off the text
    )
    monkeypatch.setattr(merge, "MAX_REJECTIONS", 6)
    result = cli("merge", main, other)
    assert result.code == 0, result.err
    with Project.open(main, readonly=True) as p:
        assert "mallory" not in p.db.execute("SELECT group_concat(name) FROM annotators").fetchone()[0]
        added = p.db.execute("SELECT count(*) FROM rejected_suggestions").fetchone()[0]
    assert added < 6
    assert "rejected suggestion(s) skipped" in result.out


def test_the_window_s_merge_undoes_its_conflict_layers(tmp_path):
    from annotator.core import operations
    from annotator.core.merge_undo import merge_recorded

    main = make(tmp_path / "main.annotator", {"d1": T1})
    put(main, Annotation("d1", "alice", Status.DONE, spans=[Span(0, 7, "ORG")]))
    other = make(tmp_path / "other.annotator", {"d1": T1})
    put(other, Annotation("d1", "alice", Status.DONE, spans=[Span(0, 7, "NORP")]))
    with Project.open(main) as p:
        report, changes = merge_recorded(p, [other])
        assert [c.stored_as for c in report.conflicts] == ["alice@conflict-2"]
        assert report.report_file and Path(report.report_file).exists()
        assert [s.key() for s in p.annotation("d1", "alice@conflict-2").spans] == [(0, 7, "NORP")]
        operations.undo(p, changes)
        assert p.layers("alice@conflict-2") == []
        assert [s.key() for s in p.annotation("d1", "alice").spans] == [(0, 7, "ORG")]
        operations.redo(p, changes)
        assert [s.key() for s in p.annotation("d1", "alice@conflict-2").spans] == [(0, 7, "NORP")]
