"""Named, append-only schema migrations. Never edit or reorder one that has shipped: add a new one.

The schema is plain tables a researcher can read with any SQLite browser: no pickles, no opaque blobs.
(`meta` and `flags` hold small JSON objects/lists; scheme settings are JSON text.)
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("annotator")


def _run(db: Database, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    _run(
        db,
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            title TEXT NOT NULL DEFAULT '',
            text_hash TEXT NOT NULL,
            added_at TEXT NOT NULL
        );

        CREATE TABLE annotators (
            name TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            last_document TEXT
        );

        CREATE TABLE doc_states (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON DELETE CASCADE,
            status TEXT NOT NULL DEFAULT 'in_progress'
                CHECK (status IN ('not_started', 'in_progress', 'done')),
            note TEXT NOT NULL DEFAULT '',
            flags TEXT NOT NULL DEFAULT '[]',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator)
        );
        CREATE INDEX doc_states_annotator ON doc_states(annotator, status);

        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            CHECK (start >= 0 AND end > start)
        );
        CREATE INDEX spans_doc_annotator ON spans(document_id, annotator);
        CREATE INDEX spans_label ON spans(label);

        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON DELETE CASCADE,
            type TEXT NOT NULL,
            trigger_start INTEGER NOT NULL,
            trigger_end INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            CHECK (trigger_start >= 0 AND trigger_end > trigger_start)
        );
        CREATE INDEX events_doc_annotator ON events(document_id, annotator);

        CREATE TABLE event_arguments (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            CHECK (start >= 0 AND end > start)
        );
        CREATE INDEX event_arguments_event ON event_arguments(event_id);

        CREATE TABLE stance (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON DELETE CASCADE,
            target TEXT NOT NULL,
            value TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'manual',
            PRIMARY KEY (document_id, annotator, target)
        );

        CREATE TABLE stance_evidence (
            id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON DELETE CASCADE,
            target TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            CHECK (start >= 0 AND end > start)
        );
        CREATE INDEX stance_evidence_doc ON stance_evidence(document_id, annotator);

        CREATE TABLE suggestion_cache (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (document_id, model)
        );

        CREATE TABLE suggested_spans (
            id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'model'
        );
        CREATE INDEX suggested_spans_doc ON suggested_spans(document_id, model);

        CREATE TABLE suggested_events (
            id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            type TEXT NOT NULL,
            trigger_start INTEGER NOT NULL,
            trigger_end INTEGER NOT NULL
        );
        CREATE INDEX suggested_events_doc ON suggested_events(document_id, model);

        CREATE TABLE suggested_event_arguments (
            id INTEGER PRIMARY KEY,
            suggested_event_id INTEGER NOT NULL REFERENCES suggested_events(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL
        );
        CREATE INDEX suggested_event_arguments_event ON suggested_event_arguments(suggested_event_id);

        CREATE TABLE rejected_suggestions (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('span', 'event')),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            PRIMARY KEY (document_id, annotator, kind, start, end, label)
        );
        """,
    )


@migrations()
def m002_documents_fts(db: Database) -> None:
    """The full-text index of the document list: an external-content FTS5 table over `documents`.

    Created empty (instant, so imports keep their speed); rows are added in chunks on the first search
    (`store.search_index.ensure_fts`), which records the highest indexed rowid in the `fts_rowid` setting.
    IF NOT EXISTS / OR IGNORE: projects of earlier versions may already hold the table, built on first search."""
    _run(
        db,
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts
            USING fts5(title, text, content='documents', content_rowid='rowid');
        INSERT OR IGNORE INTO settings(key, value) VALUES ('fts_rowid', '0');
        """,
    )


@migrations()
def m003_operation_log(db: Database) -> None:
    # One row per user action (who, when, which article, what): researchers query it for coding effort, and
    # `stats` derives the active minutes per article from it. No foreign keys: the history outlives deletions.
    _run(
        db,
        """
        CREATE TABLE operations (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            annotator TEXT,
            document_id TEXT,
            name TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX operations_annotator ON operations(annotator, document_id, time);
        """,
    )


@migrations()
def m004_training_runs(db: Database) -> None:
    # Each `annotator train`: when, which layer, how many articles, the held-out scores per label and source,
    # and the source chosen per label; the model itself lives in PROJECT.models/NAME/, never in this file.
    _run(
        db,
        """
        CREATE TABLE training_runs (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            name TEXT NOT NULL,
            layer TEXT NOT NULL,
            folder TEXT NOT NULL,
            record TEXT NOT NULL
        );
        """,
    )


@migrations()
def m005_suggested_stance(db: Database) -> None:
    # A trained stance classifier's value per target, with its score: a suggestion, never an annotator's work.
    _run(
        db,
        """
        CREATE TABLE suggested_stance (
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            target TEXT NOT NULL,
            value TEXT NOT NULL,
            score REAL NOT NULL,
            PRIMARY KEY (document_id, model, target)
        );
        """,
    )


@migrations()
def m006_suggestion_sources(db: Database) -> None:
    # Event suggestions say where they come from (the trigger lists or a trained span categorizer, with its
    # score), and each article's suggestions carry the trained model's certainty ("least certain first").
    # Suggestions already computed with a trained model (key "BASE+NAME") have no certainty: they are recomputed
    # by the next suggestion run, as a new training would have them.
    _run(
        db,
        """
        ALTER TABLE suggested_events ADD COLUMN source TEXT NOT NULL DEFAULT 'lexicon';
        ALTER TABLE suggested_events ADD COLUMN score REAL;
        ALTER TABLE suggestion_cache ADD COLUMN certainty REAL;
        DELETE FROM suggestion_cache WHERE EXISTS (
            SELECT 1 FROM training_runs t WHERE substr(suggestion_cache.model, -length(t.name) - 1) = '+' || t.name
        );
        """,
    )


KNOWN = [m.name for m in migrations._migrations]
