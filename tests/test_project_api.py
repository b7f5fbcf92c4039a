"""The Project facade: each mutation commits at once and returns what changed; errors leave nothing behind."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.errors import NotFoundError, OffsetError, SchemeError
from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Argument, Document, Status
from annotator.core.project import Project

TEXT = "The Taliban attacked Kabul on Tuesday, officials said."


@pytest.fixture
def doc(project):
    import_records(project, [ImportRecord(Document("d1", TEXT))])
    return project


def _committed_spans(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT start, end, label, annotator FROM spans ORDER BY start").fetchall()
    finally:
        conn.close()


def test_span_mutations_are_committed_immediately(doc, project_path):
    span = doc.add_span("d1", "alice", 4, 11, "ORG")
    assert span.id is not None and TEXT[span.start : span.end] == "Taliban"
    # another connection sees it at once: no Save button
    assert _committed_spans(project_path) == [(4, 11, "ORG", "alice")]
    relabelled = doc.relabel_span(span.id, "NORP")
    assert relabelled.label == "NORP"
    moved = doc.move_span(span.id, 0, 11)
    assert (moved.start, moved.end) == (0, 11)
    removed = doc.delete_span(span.id)
    assert removed.label == "NORP"
    assert _committed_spans(project_path) == []
    assert doc.status("d1", "alice") == Status.IN_PROGRESS


def test_invalid_mutations_raise_and_write_nothing(doc, project_path):
    with pytest.raises(OffsetError):
        doc.add_span("d1", "alice", 10, 200, "ORG")
    with pytest.raises(SchemeError):
        doc.add_span("d1", "alice", 0, 3, "CITY")
    with pytest.raises(NotFoundError):
        doc.add_span("nope", "alice", 0, 3, "ORG")
    assert _committed_spans(project_path) == []
    assert doc.annotators() == []


def test_events_stance_status_note(doc):
    event = doc.add_event("d1", "alice", "ATTACK", 12, 20, (Argument("Attacker", 4, 11),))
    assert [a.role for a in event.arguments] == ["Attacker"]
    arg = doc.add_argument(event.id, "Place", 21, 26)
    assert TEXT[arg.start : arg.end] == "Kabul"
    with pytest.raises(SchemeError):
        doc.add_argument(event.id, "Speaker", 0, 3)
    assert doc.set_stance("d1", "alice", "Taliban", "against") is None
    assert doc.set_stance("d1", "alice", "Taliban", "neutral") == "against"
    doc.add_stance_evidence("d1", "alice", "Taliban", 0, 26)
    doc.set_note("d1", "alice", "check the date")
    doc.set_flags("d1", "alice", ["unclear"])
    assert doc.set_status("d1", "alice", "done") == Status.IN_PROGRESS
    ann = doc.annotation("d1", "alice")
    assert ann.status == Status.DONE
    assert ann.stance == {"Taliban": "neutral"}
    assert [(e.start, e.end) for e in ann.stance_evidence["Taliban"]] == [(0, 26)]
    assert ann.note == "check the date" and ann.flags == ["unclear"]
    assert [(a.role, a.start) for a in ann.events[0].arguments] == [("Attacker", 4), ("Place", 21)]
    doc.remove_argument(event.id, arg.id)
    doc.delete_event(event.id)
    assert doc.annotation("d1", "alice").events == []
    assert doc.set_stance("d1", "alice", "Taliban", None) == "neutral"
    assert doc.annotation("d1", "alice").stance == {}


def test_layers_are_kept_apart_per_annotator(doc):
    doc.add_span("d1", "alice", 4, 11, "ORG")
    doc.add_span("d1", "bob", 21, 26, "GPE")
    assert [s.label for s in doc.annotation("d1", "alice").spans] == ["ORG"]
    assert [s.label for s in doc.annotation("d1", "bob").spans] == ["GPE"]
    assert doc.annotators_of("d1") == ["alice", "bob"]
    stats = doc.stats()
    assert stats["annotators"]["alice"]["spans"] == 1
    assert stats["labels"] == {"GPE": 1, "ORG": 1}


def test_reopen_finds_everything(project_path):
    with Project.open(project_path) as p:
        import_records(p, [ImportRecord(Document("d1", TEXT))])
        p.add_span("d1", "alice", 4, 11, "ORG")
        p.set_last_document("alice", "d1")
    with Project.open(project_path, readonly=True) as p:
        assert p.annotation("d1", "alice").spans[0].label == "ORG"
        assert p.last_document("alice") == "d1"
        with pytest.raises(sqlite3.OperationalError):
            p.db.execute("DELETE FROM spans")


def test_project_file_is_wal_with_foreign_keys(project_path):
    with Project.open(project_path) as p:
        assert p.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert p.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            p.db.execute(
                "INSERT INTO spans(document_id, annotator, start, end, label, created_at) VALUES ('x','y',0,1,'ORG','t')"
            )
