"""Training runs recorded in the project (the models themselves live in PROJECT.models/, never in the file)."""

from __future__ import annotations

import json

from sqlite_utils import Database

from annotator.store.database import now


def record(db: Database, run: dict) -> None:
    db.execute(
        "INSERT INTO training_runs(time, name, layer, folder, record) VALUES (?, ?, ?, ?, ?)",
        [now(), run["name"], run["layer"], run["folder"], json.dumps(run, ensure_ascii=False)],
    )


def runs(db: Database) -> list[dict]:
    return [
        {**json.loads(r[1]), "time": r[0]} for r in db.execute("SELECT time, record FROM training_runs ORDER BY id")
    ]
