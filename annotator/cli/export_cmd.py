"""`export`: writing layers out in any format `annotator.formats.export` writes; the format comes from `--format`
or OUT's extension. JSONL to `-` streams to standard output."""

from __future__ import annotations

import sys

from annotator.cli import add_command
from annotator.cli.project_cmds import open_project
from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.model import GOLD
from annotator.formats.export import EXPORT_FORMATS, infer_format
from annotator.formats.jsonl import annotation_to_json, document_to_json, write_jsonl

FORMATS = list(EXPORT_FORMATS)


def register(sub) -> None:
    p = add_command(
        sub,
        "export",
        "Export annotations: jsonl (every layer, lossless), training data for spaCy, CoNLL-2003, CoNLL-U, or files "
        "for brat (a folder), doccano (JSONL) and Label Studio (JSON).",
        "annotator export war.annotator out.spacy --annotator alice",
        cmd_export,
    )
    p.add_argument("project", help="project file")
    p.add_argument("out", help="output file or folder (brat; spaCy with --dev); - writes JSONL to standard output")
    p.add_argument(
        "--format",
        default=None,
        choices=FORMATS,
        help="output format (default: from OUT: .spacy .conll .conllu .jsonl, .json = labelstudio, a folder = brat)",
    )
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
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
    fmt = args.format or infer_format(args.out, args.dev)
    if args.out == "-":
        if fmt != "jsonl":
            raise AnnotatorError("standard output (-) takes --format jsonl only")
        return _jsonl_stdout(args)
    from annotator.formats.export import describe, export_project

    with open_project(args.project, readonly=True) as project:
        report = export_project(
            project,
            args.out,
            fmt,
            annotator=args.annotator,
            gold=args.gold,
            dev=args.dev,
            seed=args.seed,
            align=args.align,
            iob=args.iob,
            force=args.force,
            all_layers=True,
        )
    print(report.summary())
    if report.entries:
        for entry in report.entries[:10]:
            print("  " + describe(entry), file=sys.stderr)
        if len(report.entries) > 10:
            print(f"  ... {len(report.entries) - 10} more in {report.report_path_hint}", file=sys.stderr)
    return 0


def _jsonl_stdout(args) -> int:
    annotator = GOLD if args.gold else args.annotator
    if args.dev is not None:
        raise AnnotatorError("--dev (a train/dev split with a training config) is for --format spacy only")
    with open_project(args.project, readonly=True) as project:
        if annotator and annotator not in project.annotators():
            hint = " (adjudicate disagreements into a gold layer first)" if annotator == GOLD else ""
            raise NotFoundError(
                f"{args.project}: no annotator {annotator!r}{hint} "
                f"(annotators: {', '.join(project.annotators()) or 'none'})"
            )
        n = write_jsonl(_jsonl_rows(project, annotator), sys.stdout)
        layer = f"annotator {annotator!r}" if annotator else "all annotators"
        print(f"exported {n} line(s) ({layer}) to standard output", file=sys.stderr)
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
