"""`export`: writing a layer out (JSONL here; the training formats are written by annotator.formats.export)."""

from __future__ import annotations

import sys

from annotator.cli import add_command
from annotator.cli.project_cmds import open_project
from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.model import GOLD
from annotator.formats.jsonl import annotation_to_json, document_to_json, write_jsonl

FORMATS = ["jsonl", "spacy", "conll", "conllu"]


def register(sub) -> None:
    p = add_command(
        sub,
        "export",
        "Export annotations: jsonl (every layer, lossless), or training data for spaCy, CoNLL-2003, CoNLL-U.",
        "annotator export war.annotator out.jsonl --format jsonl --annotator alice",
        cmd_export,
    )
    p.add_argument("project", help="project file")
    p.add_argument("out", help="output file (or folder for spaCy with --dev)")
    p.add_argument("--format", default="jsonl", choices=FORMATS, help="output format (default: jsonl)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", help="export this annotator's layer only")
    who.add_argument("--gold", action="store_true", help="export the adjudicated gold layer")
    p.add_argument("--dev", type=float, default=None, help="spaCy: fraction of documents held out as dev set")
    p.add_argument("--seed", type=int, default=0, help="random seed of the train/dev split (default 0)")
    p.add_argument(
        "--align",
        default="expand",
        choices=["expand", "contract", "strict"],
        help="spans cutting through tokens: expand to token edges (default), contract, or skip (strict)",
    )
    p.add_argument("--iob", default="iob2", choices=["iob1", "iob2"], help="CoNLL-2003 tag scheme")


def cmd_export(args) -> int:
    annotator = GOLD if args.gold else args.annotator
    if args.format != "jsonl":
        return _export_training(args)
    if args.dev is not None:
        raise AnnotatorError("--dev (a train/dev split with a training config) is for --format spacy only")
    with open_project(args.project, readonly=True) as project:
        if annotator and annotator not in project.annotators():
            hint = " (adjudicate disagreements into a gold layer first)" if annotator == GOLD else ""
            raise NotFoundError(
                f"{args.project}: no annotator {annotator!r}{hint} "
                f"(annotators: {', '.join(project.annotators()) or 'none'})"
            )
        rows = _jsonl_rows(project, annotator)
        if args.out == "-":
            n = write_jsonl(rows, sys.stdout)
        else:
            with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
                n = write_jsonl(rows, fh)
        layer = f"annotator {annotator!r}" if annotator else "all annotators"
        print(
            f"exported {n} line(s) ({layer}) to {args.out}",
            file=sys.stderr if args.out == "-" else sys.stdout,
        )
    return 0


def _jsonl_rows(project, annotator: str | None):
    """All layers in document order; documents nobody annotated appear once, as plain articles."""
    layers: dict[str, list[str]] = {}
    for doc_id, name in project.layers(annotator):
        layers.setdefault(doc_id, []).append(name)
    for doc in project.iter_documents():
        names = layers.get(doc.id, [])
        if not names:
            if annotator is None:
                yield document_to_json(doc)
            continue
        for name in names:
            yield annotation_to_json(doc, project.annotation(doc.id, name))


def _export_training(args) -> int:
    """`annotator export` for spacy/conll/conllu: export, print the summary and the counts, exit 0."""
    from annotator.formats.export import describe, export_project

    with open_project(args.project, readonly=True) as project:
        report = export_project(
            project,
            args.out,
            args.format,
            annotator=args.annotator,
            gold=args.gold,
            dev=args.dev,
            seed=args.seed,
            align=args.align,
            iob=args.iob,
        )
    print(report.summary())
    if report.entries:
        for entry in report.entries[:10]:
            print("  " + describe(entry), file=sys.stderr)
        if len(report.entries) > 10:
            print(f"  ... {len(report.entries) - 10} more in {report.report_path_hint}", file=sys.stderr)
    return 0
