"""Is a project damaged? `annotator check` runs SQLite's integrity check, the foreign-key check and our own
invariants (offsets within the text, the scheme parses, labels in the scheme) and says how to recover. Opening a
project runs SQLite's quick check when that is cheap (`quick_check_on_open`) so the window can warn.

Nothing here writes to the file checked: it is opened read-only (the `--copy-to` recovery writes a new file).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.scheme import Scheme
from annotator.store import database, health
from annotator.store.schema import foreign_objects

QUICK_CHECK_BYTES = 16 * 1024 * 1024  # below this, every opening runs a quick check (a few ms)
QUICK_CHECK_EVERY = timedelta(days=1)  # above it, once a day (recorded in the project's settings)


@dataclass
class HealthReport:
    path: str
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # what was checked, for the summary

    @property
    def ok(self) -> bool:
        return not self.problems

    def advice(self) -> str:
        return (
            f"To recover: restore the last good copy (a backup, or the copy a colleague holds), or save what can "
            f"still be read into a new file with `annotator check {self.path} --copy-to REPAIRED.annotator` "
            f"(SQLite's VACUUM INTO: indexes are rebuilt) and check that copy. Keep the damaged file until then."
        )


def check_project(path: str | Path) -> HealthReport:
    report = HealthReport(str(path))
    try:
        db = database.open_for_check(path)
    except AnnotatorError as exc:
        report.problems.append(str(exc))
        return report
    try:
        _check(db, report)
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"SQLite could not finish the checks: {exc}")
    finally:
        db.close()
    return report


def _check(db, report: HealthReport) -> None:
    problems = report.problems
    report.checked.append("SQLite integrity check")
    found = health.integrity_check(db)
    if any("not a database" in p for p in found):
        problems.append("not an annotator project, or damaged beyond reading: SQLite sees no database in it")
        return
    problems += [f"SQLite: {p}" for p in found]
    if any("malformed" in p for p in found):
        return
    applied = health.applied_migrations(db)
    if applied is None:
        problems.append("not an annotator project (no record of annotator's schema)")
        return
    report.checked.append("schema")
    foreign = foreign_objects(db.conn, applied)
    if foreign:
        problems.append(
            "schema: the file holds what annotator never creates or lacks what it needs: " + ", ".join(foreign)
        )
        return  # nothing more is read from a file whose tables are not ours
    report.checked.append("foreign keys")
    problems += [f"foreign key: {p}" for p in health.foreign_key_check(db)]
    report.checked.append("offsets")
    problems += list(health.offsets_outside_text(db))
    report.checked.append("scheme")
    raw = database.get_setting(db, "scheme")
    try:
        if raw is None:
            raise ValueError("no scheme stored")
        scheme = Scheme.from_json(raw)
    except (ValueError, AnnotatorError) as exc:
        problems.append(f"scheme: the label scheme cannot be read ({exc})")
        return
    problems += _names_outside_scheme(db, scheme)


def _names_outside_scheme(db, scheme: Scheme) -> list[str]:
    used = health.used_names(db)
    roles = {(ev.type, role) for ev in scheme.events for role in ev.roles}
    known = {
        "entity label": set(scheme.entity_labels),
        "event type": set(scheme.event_types),
        "stance target": set(scheme.stance_targets),
        "stance value": set(scheme.stance_values),
    }
    out = []
    for what, names in used.items():
        for name in names:
            if what == "role":
                type_, _, role = name.partition("\x1f")
                if (type_, role) not in roles:
                    out.append(f"scheme: role {role!r} of {type_!r} is used but not in the scheme")
            elif name not in known[what]:
                out.append(f"scheme: {what} {name!r} is used but not in the scheme")
    return out[: health.MAX_REPORTED]


def copy_to(path: str | Path, out: str | Path) -> None:
    """Save what SQLite can read of `path` into the new file `out` (VACUUM INTO); `path` is not changed."""
    out = Path(out)
    if out.exists():
        raise ProjectError(f"{out}: already exists; name a new file for the repaired copy")
    if out.resolve() == Path(path).resolve():
        raise ProjectError(f"{out}: is the damaged project itself; name a new file")
    db = database.open_for_check(path)
    try:
        database.vacuum_into(db, out)
    except sqlite3.DatabaseError as exc:
        out.unlink(missing_ok=True)
        raise ProjectError(
            f"{path}: SQLite could not copy the project ({exc}); restore a backup, or try the sqlite3 "
            "command line's `.recover`"
        ) from None
    finally:
        db.close()


def quick_check_on_open(db, path: Path, *, record: bool) -> list[str] | None:
    """SQLite's quick check when it is cheap: every time for small files, else once a day (recorded in settings
    when `record`). None when not run this time; [] when the file is sound."""
    size = health.file_size(db)
    if size > QUICK_CHECK_BYTES:
        if not record:
            return None
        last = database.get_setting(db, "quick_check_at")
        try:
            if last and datetime.now(UTC) - datetime.fromisoformat(last) < QUICK_CHECK_EVERY:
                return None
        except ValueError:
            pass
    problems = health.integrity_check(db, quick=True)
    if size > QUICK_CHECK_BYTES and record:
        try:
            with db.atomic():
                database.set_setting(db, "quick_check_at", datetime.now(UTC).isoformat())
        except AnnotatorError:
            pass  # busy or read-only: checked again next time
    return problems
