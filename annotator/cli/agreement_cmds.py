"""`merge` and `agreement`: bringing annotators' project files together and measuring how much they agree."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from annotator.cli import add_command
from annotator.cli.project_cmds import open_project
from annotator.core.agreement import AgreementReport, project_agreement
from annotator.core.merge import merge_projects
from annotator.formats.agreement_html import write_report

AGREEMENT_HELP = """Inter-annotator agreement on the articles annotators marked done.

A pair of annotators is compared on the articles both marked done. Entities and event triggers (type as label):
precision, recall (the first annotator of a pair as reference) and F1 = 2TP/(|A|+|B|), with exact matching
(same start, end, label), overlap (same label, one shared character or more, one-to-one) and unlabelled
(same boundaries); pooled over articles, per label and macro over labels. Event arguments (role + span) are
compared on triggers matched exactly. Stance (per target) and flags: observed agreement and Krippendorff's alpha
(nominal) over every article with two or more ratings, Fleiss' kappa over the articles rated by every chosen
annotator, Cohen's kappa per pair; a target left unset is a missing rating. "documents" counts the articles
marked done by at least two of the chosen annotators. Undefined values are printed as null (JSON) or "-".
The gold layer is left out unless named in --annotators.

--ci adds a 95% percentile bootstrap interval to span P/R/F1, Cohen's and Fleiss' kappa and Krippendorff's alpha:
the compared articles are resampled with replacement (--samples times, seeded by --seed; the same resamples for
every figure of a run, so the same seed gives the same intervals). --per-document adds each article's figures
and its disagreements (units where the annotators' versions differ, as the review window counts them).
--report FILE.html writes all of it as one self-contained HTML file for a paper (charts inline as SVG)."""


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
    p.add_argument(
        "--per-document", action="store_true", help="add each article's scores and disagreements (table and JSON)"
    )
    p.add_argument("--ci", action="store_true", help="add 95%% bootstrap intervals (articles resampled)")
    p.add_argument("--samples", type=_positive, default=1000, help="bootstrap resamples for --ci (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the resamples for --ci (default 0)")
    p.add_argument("--report", metavar="FILE.html", help="also write a self-contained HTML report for a paper")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return value


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
    if args.ci or args.report:  # a report for a paper always carries its intervals
        report.with_intervals(args.samples, args.seed)
    if args.report:
        write_report(args.report, report.to_json(per_document=True), args.project)
    shown = report if args.ci else replace(report, ci=None)
    if args.json:
        print(json.dumps(shown.to_json(per_document=args.per_document), ensure_ascii=False, indent=2))
    else:
        print_table(shown, per_document=args.per_document)
        if args.report:
            print(f"\nreport written to {args.report}")
    return 0


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _ci(interval: tuple[float, float] | None) -> str:
    return "-" if interval is None else f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def print_table(report: AgreementReport, per_document: bool = False) -> None:
    """The readable table: pairs per layer and mode (with intervals when computed), per-label figures, stance and
    flags, label confusion and, with `per_document`, each article's exact F1 per pair and its disagreements."""
    ci = report.ci
    print(f"annotators {', '.join(report.annotators) or 'none'}; {len(report.documents)} article(s) compared")
    if ci is not None:
        print(f"95% bootstrap intervals: {ci.samples} resamples of the {ci.articles} articles, seed {ci.seed}")
    if len(report.annotators) < 2:
        print("agreement needs at least two annotators")
        return
    layers = (("entities", report.entities), ("event triggers", report.events), ("event arguments", report.arguments))
    keys = {"entities": "entities", "event triggers": "events", "event arguments": "arguments"}
    for title, results in layers:
        print(f"\n{title}")
        head = f"  {'mode':<11} {'pair':<28} {'docs':>5} {'tp':>6} {'n_a':>6} {'n_b':>6} {'P':>6} {'R':>6} {'F1':>6}"
        print(head + ("  P 95% CI         R 95% CI         F1 95% CI" if ci else ""))
        for mode, result in results.items():
            for pair in result.pairs:
                m = pair.score.micro
                who = f"{pair.a} / {pair.b}"
                line = (
                    f"  {mode:<11} {who:<28} {len(pair.score.per_document):>5} {m.tp:>6} {m.n_a:>6} {m.n_b:>6} "
                    f"{_f(m.precision):>6} {_f(m.recall):>6} {_f(m.f1):>6}"
                )
                if ci is not None:
                    iv = ci.spans.get((keys[title], mode, pair.a, pair.b), {})
                    line += "  " + " ".join(f"{_ci(iv.get(k)):<16}" for k in ("precision", "recall", "f1"))
                print(line.rstrip())
            print(f"  {mode:<11} {'mean F1':<28}{_f(result.mean_f1):>48}")
        _print_per_label(results)
    for title, categorical in (("stance", report.stance), ("flags", report.flags)):
        if not categorical:
            continue
        print(f"\n{title}")
        extra = "  alpha 95% CI     fleiss 95% CI" if ci else ""
        print(f"  {'label':<24} {'units':>6} {'agree':>6} {'alpha':>6} {'fleiss':>7}{extra}  cohen per pair")
        for name, r in categorical.items():
            coefficients: dict = ci.categorical.get((title, name), {}) if ci else {}
            pair_ci: dict = coefficients.get("cohen", {})
            cohen = ", ".join(
                f"{a}/{b} {_f(k)}" + (f" {_ci(pair_ci.get((a, b)))}" if ci else "") for a, b, k, _ in r.cohen
            )
            alpha_ci, fleiss_ci = _ci(coefficients.get("krippendorff_alpha")), _ci(coefficients.get("fleiss_kappa"))
            cis = f"  {alpha_ci:<16} {fleiss_ci:<16}" if ci else ""
            print(
                f"  {name:<24} {r.units:>6} {_f(r.observed_agreement):>6} {_f(r.krippendorff_alpha):>6} "
                f"{_f(r.fleiss_kappa):>7}{cis}  {cohen}"
            )
    for title, confusion in (("entities", report.entity_confusion), ("event types", report.event_confusion)):
        print(f"\nlabel confusion, {title} (same boundaries, different labels; first / second annotator's label)")
        if not confusion:
            print("  none")
        for (x, y), n in sorted(confusion.items(), key=lambda i: (-i[1], i[0])):
            print(f"  {x:<20} {y:<20} {n:>6}")
    if per_document:
        _print_per_document(report)


def _print_per_label(results) -> None:
    for mode in ("exact", "overlap"):
        result = results.get(mode)
        if result is None or not any(p.score.per_label for p in result.pairs):
            continue
        print(
            f"  per label, {mode}: {'label':<18} {'pair':<28} {'tp':>6} {'n_a':>6} {'n_b':>6} {'P':>6} {'R':>6} {'F1':>6}"
        )
        for pair in result.pairs:
            for label, prf in pair.score.per_label.items():
                who = f"{pair.a} / {pair.b}"
                print(
                    f"  {'':<{len(mode) + 12}}{label:<18} {who:<28} {prf.tp:>6} {prf.n_a:>6} {prf.n_b:>6} "
                    f"{_f(prf.precision):>6} {_f(prf.recall):>6} {_f(prf.f1):>6}"
                )


def _print_per_document(report: AgreementReport) -> None:
    pairs = report.entities["exact"].pairs
    triggers = {(p.a, p.b): p for p in report.events["exact"].pairs}
    print("\nper article: disagreements (units where the versions differ), exact entity / trigger F1 per pair")
    header = "".join(f" {p.a + '/' + p.b:>20}" for p in pairs)
    print(f"  {'article':<24} {'disagree':>8}{header}")
    for doc, n in report.disagreements().items():
        cells = ""
        for p in pairs:
            e = p.score.per_document.get(doc)
            t = triggers[p.a, p.b].score.per_document.get(doc)
            cells += f" {_f(e.f1 if e else None) + ' / ' + _f(t.f1 if t else None):>20}"
        print(f"  {doc:<24} {n:>8}{cells}")
