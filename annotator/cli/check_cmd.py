"""`check`: is a project file damaged? SQLite's integrity and foreign-key checks plus annotator's own invariants."""

from __future__ import annotations

from annotator.cli import add_command
from annotator.core.health import check_project, copy_to


def register(sub) -> None:
    p = add_command(
        sub,
        "check",
        "Check a project file for damage (SQLite's integrity check, foreign keys, offsets, scheme); exit 1 if damaged.",
        "annotator check war.annotator --copy-to war-repaired.annotator",
        cmd_check,
    )
    p.add_argument("project", help="project file (opened read-only: the check never changes it)")
    p.add_argument(
        "--copy-to",
        metavar="NEW_FILE",
        help="when damaged, also save what can still be read into NEW_FILE (SQLite's VACUUM INTO) and check it",
    )


def cmd_check(args) -> int:
    report = check_project(args.project)
    if report.ok:
        print(f"{args.project}: no damage found ({', '.join(report.checked)})")
        return 0
    print(f"{args.project}: damaged: {len(report.problems)} problem(s) found")
    for problem in report.problems[:50]:
        print(f"  {problem}")
    if len(report.problems) > 50:
        print(f"  ... and {len(report.problems) - 50} more")
    print(report.advice())
    if args.copy_to:
        copy_to(args.project, args.copy_to)
        again = check_project(args.copy_to)
        state = "no damage found" if again.ok else f"still {len(again.problems)} problem(s)"
        print(f"{args.copy_to}: copy written; {state}")
    return 1
