"""A project written by the first version (only migration m001) opens in this one: the window, `stats` and
`export` upgrade it in place (the named migrations only add tables), and a colleague's older file merges without
being written."""

from __future__ import annotations

import hashlib
import sqlite3

from annotator.core.project import Project
from annotator.gui import open_window
from tests.gui_helpers import PLAIN, make_project, offsets

LATER = {
    "m002_documents_fts": ["DROP TABLE documents_fts", "DELETE FROM settings WHERE key = 'fts_rowid'"],
    "m003_operation_log": ["DROP TABLE operations"],
    "m004_training_runs": ["DROP TABLE training_runs"],
    "m005_suggested_stance": ["DROP TABLE suggested_stance"],
    "m006_suggestion_sources": [
        "ALTER TABLE suggested_events DROP COLUMN source",
        "ALTER TABLE suggested_events DROP COLUMN score",
        "ALTER TABLE suggestion_cache DROP COLUMN certainty",
    ],
}


def as_first_version(path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for name, statements in LATER.items():
            conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [name])
            for sql in statements:
                conn.execute(sql)
        conn.execute("PRAGMA user_version = 1")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_stats_and_the_window_upgrade_a_first_version_project(tmp_path, cli, qtbot, no_auto_suggest):
    path = make_project(tmp_path, {"a2": PLAIN})
    with Project.open(path) as project:
        project.add_span("a2", "alice", *offsets(PLAIN, "Herat"), "GPE")
    as_first_version(path)
    result = cli("stats", path, "--json")
    assert result.code == 0, result.err  # a read-only command upgrades it too, instead of refusing it
    window = open_window(path, annotator="alice", document_id="a2")
    qtbot.addWidget(window)
    assert [i.label for i in window.session.state.items] == ["GPE"]
    window.close()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    event_columns = {r[1] for r in conn.execute("PRAGMA table_info(suggested_events)")}
    cache_columns = {r[1] for r in conn.execute("PRAGMA table_info(suggestion_cache)")}
    conn.close()
    assert {"operations", "training_runs", "suggested_stance"} <= tables
    assert {"source", "score"} <= event_columns and "certainty" in cache_columns


def test_a_colleagues_first_version_file_merges_and_is_not_written(tmp_path, cli):
    (tmp_path / "mine").mkdir()
    mine = make_project(tmp_path / "mine", {"a2": PLAIN})
    theirs_dir = tmp_path / "theirs"
    theirs_dir.mkdir()
    theirs = make_project(theirs_dir, {"a2": PLAIN})
    with Project.open(theirs) as project:
        project.add_span("a2", "bob", *offsets(PLAIN, "Kandahar"), "GPE")
    as_first_version(theirs)
    before = hashlib.sha256(theirs.read_bytes()).hexdigest()
    result = cli("merge", mine, theirs)
    assert result.code == 0, result.err
    assert hashlib.sha256(theirs.read_bytes()).hexdigest() == before
    with Project.open(mine, readonly=True) as project:
        assert [s.label for s in project.annotation("a2", "bob").spans] == ["GPE"]


def test_suggestions_of_a_trained_model_are_recomputed_after_the_upgrade_that_adds_certainty(tmp_path, cli):
    """m006 adds each article's certainty; what a trained model suggested before it has none, so it is dropped
    from the cache (recomputed by the next run) while the base pipeline's cached suggestions stay."""
    path = make_project(tmp_path, {"a2": PLAIN})
    conn = sqlite3.connect(path)
    with conn:
        for model in ("base@1", "base@1+m1", "base@1+other"):
            conn.execute(
                "INSERT INTO suggestion_cache(document_id, model, text_hash, created_at) VALUES ('a2', ?, 'h', 't')",
                [model],
            )
        record = '{"name": "m1", "layer": "a", "folder": "/m", "train_documents": 8, "dev_documents": 2}'
        conn.execute(
            "INSERT INTO training_runs(time, name, layer, folder, record) VALUES ('t', 'm1', 'a', '/m', ?)", [record]
        )
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_suggestion_sources'")
        for sql in LATER["m006_suggestion_sources"]:
            conn.execute(sql)
    conn.close()
    assert cli("stats", path).code == 0
    conn = sqlite3.connect(path)
    kept = sorted(r[0] for r in conn.execute("SELECT model FROM suggestion_cache"))
    conn.close()
    assert kept == ["base@1", "base@1+other"]
