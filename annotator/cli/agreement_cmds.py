"""`merge` and `agreement`: bringing annotators' project files together and measuring how much they agree."""

from __future__ import annotations

import json
import sys

from annotator.cli import add_command
from annotator.cli.project_cmds import open_project
from annotator.core.agreement import AgreementReport, project_agreement
from annotator.core.merge import merge_projects

AGREEMENT_HELP = """Inter-annotator agreement on the articles annotators marked done.

A pair of annotators is compared on the articles both marked done. Entities and event triggers (type as label):
precision, recall (the first annotator of a pair as reference) and F1 = 2TP/(|A|+|B|), with exact matching
(same start, end, label), overlap (same label, one shared character or more, one-to-one) and unlabelled
(same boundaries); pooled over articles, per label and macro over labels. Event arguments (role + span) are
compared on triggers matched exactly. Stance (per target) and flags: observed agreement and Krippendorff's alpha
(nominal) over every article with two or more ratings, Fleiss' kappa over the articles rated by every chosen
annotator, Cohen's kappa per pair; a target left unset is a missing rating. "documents" counts the articles
marked done by at least two of the chosen annotators. Undefined values are printed as null (JSON) or "-".
The gold layer is left out unless named in --annotators."""


def register(sub) -> None:
    p = add_command(
        sub,
        "merge",
        "Merge other project files (annotators' copies) into PROJECT in one transaction. Nothing is discarded: "
        "in a conflict PROJECT's work is kept and the other version becomes the layer NAME@conflict-N; "
        "everything is listed in PROJECT.merge-report.json.",
        "annotator merge war.annotator alice.annotator bob.annotator --add-documents",
        cmd_merge,
    )
    p.add_argument("project", help="project file to merge into")
    p.add_argument("others", nargs="+", metavar="OTHER", help="project files to merge from (opened read-only)")
    p.add_argument(
        "--add-documents", action="store_true", help="add articles PROJECT lacks (default: report them only)"
    )

    p = add_command(
        sub,
        "agreement",
        "Inter-annotator agreement: span P/R/F1, event triggers and arguments, stance kappas and alpha.",
        "annotator agreement war.annotator --annotators alice,bob --json",
        cmd_agreement,
    )
    p.description = AGREEMENT_HELP
    p.add_argument("project", help="project file")
    p.add_argument("--annotators", help="comma-separated annotators to compare (default: all but gold)")
    p.add_argument("--json", action="store_true", help="print JSON (full precision, null where undefined)")
    p.add_argument("--per-document", action="store_true", help="JSON: add each pair's scores per article")


def cmd_merge(args) -> int:
    with open_project(args.project) as project:
        report = merge_projects(project, args.others, add_documents=args.add_documents)
    print(f"{args.project}: {report.summary()}")
    for c in report.conflicts[:20]:
        print(
            f"  conflict: {c.document_id} by {c.annotator}: kept the project's; {c.file}'s version is the layer "
            f"{c.stored_as} (project {c.project_updated}, {c.file} {c.other_updated or 'time unknown'})"
        )
    if len(report.conflicts) > 20:
        print(f"  ... and {len(report.conflicts) - 20} more conflicts (all listed in {report.report_file})")
    for file, doc_id in report.missing[:20]:
        print(f"  missing: {doc_id} (from {file}) is not in the project", file=sys.stderr)
    for file, doc_id in report.id_clashes[:20]:
        print(f"  skipped: {doc_id} (from {file}) has a different text under the same id", file=sys.stderr)
    for file, other_id, own_id in report.matched_by_text[:20]:
        print(f"  matched by text: {other_id} (from {file}) is {own_id}")
    return 0


def cmd_agreement(args) -> int:
    names = [a.strip() for a in args.annotators.split(",") if a.strip()] if args.annotators else None
    with open_project(args.project, readonly=True) as project:
        report = project_agreement(project, names)
    if args.json:
        print(json.dumps(report.to_json(per_document=args.per_document), ensure_ascii=False, indent=2))
    else:
        print_table(report)
    return 0


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def print_table(report: AgreementReport) -> None:
    print(f"annotators {', '.join(report.annotators) or 'none'}; {len(report.documents)} article(s) compared")
    if len(report.annotators) < 2:
        print("agreement needs at least two annotators")
        return
    for title, results in (
        ("entities", report.entities),
        ("event triggers", report.events),
        ("event arguments", report.arguments),
    ):
        print(f"\n{title}")
        print(f"  {'mode':<11} {'pair':<28} {'docs':>5} {'tp':>6} {'n_a':>6} {'n_b':>6} {'P':>6} {'R':>6} {'F1':>6}")
        for mode, result in results.items():
            for pair in result.pairs:
                m = pair.score.micro
                who = f"{pair.a} / {pair.b}"
                print(
                    f"  {mode:<11} {who:<28} {len(pair.score.per_document):>5} {m.tp:>6} {m.n_a:>6} {m.n_b:>6} "
                    f"{_f(m.precision):>6} {_f(m.recall):>6} {_f(m.f1):>6}"
                )
            print(f"  {mode:<11} {'mean F1':<28}{_f(result.mean_f1):>48}")
    for title, categorical in (("stance", report.stance), ("flags", report.flags)):
        if not categorical:
            continue
        print(f"\n{title}")
        print(f"  {'label':<24} {'units':>6} {'agree':>6} {'alpha':>6} {'fleiss':>7}  cohen per pair")
        for name, r in categorical.items():
            cohen = ", ".join(f"{a}/{b} {_f(k)}" for a, b, k, _ in r.cohen)
            print(
                f"  {name:<24} {r.units:>6} {_f(r.observed_agreement):>6} {_f(r.krippendorff_alpha):>6} "
                f"{_f(r.fleiss_kappa):>7}  {cohen}"
            )
