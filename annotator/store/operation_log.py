"""The operation log: one row per user action (time, annotator, article, operation name, a little JSON detail).

Written inside the action's own transaction, so the log and the work never disagree, even after a kill.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlite_utils import Database

from annotator.store.database import now


def record(db: Database, name: str, annotator: str | None, doc_id: str | None, **detail: object) -> int:
    cursor = db.execute(
        "INSERT INTO operations(time, annotator, document_id, name, detail) VALUES (?, ?, ?, ?, ?)",
        [now(), annotator, doc_id, name, json.dumps(detail, ensure_ascii=False, default=str)],
    )
    return int(cursor.lastrowid or 0)


def history(db: Database, annotator: str, limit: int) -> Iterator[tuple[str, dict]]:
    """(kind, detail) of the annotator's last `limit` logged window operations (do / undo / redo), oldest first:
    read when a window opens, so a long history costs no more than its recent end."""
    rows = db.execute(
        "SELECT json_extract(detail, '$.kind'), detail FROM operations "
        "WHERE annotator = ? AND json_extract(detail, '$.kind') IS NOT NULL ORDER BY id DESC LIMIT ?",
        [annotator, limit],
    ).fetchall()
    for kind, detail in reversed(rows):
        yield kind, json.loads(detail)


def prune(db: Database, annotator: str, keep: int) -> None:
    """Drop the arguments and inverses of all but the annotator's last `keep` window operations."""
    row = db.execute(
        "SELECT id FROM operations WHERE annotator = ? AND json_extract(detail, '$.kind') IS NOT NULL "
        "ORDER BY id DESC LIMIT 1 OFFSET ?",
        [annotator, keep],
    ).fetchone()
    if row:
        db.execute(
            "UPDATE operations SET detail = json_remove(detail, '$.op', '$.inverse') "
            "WHERE annotator = ? AND id <= ? AND json_extract(detail, '$.op') IS NOT NULL",
            [annotator, row[0]],
        )


def times_per_article(db: Database) -> Iterator[tuple[str, str, list[str]]]:
    """(annotator, document id, ISO times of their operations in order) for every article someone worked on."""
    current: tuple[str, str] | None = None
    times: list[str] = []
    for annotator, doc_id, time in db.execute(
        "SELECT annotator, document_id, time FROM operations WHERE annotator IS NOT NULL "
        "AND document_id IS NOT NULL ORDER BY annotator, document_id, time"
    ):
        if (annotator, doc_id) != current:
            if current is not None:
                yield (*current, times)
            current, times = (annotator, doc_id), []
        times.append(time)
    if current is not None:
        yield (*current, times)


def recent(db: Database, limit: int = 100) -> list[dict]:
    rows = db.execute(
        "SELECT id, time, annotator, document_id, name, detail FROM operations ORDER BY id DESC LIMIT ?", [limit]
    ).fetchall()
    return [
        {"id": r[0], "time": r[1], "annotator": r[2], "document_id": r[3], "name": r[4], "detail": json.loads(r[5])}
        for r in rows
    ]
