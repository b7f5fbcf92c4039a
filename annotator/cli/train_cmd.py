"""`train`: train a spaCy pipeline on a layer's done articles and compare it, per label, with the base pipeline
and the learned patterns on held-out articles (see annotator.nlp.training)."""

from __future__ import annotations

import json
import sys

from annotator.cli import add_command
from annotator.cli.project_cmds import open_project


def register(sub) -> None:
    p = add_command(
        sub,
        "train",
        "Train a spaCy pipeline on the articles a layer marked done; evaluate it per label against the base "
        "pipeline and the learned patterns on held-out articles; record the run in the project.",
        "annotator train war.annotator --annotator alice --dev 0.2 --max-minutes 10",
        cmd_train,
    )
    p.add_argument("project", help="project file")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", metavar="NAME", help="the layer to learn from (default: gold, else the only one)")
    who.add_argument("--gold", action="store_true", help="learn from the adjudicated gold layer")
    p.add_argument(
        "--components",
        default=None,
        help="what to train, comma-separated: ner (entities), events (span categorizers for event triggers and "
        "argument phrases), stance (a text classifier); default: each the layer has enough examples for",
    )
    p.add_argument(
        "--base",
        metavar="MODEL",
        default=None,
        help="the spaCy pipeline the trained model is compared with per label, and whose suggestions it "
        "completes (default: the project's model; given, it becomes the project's model)",
    )
    p.add_argument("--dev", type=float, default=0.2, help="share of the done articles held out (default 0.2)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the held-out split (default 0)")
    p.add_argument("--max-steps", type=int, default=None, metavar="N", help="stop after N training steps")
    p.add_argument(
        "--max-minutes", type=float, default=None, metavar="M", help="stop after M minutes (the best model is kept)"
    )
    p.add_argument(
        "--curve",
        action="store_true",
        help="a learning curve instead: train on 25%%, 50%%, 75%% and 100%% of the layer and print the held-out F1 "
        "per label for each (no model is kept)",
    )
    p.add_argument("--name", default=None, help="the model's folder name in PROJECT.models/ (default: the time)")
    p.add_argument("--progress", choices=["bar", "json", "none"], default="bar", help="progress output")


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "-"


def _sources_table(title: str, scores: dict, choice: dict, columns: dict[str, str], marked: bool = False) -> None:
    """One row per label (or trigger type, or role): each source's held-out F1 (`columns`: source -> heading),
    with `marked` how many the held-out articles have, and the source chosen."""
    if not scores:
        return
    widths = {source: max(8, len(heading)) for source, heading in columns.items()}
    head = " ".join(f"{heading:>{widths[source]}}" for source, heading in columns.items())
    print(f"\n{title:<14} {head}" + (f" {'marked':>7}" if marked else "") + "   suggestions from")
    for name, by_source in scores.items():
        cells = " ".join(f"{_fmt(by_source.get(source, {}).get('f1')):>{widths[source]}}" for source in columns)
        count = f" {next(iter(by_source.values()))['n_a']:>7}" if marked else ""
        print(f"{name:<14} {cells}{count}   {choice.get(name, '-')}")


def _layer_and_bounds(args) -> dict:
    """The options `train` and `train --curve` share: which layer, the held-out split, the bounds."""
    components = tuple(c.strip() for c in args.components.split(",") if c.strip()) if args.components else None
    return {
        "annotator": args.annotator,
        "gold": args.gold,
        "components": components,
        "dev": args.dev,
        "seed": args.seed,
        "max_steps": args.max_steps,
        "max_minutes": args.max_minutes,
    }


def cmd_curve(args) -> int:
    from annotator.nlp.training import learning_curve

    def progress(event: dict) -> None:
        if args.progress == "json":
            print(json.dumps(event), flush=True)
        elif args.progress == "bar":
            print(f"training on {event['train']} article(s) ({event['fraction']:.0%})...", file=sys.stderr)

    with open_project(args.project) as project:
        points = learning_curve(project, progress=progress, **_layer_and_bounds(args))
    if args.progress == "json":
        print(json.dumps({"event": "curve_done", "points": points}), flush=True)
        return 0
    labels = sorted({label for p in points for label in p["f1"]})
    width = {label: max(6, len(label)) for label in labels}
    print(f"{'share':>6} {'articles':>8} {'all':>6} " + " ".join(f"{label:>{width[label]}}" for label in labels))
    for p in points:
        print(
            f"{p['fraction']:>6.0%} {p['train_documents']:>8} {_fmt(p['f1_all']):>6} "
            + " ".join(f"{_fmt(p['f1'].get(label)):>{width[label]}}" for label in labels)
        )
    print(f"(held-out F1 on the same {points[0]['dev_documents']} article(s) each time)")
    return 0


def cmd_train(args) -> int:
    from annotator.nlp.training import train_project

    if args.curve:
        return cmd_curve(args)

    def progress(event: dict) -> None:
        if args.progress == "json":
            print(json.dumps(event), flush=True)
        elif args.progress == "bar" and event["event"] == "start":
            print(
                f"training on layer {event['layer']!r}: {event['train']} article(s), {event['dev']} held out",
                file=sys.stderr,
            )

    with open_project(args.project) as project:
        result = train_project(project, base=args.base, name=args.name, progress=progress, **_layer_and_bounds(args))
    if args.progress == "json":
        print(json.dumps({"event": "done", **result.to_dict()}), flush=True)
        return 0
    print(
        f"trained {result.name} on layer {result.layer!r}: {result.train_documents} article(s), "
        f"{result.dev_documents} held out, {result.seconds:.0f} s ({result.stopped}); saved in {result.folder}"
    )
    _sources_table(
        "label", result.scores, result.choice, {"trained": "trained F1", "model": "base F1", "pattern": "patterns F1"}
    )
    _sources_table(
        "event trigger", result.events, result.event_choice, {"trained": "trained F1", "lexicon": "lists F1"}
    )
    _sources_table(
        "argument role",
        result.arguments,
        result.argument_choice,
        {"trained": "trained F1", "rules": "rules F1"},
        marked=True,
    )
    if result.arguments:
        print("(arguments scored on the held-out articles' own triggers)")
    if result.stance:
        print(f"\n{'stance target':<20} {'articles':>8} {'trained':>8} {'majority':>9}")
        for target, acc in result.stance.items():
            print(f"{target:<20} {acc['n']:>8} {_fmt(acc['trained']):>8} {_fmt(acc['majority']):>9}")
    if result.too_few:
        few = ", ".join(f"{k} ({v})" for k, v in result.too_few.items())
        print(f"\nfewer than 5 examples, not learned well yet: {few}")
    return 0
