"""Each annotator's layer per document: spans, events with arguments, stance with evidence, status, note, flags.

Functions here do not open transactions; the Project facade wraps each user action in one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlite_utils import Database

from annotator.core.model import Annotation, Argument, Event, Evidence, Span, Status
from annotator.store.database import new_id, now


def ensure_annotator(db: Database, name: str) -> None:
    db.execute("INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)", [name, now()])


def annotator_names(db: Database) -> list[str]:
    """Annotators who have done something: a span, an event, a stance, a status, a note or a flag. A name that
    was only registered (an older version did so on opening the window) is not an annotator."""
    return [
        r[0]
        for r in db.execute(
            "SELECT name FROM annotators a WHERE "
            "EXISTS (SELECT 1 FROM doc_states s WHERE s.annotator = a.name AND (s.status != 'not_started' "
            "  OR s.note != '' OR s.flags NOT IN ('[]', ''))) "
            "OR EXISTS (SELECT 1 FROM spans WHERE annotator = a.name) "
            "OR EXISTS (SELECT 1 FROM events WHERE annotator = a.name) "
            "OR EXISTS (SELECT 1 FROM stance WHERE annotator = a.name) "
            "ORDER BY created_at, name"
        )
    ]


def touch(db: Database, doc_id: str, annotator: str, status: Status | None = None) -> None:
    """Record that the annotator worked on the document (status `in_progress` unless given or already done)."""
    ensure_annotator(db, annotator)
    stamp = now()
    if status is None:
        db.execute(
            "INSERT INTO doc_states(document_id, annotator, status, updated_at) VALUES (?, ?, 'in_progress', ?) "
            "ON CONFLICT(document_id, annotator) DO UPDATE SET updated_at = excluded.updated_at, "
            "status = CASE WHEN status = 'not_started' THEN 'in_progress' ELSE status END",
            [doc_id, annotator, stamp],
        )
    else:
        db.execute(
            "INSERT INTO doc_states(document_id, annotator, status, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(document_id, annotator) DO UPDATE SET status = excluded.status, "
            "updated_at = excluded.updated_at",
            [doc_id, annotator, str(status), stamp],
        )


def get_status(db: Database, doc_id: str, annotator: str) -> Status:
    row = db.execute(
        "SELECT status FROM doc_states WHERE document_id = ? AND annotator = ?", [doc_id, annotator]
    ).fetchone()
    return Status(row[0]) if row else Status.NOT_STARTED


def set_note(db: Database, doc_id: str, annotator: str, note: str) -> None:
    touch(db, doc_id, annotator)
    db.execute("UPDATE doc_states SET note = ? WHERE document_id = ? AND annotator = ?", [note, doc_id, annotator])


def set_flags(db: Database, doc_id: str, annotator: str, flags: list[str]) -> None:
    touch(db, doc_id, annotator)
    db.execute(
        "UPDATE doc_states SET flags = ? WHERE document_id = ? AND annotator = ?",
        [json.dumps(sorted(set(flags)), ensure_ascii=False), doc_id, annotator],
    )


# -- spans -----------------------------------------------------------------------------------------------
def insert_span(db: Database, doc_id: str, annotator: str, span: Span) -> Span:
    cur = db.execute(
        "INSERT INTO spans(document_id, annotator, start, end, label, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [doc_id, annotator, span.start, span.end, span.label, span.source, now()],
    )
    return Span(span.start, span.end, span.label, id=cur.lastrowid, source=span.source)


def insert_spans(db: Database, doc_id: str, annotator: str, spans: list[Span]) -> None:
    """Many spans at once (accept-all): one prepared statement, no per-row round trip."""
    stamp = now()
    db.conn.executemany(
        "INSERT INTO spans(document_id, annotator, start, end, label, source, created_at) VALUES (?,?,?,?,?,?,?)",
        [(doc_id, annotator, s.start, s.end, s.label, s.source, stamp) for s in spans],
    )


def get_span(db: Database, span_id: int) -> tuple[str, str, Span] | None:
    row = db.execute(
        "SELECT document_id, annotator, start, end, label, source, id FROM spans WHERE id = ?", [span_id]
    ).fetchone()
    if row is None:
        return None
    return row[0], row[1], Span(row[2], row[3], row[4], id=row[6], source=row[5])


def delete_span(db: Database, span_id: int) -> None:
    db.execute("DELETE FROM spans WHERE id = ?", [span_id])


def update_span(db: Database, span_id: int, **fields) -> None:
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE spans SET {sets} WHERE id = ?", [*fields.values(), span_id])


def spans_of(db: Database, doc_id: str, annotator: str) -> list[Span]:
    return [
        Span(r[0], r[1], r[2], id=r[3], source=r[4])
        for r in db.execute(
            "SELECT start, end, label, id, source FROM spans WHERE document_id = ? AND annotator = ? "
            "ORDER BY start, end, label",
            [doc_id, annotator],
        )
    ]


# -- events ----------------------------------------------------------------------------------------------
def insert_event(db: Database, doc_id: str, annotator: str, event: Event) -> Event:
    cur = db.execute(
        "INSERT INTO events(document_id, annotator, type, trigger_start, trigger_end, source, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [doc_id, annotator, event.type, event.trigger_start, event.trigger_end, event.source, now()],
    )
    event_id = new_id(cur)
    args = tuple(insert_argument(db, event_id, a) for a in event.arguments)
    return Event(event.type, event.trigger_start, event.trigger_end, args, id=event_id, source=event.source)


def insert_argument(db: Database, event_id: int, arg: Argument) -> Argument:
    cur = db.execute(
        "INSERT INTO event_arguments(event_id, role, start, end) VALUES (?, ?, ?, ?)",
        [event_id, arg.role, arg.start, arg.end],
    )
    return Argument(arg.role, arg.start, arg.end, id=cur.lastrowid)


def delete_argument(db: Database, argument_id: int) -> None:
    db.execute("DELETE FROM event_arguments WHERE id = ?", [argument_id])


def delete_event(db: Database, event_id: int) -> None:
    db.execute("DELETE FROM events WHERE id = ?", [event_id])


def update_event(db: Database, event_id: int, **fields) -> None:
    sets = ", ".join(f"{k} = ?" for k in fields)
    db.execute(f"UPDATE events SET {sets} WHERE id = ?", [*fields.values(), event_id])


def get_event(db: Database, event_id: int) -> tuple[str, str, Event] | None:
    row = db.execute(
        "SELECT document_id, annotator, type, trigger_start, trigger_end, id, source FROM events WHERE id = ?",
        [event_id],
    ).fetchone()
    if row is None:
        return None
    return row[0], row[1], Event(row[2], row[3], row[4], _arguments(db, row[5]), id=row[5], source=row[6])


def _arguments(db: Database, event_id: int) -> tuple[Argument, ...]:
    return tuple(
        Argument(r[0], r[1], r[2], id=r[3])
        for r in db.execute(
            "SELECT role, start, end, id FROM event_arguments WHERE event_id = ? ORDER BY start, end, role",
            [event_id],
        )
    )


def events_of(db: Database, doc_id: str, annotator: str) -> list[Event]:
    rows = db.execute(
        "SELECT type, trigger_start, trigger_end, id, source FROM events WHERE document_id = ? AND annotator = ? "
        "ORDER BY trigger_start, trigger_end, type, id",
        [doc_id, annotator],
    ).fetchall()
    return [Event(r[0], r[1], r[2], _arguments(db, r[3]), id=r[3], source=r[4]) for r in rows]


# -- stance ----------------------------------------------------------------------------------------------
def set_stance(db: Database, doc_id: str, annotator: str, target: str, value: str | None) -> None:
    if value is None:
        db.execute(
            "DELETE FROM stance WHERE document_id = ? AND annotator = ? AND target = ?",
            [doc_id, annotator, target],
        )
    else:
        db.execute(
            "INSERT OR REPLACE INTO stance(document_id, annotator, target, value) VALUES (?, ?, ?, ?)",
            [doc_id, annotator, target, value],
        )


def stance_of(db: Database, doc_id: str, annotator: str) -> dict[str, str]:
    return dict(
        db.execute(
            "SELECT target, value FROM stance WHERE document_id = ? AND annotator = ? ORDER BY target",
            [doc_id, annotator],
        ).fetchall()
    )


def add_evidence(db: Database, doc_id: str, annotator: str, target: str, ev: Evidence) -> int:
    cur = db.execute(
        "INSERT INTO stance_evidence(document_id, annotator, target, start, end) VALUES (?, ?, ?, ?, ?)",
        [doc_id, annotator, target, ev.start, ev.end],
    )
    return new_id(cur)


def remove_evidence(db: Database, doc_id: str, annotator: str, target: str, ev: Evidence) -> None:
    db.execute(
        "DELETE FROM stance_evidence WHERE id = (SELECT id FROM stance_evidence WHERE document_id = ? "
        "AND annotator = ? AND target = ? AND start = ? AND end = ? LIMIT 1)",
        [doc_id, annotator, target, ev.start, ev.end],
    )


def evidence_of(db: Database, doc_id: str, annotator: str) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for target, start, end in db.execute(
        "SELECT target, start, end FROM stance_evidence WHERE document_id = ? AND annotator = ? "
        "ORDER BY target, start, end",
        [doc_id, annotator],
    ):
        out.setdefault(target, []).append(Evidence(start, end))
    return out


# -- whole layers ----------------------------------------------------------------------------------------
def load_annotation(db: Database, doc_id: str, annotator: str) -> Annotation:
    row = db.execute(
        "SELECT status, note, flags, updated_at FROM doc_states WHERE document_id = ? AND annotator = ?",
        [doc_id, annotator],
    ).fetchone()
    ann = Annotation(document_id=doc_id, annotator=annotator)
    if row:
        ann.status = Status(row[0])
        ann.note = row[1]
        ann.flags = json.loads(row[2]) if row[2] else []
        ann.updated_at = row[3]
    ann.spans = spans_of(db, doc_id, annotator)
    ann.events = events_of(db, doc_id, annotator)
    ann.stance = stance_of(db, doc_id, annotator)
    ann.stance_evidence = evidence_of(db, doc_id, annotator)
    return ann


def clear_annotation(db: Database, doc_id: str, annotator: str) -> None:
    for table in ("spans", "events", "stance", "stance_evidence", "doc_states"):
        db.execute(f"DELETE FROM {table} WHERE document_id = ? AND annotator = ?", [doc_id, annotator])


def write_annotation(db: Database, ann: Annotation, *, updated_at: str | None = None) -> None:
    """Replace the annotator's whole layer on the document with `ann`."""
    ensure_annotator(db, ann.annotator)
    clear_annotation(db, ann.document_id, ann.annotator)
    status = ann.status if ann.status != Status.NOT_STARTED else Status.IN_PROGRESS
    db.execute(
        "INSERT INTO doc_states(document_id, annotator, status, note, flags, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        [
            ann.document_id,
            ann.annotator,
            str(status),
            ann.note or "",
            json.dumps(sorted(set(ann.flags)), ensure_ascii=False),
            updated_at or ann.updated_at or now(),
        ],
    )
    stamp = now()
    db.conn.executemany(
        "INSERT INTO spans(document_id, annotator, start, end, label, source, created_at) VALUES (?,?,?,?,?,?,?)",
        [(ann.document_id, ann.annotator, s.start, s.end, s.label, s.source, stamp) for s in ann.spans],
    )
    for event in ann.events:
        insert_event(db, ann.document_id, ann.annotator, event)
    for target, value in ann.stance.items():
        set_stance(db, ann.document_id, ann.annotator, target, value)
    for target, evidence in ann.stance_evidence.items():
        for ev in evidence:
            add_evidence(db, ann.document_id, ann.annotator, target, ev)


def layers(db: Database, annotator: str | None = None) -> Iterator[tuple[str, str]]:
    """(document_id, annotator) pairs that have a layer, in document order."""
    sql = (
        "SELECT s.document_id, s.annotator FROM doc_states s JOIN documents d ON d.id = s.document_id "
        + ("WHERE s.annotator = ? " if annotator else "")
        + "ORDER BY d.rowid, s.annotator"
    )
    yield from db.execute(sql, [annotator] if annotator else [])


def layers_with_status(db: Database, status: Status) -> Iterator[tuple[str, str]]:
    """(annotator, document id) of the layers with this status."""
    yield from db.execute("SELECT annotator, document_id FROM doc_states WHERE status = ?", [str(status)])


def layers_using_label(db: Database, label: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in db.execute("SELECT DISTINCT document_id, annotator FROM spans WHERE label = ? ORDER BY 1, 2", [label])
    ]


def set_last_document(db: Database, annotator: str, doc_id: str) -> None:
    # Kept in `settings`, not in `annotators`: looking at an article must not make anyone an annotator.
    db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", [f"last_document:{annotator}", doc_id])


def last_document(db: Database, annotator: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [f"last_document:{annotator}"]).fetchone()
    if row:
        return row[0]
    row = db.execute("SELECT last_document FROM annotators WHERE name = ?", [annotator]).fetchone()
    return row[0] if row else None


def find_span_id(db: Database, doc_id: str, annotator: str, start: int, end: int, label: str) -> int | None:
    """The oldest span of the layer at these offsets with this label (undo finds spans by content, not id)."""
    row = db.execute(
        "SELECT id FROM spans WHERE document_id = ? AND annotator = ? AND start = ? AND end = ? AND label = ? "
        "ORDER BY id LIMIT 1",
        [doc_id, annotator, start, end, label],
    ).fetchone()
    return row[0] if row else None


def find_event_id(db: Database, doc_id: str, annotator: str, start: int, end: int, type_: str) -> int | None:
    """The oldest event of the layer with this trigger and type."""
    row = db.execute(
        "SELECT id FROM events WHERE document_id = ? AND annotator = ? AND trigger_start = ? AND trigger_end = ? "
        "AND type = ? ORDER BY id LIMIT 1",
        [doc_id, annotator, start, end, type_],
    ).fetchone()
    return row[0] if row else None


def annotators_of(db: Database, doc_id: str) -> list[str]:
    """Annotators with a layer on the document, by name."""
    return [
        r[0] for r in db.execute("SELECT annotator FROM doc_states WHERE document_id = ? ORDER BY annotator", [doc_id])
    ]


def has_layer(db: Database, doc_id: str, annotator: str) -> bool:
    return (
        db.execute("SELECT 1 FROM doc_states WHERE document_id = ? AND annotator = ?", [doc_id, annotator]).fetchone()
        is not None
    )


def reset_status(db: Database, doc_id: str, annotator: str) -> None:
    """Mark a layer not started again, keeping its work and time stamp."""
    db.execute(
        "UPDATE doc_states SET status = 'not_started' WHERE document_id = ? AND annotator = ?", [doc_id, annotator]
    )


def done_documents(db: Database) -> dict[str, list[str]]:
    """annotator -> ids of the documents they marked done, in document order."""
    out: dict[str, list[str]] = {}
    for annotator, doc_id in db.execute(
        "SELECT s.annotator, s.document_id FROM doc_states s JOIN documents d ON d.id = s.document_id "
        "WHERE s.status = 'done' ORDER BY s.annotator, d.rowid"
    ):
        out.setdefault(annotator, []).append(doc_id)
    return out


def labelled_span_texts(db: Database) -> list[tuple[str, str]]:
    """(label, covered text) of every confirmed span of every layer."""
    return db.execute(
        "SELECT s.label, substr(d.text, s.start + 1, s.end - s.start) FROM spans s "
        "JOIN documents d ON d.id = s.document_id"
    ).fetchall()
