"""Entity labels across every layer: how often one is used, renaming it everywhere, deleting its spans.
The scheme itself is a setting (`database.set_setting`); callers store it in the same transaction."""

from __future__ import annotations

from sqlite_utils import Database


def label_usage(db: Database, label: str) -> dict[str, int]:
    """Confirmed spans with this label, per annotator."""
    return dict(
        db.execute(
            "SELECT annotator, count(*) FROM spans WHERE label = ? GROUP BY annotator ORDER BY annotator", [label]
        ).fetchall()
    )


def rename_label(db: Database, old: str, new: str) -> None:
    """Rename in every layer, suggestion and span rejection (the caller holds the transaction)."""
    for table in ("spans", "suggested_spans"):
        db.execute(f"UPDATE {table} SET label = ? WHERE label = ?", [new, old])
    db.execute("UPDATE OR IGNORE rejected_suggestions SET label = ? WHERE label = ? AND kind = 'span'", [new, old])


def delete_label_spans(db: Database, label: str) -> None:
    """Delete every confirmed span of the label (the caller holds the transaction)."""
    db.execute("DELETE FROM spans WHERE label = ?", [label])
