"""Finding documents without the window: filters, the full-text index (a table made by migration m002, filled on
the first search in chunks), the plain-scan fallback of read-only projects, and upgrading older project files."""

from __future__ import annotations

import sqlite3

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document, DocumentFilters
from annotator.core.project import Project
from annotator.store import search_index

TEXTS = {
    "k1": "Fighting in Kandahar continued overnight.",
    "h1": "Herat airport was closed.",
    "k2": "Kandahar residents fled to Kabul.",
}


def _project(tmp_path) -> Project:
    project = Project.create(tmp_path / "search.annotator")
    import_records(project, [ImportRecord(Document(i, t)) for i, t in TEXTS.items()])
    return project


def _ids(project: Project, filters: DocumentFilters) -> list[str]:
    rowids = project.document_rowids("alice", filters)
    page = project.document_page("alice", rowids)
    return [page[r][0] for r in rowids]


def test_first_search_fills_the_index_in_chunks(tmp_path):
    with _project(tmp_path) as project:
        assert project.search_backlog() == 3  # the table exists (migration) but nothing is indexed yet
        steps: list[tuple[int, int]] = []
        search_index.ensure_fts(project.db, lambda done, total: steps.append((done, total)), chunk=2)
        assert steps == [(2, 3), (3, 3)]
        assert project.search_backlog() == 0
        assert _ids(project, DocumentFilters(search="kandah")) == ["k1", "k2"]
        import_records(project, [ImportRecord(Document("k3", "Kandahar again."))])
        assert project.search_backlog() == 1
        assert _ids(project, DocumentFilters(search='"kandahar"')) == ["k1", "k2", "k3"]  # quotes never break it
        project.set_status("k2", "alice", "done")
        assert _ids(project, DocumentFilters(status="done", search="kandahar")) == ["k2"]
        assert project.progress("alice") == (1, 4)
        assert project.next_not_done("alice", "k1") == "h1"


def test_read_only_search_scans_when_the_index_lags(tmp_path):
    with _project(tmp_path) as project:
        path = project.path
    with Project.open(path, readonly=True) as project:
        assert project.search_backlog() == 3
        assert _ids(project, DocumentFilters(search="herat")) == ["h1"]  # cannot index: a plain scan instead


def _as_older_version(path, *, with_index: bool) -> None:
    """Make the file look written by a version before m002 (the index was created on first search then)."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_documents_fts'")
        conn.execute("PRAGMA user_version = 1")
        if not with_index:
            conn.execute("DROP TABLE documents_fts")
            conn.execute("DELETE FROM settings WHERE key = 'fts_rowid'")
    conn.close()


def test_older_project_without_index_is_upgraded(tmp_path):
    with _project(tmp_path) as project:
        path = project.path
    _as_older_version(path, with_index=False)
    with Project.open(path) as project:
        assert project.search_backlog() == 3
        assert _ids(project, DocumentFilters(search="kabul")) == ["k2"]


def test_older_project_keeps_its_built_index(tmp_path):
    with _project(tmp_path) as project:
        project.build_search_index()
        path = project.path
    _as_older_version(path, with_index=True)
    with Project.open(path) as project:
        assert project.search_backlog() == 0  # the watermark survives the migration
        assert _ids(project, DocumentFilters(search="herat")) == ["h1"]
