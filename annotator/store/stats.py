"""Counts for `annotator stats`: per annotator, statuses, spans, events, stance, arguments, evidence, notes,
flags, labels and event types (one GROUP BY query each)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlite_utils import Database

from annotator.store.annotations import annotator_names


def annotator_counts(db: Database) -> tuple[dict[str, dict[str, Any]], Counter[str], Counter[str]]:
    """(annotator -> counts, spans per label, events per type)."""
    per: dict[str, dict[str, Any]] = {}
    for name in annotator_names(db):
        per[name] = {"done": 0, "in_progress": 0, "not_started": 0, "spans": 0, "events": 0, "stance": 0}
    for name, status, n in db.execute("SELECT annotator, status, count(*) FROM doc_states GROUP BY 1, 2"):
        if name in per:  # names registered without any work are not annotators (issue 11)
            per[name][status] = n
    for table, key in (("spans", "spans"), ("events", "events"), ("stance", "stance")):
        for name, n in db.execute(f"SELECT annotator, count(*) FROM {table} GROUP BY 1"):
            per[name][key] = n
    # event arguments, stance evidence, notes and flagged articles (issue 5: everything is counted)
    for name in per:
        per[name].update(arguments=0, evidence=0, notes=0, flagged=0, stance_values={}, flags={})
    for sql, key in (
        (
            "SELECT e.annotator, count(*) FROM event_arguments a JOIN events e ON e.id = a.event_id GROUP BY 1",
            "arguments",
        ),
        ("SELECT annotator, count(*) FROM stance_evidence GROUP BY 1", "evidence"),
        ("SELECT annotator, count(*) FROM doc_states WHERE note != '' GROUP BY 1", "notes"),
        ("SELECT annotator, count(*) FROM doc_states WHERE flags NOT IN ('[]', '') GROUP BY 1", "flagged"),
    ):
        for name, n in db.execute(sql):
            per[name][key] = n
    for name, target, value, n in db.execute(
        "SELECT annotator, target, value, count(*) FROM stance GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ):
        per[name]["stance_values"].setdefault(target, {})[value] = n
    for name, flags in db.execute("SELECT annotator, flags FROM doc_states WHERE flags NOT IN ('[]', '')"):
        for flag in json.loads(flags):
            per[name]["flags"][flag] = per[name]["flags"].get(flag, 0) + 1
    labels: Counter[str] = Counter()
    for name in per:
        per[name]["labels"] = {}
        per[name]["event_types"] = {}
    for name, label, n in db.execute("SELECT annotator, label, count(*) FROM spans GROUP BY 1, 2 ORDER BY 1, 2"):
        per[name]["labels"][label] = n
        labels[label] += n
    event_types: Counter[str] = Counter()
    for name, type_, n in db.execute("SELECT annotator, type, count(*) FROM events GROUP BY 1, 2 ORDER BY 1, 2"):
        per[name]["event_types"][type_] = n
        event_types[type_] += n
    return per, labels, event_types
