"""Bulk reads for agreement: the chosen annotators' done states, events, arguments and stance as plain rows, and
their entity spans packed into text that numpy parses (about a million spans as one row per layer)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

_SEP = "\x1f"


def _marks(names: list[str]) -> str:
    return ",".join("?" * len(names)) or "NULL"


def done_state_rows(db: Database, names: list[str]) -> list[tuple[str, str, str]]:
    """(document id, annotator, flags JSON) of the layers the annotators marked done."""
    return db.execute(
        f"SELECT document_id, annotator, flags FROM doc_states WHERE status = 'done' AND annotator IN ({_marks(names)})",
        names,
    ).fetchall()


def argument_rows(db: Database) -> list[tuple[int, str, int, int]]:
    """(event id, role, start, end) of every event argument."""
    return db.execute("SELECT event_id, role, start, end FROM event_arguments").fetchall()


def event_rows(db: Database, names: list[str]) -> list[tuple[int, str, str, str, int, int]]:
    """(id, annotator, document id, type, trigger start, trigger end) of the annotators' events."""
    return db.execute(
        "SELECT id, annotator, document_id, type, trigger_start, trigger_end FROM events "
        f"WHERE annotator IN ({_marks(names)})",
        names,
    ).fetchall()


def stance_rows(db: Database, names: list[str]) -> list[tuple[str, str, str, str]]:
    """(annotator, document id, target, value) of the annotators' stance."""
    return db.execute(
        f"SELECT annotator, document_id, target, value FROM stance WHERE annotator IN ({_marks(names)})", names
    ).fetchall()


def span_labels(db: Database) -> list[str]:
    """Every label a confirmed span uses, sorted."""
    return [r[0] for r in db.execute("SELECT DISTINCT label FROM spans ORDER BY label")]


@dataclass
class SpanNumbers:
    """Each layer's spans as (annotator, document id, count, "n,n,…"): with `packed`, one integer per span,
    (start * radix + end) * n_codes + code; otherwise "start,end,code" triples. `decode[code]` is the index
    of the span's label in the sorted label list."""

    rows: list[tuple[str, str, int, str]]
    packed: bool
    radix: int
    n_codes: int
    decode: list[int]


def span_numbers(db: Database, names: list[str], labels: list[str], pack_limit: int) -> SpanNumbers:
    """The annotators' spans, labels coded as small numbers in SQL: a label's position in one joined string
    (instr is cheaper than a CASE over every label), unless a label holds the separator."""
    joined = _SEP + _SEP.join(labels) + _SEP
    if any(_SEP in label for label in labels):
        code = "CASE label " + " ".join(f"WHEN ? THEN {i}" for i in range(len(labels))) + " END"
        code_params, n_codes = list(labels), len(labels)
        decode = list(range(len(labels)))
    else:
        code, code_params, n_codes = f"instr(?, '{_SEP}' || label || '{_SEP}')", [joined], len(joined) + 1
        decode = [0] * n_codes
        for i, label in enumerate(labels):
            decode[joined.index(_SEP + label + _SEP) + 1] = i  # instr counts from 1
    # one integer per span halves SQLite's work; offsets are at most the longest text's length. SQLite's length()
    # of a text stops at its first U+0000 (packed spans would then collide); the UTF-8 byte count of the same text
    # is never less than its code points, counts every character, and is cheaper to read.
    radix = (db.execute("SELECT max(length(CAST(text AS BLOB))) FROM documents").fetchone()[0] or 0) + 1
    packed = radix * radix * n_codes < pack_limit
    number = f"(start * {radix} + end) * {n_codes} + {code}" if packed else f"start || ',' || end || ',' || {code}"
    rows = db.execute(
        f"SELECT annotator, document_id, count(*), group_concat({number}) "
        f"FROM spans WHERE annotator IN ({_marks(names)}) GROUP BY document_id, annotator",
        [*code_params, *names],
    ).fetchall()
    return SpanNumbers(rows, packed, radix, n_codes, decode)
