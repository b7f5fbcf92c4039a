"""Training a spaCy pipeline inside the tool (`annotator train`): on the articles a layer marked done, with spaCy's
own training loop and config template, evaluated per label on held-out articles against the base pipeline and the
learned patterns, and recorded in the project.

The trained pipeline lives beside the project, in `PROJECT.models/NAME/`, never inside the SQLite file; it is
written to a temporary folder there and renamed into place only when training ends well, so a cancelled or failed
training leaves the previous model in use and nothing half-written. Training runs in a child process (spaCy holds
the GIL; a child can be stopped at a time limit or by the user), so `--max-minutes` keeps the best model so far.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD, Event, Span, Status
from annotator.core.project import Project
from annotator.core.scoring import PRF
from annotator.nlp import models
from annotator.nlp.entities import LabelMapper, PatternMatcher, model_spans
from annotator.nlp.events import ARGUMENTS_KEY, TRIGGERS_KEY
from annotator.nlp.patterns import confirmed_patterns
from annotator.nlp.runner import PIECE_CHARS, split_text  # long articles are trained on in the same pieces
from annotator.nlp.trained import models_folder, trained_model  # noqa: F401 (re-exported)

MIN_DOCUMENTS = 10  # done articles a training needs
MIN_EXAMPLES = 5  # spans a label needs to be learned (fewer: the label is named, and left to the base model)
COMPONENTS = ("ner", "events", "stance")  # what `--components` accepts
PIPES = {"ner": "ner", "events": "spancat", "stance": "textcat_multilabel"}  # the spaCy component of each
ARGUMENTS = "arguments"  # with events: a second span categorizer, for argument phrases labelled with their role
ARGUMENT_SIZES = [1, 2, 3, 4, 5, 6]  # argument phrases are longer than triggers ("the Afghan National Army")
Progress = Callable[[dict], None]


class Example(NamedTuple):
    """One done article of the layer trained on."""

    text: str
    spans: list[Span]
    stance: dict[str, str]
    events: list[Event]


class TrainingError(AnnotatorError):
    """Training cannot run as asked (too few articles or examples, a bad option, spaCy failed)."""


@dataclass
class TrainResult:
    name: str
    folder: Path
    layer: str
    train_documents: int
    dev_documents: int
    seconds: float
    stopped: str  # "converged", "max-steps", "max-minutes"
    scores: dict[str, dict[str, dict]] = field(default_factory=dict)  # label -> source -> PRF dict
    choice: dict[str, str] = field(default_factory=dict)  # label -> "trained" | "model" | "pattern"
    too_few: dict[str, int] = field(default_factory=dict)  # labels with fewer than MIN_EXAMPLES spans
    stance: dict[str, dict] = field(default_factory=dict)  # target -> held-out accuracy: trained, majority
    events: dict[str, dict[str, dict]] = field(default_factory=dict)  # event type -> source -> trigger PRF dict
    event_choice: dict[str, str] = field(default_factory=dict)  # event type -> "trained" | "lexicon"
    arguments: dict[str, dict[str, dict]] = field(default_factory=dict)  # role -> source -> PRF dict
    argument_choice: dict[str, str] = field(default_factory=dict)  # role -> "trained" | "rules"
    components: tuple[str, ...] = ()
    base: str = ""  # the base pipeline compared with (and combined with in suggestions)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "folder": str(self.folder),
            "layer": self.layer,
            "train_documents": self.train_documents,
            "dev_documents": self.dev_documents,
            "seconds": round(self.seconds, 1),
            "stopped": self.stopped,
            "scores": self.scores,
            "choice": self.choice,
            "too_few": self.too_few,
            "stance": self.stance,
            "events": self.events,
            "event_choice": self.event_choice,
            "arguments": self.arguments,
            "argument_choice": self.argument_choice,
            "components": list(self.components),
            "base": self.base,
        }


def choose_layer(project: Project, annotator: str | None, gold: bool) -> str:
    """The layer trained on: the one named, gold, else gold if the project has it, else the only annotator."""
    names = project.annotators()
    if gold or annotator == GOLD:
        if GOLD not in names:
            raise TrainingError(f"{project.path}: no gold layer yet (review disagreements first, or --annotator)")
        return GOLD
    if annotator:
        if annotator not in names:
            raise TrainingError(f"{project.path}: no layer of annotator {annotator!r} ({', '.join(names) or 'none'})")
        return annotator
    if GOLD in names:
        return GOLD
    people = [n for n in names if n != GOLD]
    if len(people) == 1:
        return people[0]
    if not people:
        raise TrainingError(f"{project.path}: nothing to train on, no article has been annotated yet")
    raise TrainingError(f"{project.path}: {len(people)} annotators ({', '.join(people)}); choose with --annotator")


def _split(ids: list[str], dev: float, seed: int) -> tuple[list[str], list[str]]:
    if not 0 < dev < 1:
        raise TrainingError(f"--dev must be a fraction between 0 and 1 (got {dev})")
    shuffled = sorted(ids)
    random.Random(seed).shuffle(shuffled)
    n_dev = min(len(ids) - 1, max(1, round(dev * len(ids))))
    held = set(shuffled[:n_dev])
    return [i for i in ids if i not in held], [i for i in ids if i in held]


def stance_labels(scheme) -> list[str]:
    """The text classifier's labels: one "Target=value" per target and value of the scheme."""
    return [f"{t}={v}" for t in scheme.stance_targets for v in scheme.stance_values]


def _docbin(nlp, examples: list[Example], path: Path, components: tuple[str, ...], stance: list[str]) -> None:
    """Entities as doc.ents, event triggers as spans labelled with their type, and each set stance target as
    cats: its value 1, its other values 0 (a target without a value is left out: missing, not "no")."""
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    db = DocBin()
    for ex in examples:
        doc = nlp.make_doc(ex.text)
        if "ner" in components:
            ents = [doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand") for s in ex.spans]
            doc.ents = filter_spans([e for e in ents if e is not None])
        if "events" in components:
            triggers = {doc.char_span(e.trigger_start, e.trigger_end, label=e.type, alignment_mode="expand")
                        for e in ex.events}  # fmt: skip
            doc.spans[TRIGGERS_KEY] = sorted((t for t in triggers if t is not None), key=lambda t: (t.start, t.end))
            phrases = {doc.char_span(a.start, a.end, label=a.role, alignment_mode="expand")
                       for e in ex.events for a in e.arguments}  # fmt: skip
            doc.spans[ARGUMENTS_KEY] = sorted((a for a in phrases if a is not None), key=lambda a: (a.start, a.end))
        if "stance" in components:
            for target, value in ex.stance.items():
                for label in stance:
                    if label.startswith(f"{target}="):
                        doc.cats[label] = 1.0 if label == f"{target}={value}" else 0.0
        db.add(doc)
    db.to_disk(path)


def _write_corpus(
    project: Project, work: Path, train: list[Example], dev: list[Example], components: tuple[str, ...]
) -> None:
    """train.spacy, dev.spacy and spaCy's own config for them, in the training folder."""
    import spacy

    blank = spacy.blank(project.language)
    labels = stance_labels(project.scheme)
    _docbin(blank, train, work / "train.spacy", components, labels)
    _docbin(blank, dev, work / "dev.spacy", components, labels)
    arguments = "events" in components and sum(len(e.arguments) for ex in train for e in ex.events) >= MIN_EXAMPLES
    _config(project.language, work / "config.cfg", components, arguments)


def _config(lang: str, path: Path, components: tuple[str, ...], arguments: bool = False) -> None:
    """spaCy's own config template for the components; with `arguments`, a second span categorizer (a copy of
    the trigger one, listening to the same tok2vec) for argument phrases, weighed like the others."""
    import copy

    from spacy.cli.init_config import init_config

    pipeline = [PIPES[c] for c in COMPONENTS if c in components]
    config = init_config(lang=lang, pipeline=pipeline, optimize="efficiency", gpu=False, pretraining=False)
    config["paths"]["train"] = "train.spacy"
    config["paths"]["dev"] = "dev.spacy"
    if arguments and "spancat" in pipeline:
        spancat = copy.deepcopy(config["components"]["spancat"])
        spancat["spans_key"] = ARGUMENTS_KEY
        spancat["suggester"]["sizes"] = ARGUMENT_SIZES
        config["components"][ARGUMENTS] = spancat
        names = list(config["nlp"]["pipeline"])
        config["nlp"]["pipeline"] = [
            *names[: names.index("spancat") + 1],
            ARGUMENTS,
            *names[names.index("spancat") + 1 :],
        ]
        weights = config["training"]["score_weights"]
        weights[f"spans_{ARGUMENTS_KEY}_f"] = weights["spans_sc_f"]
        for k in (f"spans_{ARGUMENTS_KEY}_p", f"spans_{ARGUMENTS_KEY}_r"):
            weights[k] = 0.0
    config.to_disk(path)


def _run_spacy_train(
    work: Path,
    max_steps: int | None,
    max_minutes: float | None,
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
) -> str:
    """spaCy's own `train` in a child process; returns why it stopped. model-best holds the best model so far."""
    program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "annotator"]
    overrides = {"paths.train": "train.spacy", "paths.dev": "dev.spacy", "training.eval_frequency": 50}
    overrides["training.patience"] = 400
    if max_steps:
        overrides.update({"training.max_steps": max_steps, "training.eval_frequency": max(1, min(50, max_steps))})
    command = [*program, "_spacy-train", "config.cfg", "output", json.dumps(overrides)]
    started = time.monotonic()
    log = (work / "train.log").open("w", encoding="utf-8")
    try:
        proc = subprocess.Popen(command, cwd=work, stdout=log, stderr=subprocess.STDOUT)
        stopped = "converged" if not max_steps else "max-steps"
        while proc.poll() is None:
            time.sleep(0.5)
            elapsed = time.monotonic() - started
            if progress:
                progress({"event": "training", "seconds": round(elapsed, 1)})
            if (max_minutes and elapsed > max_minutes * 60) or (cancel and cancel()):
                stopped = "max-minutes" if not (cancel and cancel()) else "cancelled"
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                break
    finally:
        log.close()
    if stopped == "cancelled":
        return stopped
    best = work / "output" / "model-best"
    if not best.is_dir():
        tail = (work / "train.log").read_text(encoding="utf-8", errors="replace")[-1500:]
        raise TrainingError(f"spaCy's training produced no model (stopped: {stopped}); its last output:\n{tail}")
    return stopped


def run_spacy_train_worker(args: list[str]) -> int:
    """`annotator _spacy-train CONFIG OUTPUT OVERRIDES_JSON`: spaCy's `train` (the function behind `python -m
    spacy train`) in this process; the training child of `_run_spacy_train`."""
    from spacy.cli.train import train

    config, output, overrides = args
    train(Path(config), Path(output), overrides=json.loads(overrides))
    return 0


Key = tuple  # (start, end, label) of a span or trigger; (trigger start, end, type, start, end, role) of an argument


def _prf_by_label(gold: list[set[Key]], predicted: list[set[Key]], labels: list[str]) -> dict[str, PRF]:
    """Exact-match P/R/F1 per label of (start, end, label) keys, summed over the articles."""
    out = {label: PRF() for label in labels}
    for gk, pk in zip(gold, predicted, strict=True):
        for label in labels:
            a = {k for k in gk if k[-1] == label}
            b = {k for k in pk if k[-1] == label}
            out[label] += PRF(len(a & b), len(a), len(b))
    return out


def _keys(spans: list[Span]) -> set[Key]:
    return {(s.start, s.end, s.label) for s in spans}


def _trigger_keys(doc, types: list[str]) -> set[Key]:
    """The triggers a trained span categorizer suggests in `doc` (overlaps resolved by score, as `suggest` does)."""
    from annotator.nlp.events import best_spans, trained_triggers

    return {(s, e, t) for s, e, t, _ in best_spans(trained_triggers(doc, set(types)))}


def _best(per: dict[str, PRF], keep: str) -> str:
    """The source with the best F1; a tie keeps `keep` (the suggestions annotators know)."""
    return sorted(per.items(), key=lambda item: (-(item[1].f1 or 0.0), item[0] != keep))[0][0]


def _score_sources(gold: list[set[Key]], sources: dict[str, list[set[Key]]], labels: list[str], keep: str):
    """Per label that occurs anywhere: each source's PRF dict, and the best source."""
    scored = {name: _prf_by_label(gold, pred, labels) for name, pred in sources.items()}
    scores: dict[str, dict[str, dict]] = {}
    choice: dict[str, str] = {}
    for label in labels:
        per = {name: scored[name][label] for name in sources}
        if any(p.n_a or p.n_b for p in per.values()):
            scores[label] = {name: p.to_dict() for name, p in per.items()}
            choice[label] = _best(per, keep)
    return scores, choice


def predict_stance(cats: dict[str, float], target: str) -> tuple[str | None, float]:
    """The target's value with the highest score among the classifier's "Target=value" labels, and that score."""
    best, score = None, -1.0
    for label, value in cats.items():
        name, _, val = label.partition("=")
        if name == target and value > score:
            best, score = val, value
    return best, max(score, 0.0)


@dataclass
class Evaluation:
    scores: dict = field(default_factory=dict)
    choice: dict = field(default_factory=dict)
    stance: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)
    event_choice: dict = field(default_factory=dict)
    arguments: dict = field(default_factory=dict)
    argument_choice: dict = field(default_factory=dict)


def _stance_accuracy(project: Project, docs: list, dev: list[Example], train: list[Example]) -> dict[str, dict]:
    """Per stance target, on the held-out articles that have a value: the accuracy of the trained classifier
    (its highest-scoring value of the target) and of always choosing the training articles' most frequent value."""
    out: dict[str, dict] = {}
    for target in project.scheme.stance_targets:
        seen = Counter(ex.stance[target] for ex in train if target in ex.stance)
        majority = seen.most_common(1)[0][0] if seen else None
        held = [(doc, ex.stance[target]) for doc, ex in zip(docs, dev, strict=True) if target in ex.stance]
        if not held:
            continue
        right = sum(predict_stance(doc.cats, target)[0] == value for doc, value in held)
        out[target] = {
            "n": len(held),
            "trained": right / len(held),
            "majority": sum(value == majority for _, value in held) / len(held),
            "majority_value": majority,
        }
    return out


def _argument_keys(project: Project, base_docs: list, trained_docs: list, dev: list[Example]) -> dict:
    """Per source ("rules": the dependency rules, "trained": a trained component's role phrases given to the
    nearest trigger), the arguments it proposes for the held-out articles' own triggers, as keys; and theirs."""
    from annotator.nlp.events import ARGUMENTS_KEY, ArgumentFinder, attach_arguments, best_spans, trained_spans

    roles_of = {ev.type: ev.roles for ev in project.scheme.events}
    roles = {r for ev in project.scheme.events for r in ev.roles}
    out: dict[str, list[set]] = {"gold": [], "rules": [], "trained": []}
    for base_doc, trained_doc, ex in zip(base_docs, trained_docs, dev, strict=True):
        events = [e for e in ex.events if e.type in roles_of]
        triggers = [(e.trigger_start, e.trigger_end, e.type) for e in events]
        pairs = zip(triggers, events, strict=True)
        out["gold"].append({(*t, a.start, a.end, a.role) for t, e in pairs for a in e.arguments})
        rules: set = set()
        if base_doc.has_annotation("DEP"):
            finder = ArgumentFinder(base_doc)
            for t in triggers:
                span = base_doc.char_span(t[0], t[1], alignment_mode="expand")
                if span is not None:
                    rules |= {(*t, a.start, a.end, a.role) for a in finder.arguments(span, roles_of[t[2]])}
        out["rules"].append(rules)
        found = best_spans(trained_spans(trained_doc, roles, key=ARGUMENTS_KEY))
        attached = attach_arguments(base_doc, triggers, found, roles_of)
        given = zip(triggers, attached, strict=True)
        out["trained"].append({(*t, a.start, a.end, a.role) for t, args in given for a in args})
    return out


def evaluate(
    project: Project, model_folder: Path, dev: list[Example], train: list[Example], base_name: str | None = None
) -> Evaluation:
    """On the held-out articles, per label: exact-match P/R/F1 of the trained model, the base pipeline (mapped to
    the scheme, as suggestions are) and the patterns learned from the training articles; per event type, the
    trained span categorizer's triggers against the scheme's trigger lists; per role, the dependency rules'
    arguments; per stance target, the classifier's accuracy against the majority value. And the best sources."""
    import spacy

    from annotator.nlp.events import TriggerMatcher

    scheme = project.scheme
    texts = [ex.text for ex in dev]
    trained = spacy.load(model_folder)
    trained_docs = list(trained.pipe(texts))
    with_events = "spancat" in trained.pipe_names  # the lists match lemmas, the rules read the parse
    base_spec = models.resolve(base_name or project.model, project.language)
    base = models.load(base_spec, events=with_events)
    if base_spec.is_blank:  # a blank base suggests nothing itself (learned patterns are scored on their own)
        models.fill_ruler(base, [])
    base_docs = list(base.pipe(texts))
    out = Evaluation()
    if "ner" in trained.pipe_names:
        rows = [(s.label, ex.text[s.start : s.end]) for ex in train for s in ex.spans]
        matcher = PatternMatcher(base, confirmed_patterns(rows, scheme))
        mapper = LabelMapper(scheme)
        sources = {
            "trained": [_keys(model_spans(d, mapper)) for d in trained_docs],
            "model": [_keys(model_spans(d, mapper)) for d in base_docs],
            "pattern": [_keys(matcher.spans(base.make_doc(t))) for t in texts],
        }
        gold = [_keys(ex.spans) for ex in dev]
        out.scores, out.choice = _score_sources(gold, sources, list(scheme.entity_labels), keep="model")
    if "spancat" in trained.pipe_names:
        types = [ev.type for ev in scheme.events]
        lexicon = TriggerMatcher(base, scheme)
        sources = {
            "trained": [_trigger_keys(d, types) for d in trained_docs],
            "lexicon": [{(t.start_char, t.end_char, t.label_) for t in lexicon.triggers(d)} for d in base_docs],
        }
        gold = [{(e.trigger_start, e.trigger_end, e.type) for e in ex.events} for ex in dev]
        out.events, out.event_choice = _score_sources(gold, sources, types, keep="lexicon")
        keys = _argument_keys(project, base_docs, trained_docs, dev)
        sources = {"trained": keys["trained"]} if ARGUMENTS in trained.pipe_names else {}
        if models.has_parser(base):
            sources["rules"] = keys["rules"]
        if sources:
            roles = sorted({r for ev in scheme.events for r in ev.roles})
            out.arguments, out.argument_choice = _score_sources(keys["gold"], sources, roles, keep="rules")
    if "textcat_multilabel" in trained.pipe_names:
        out.stance = _stance_accuracy(project, trained_docs, dev, train)
    return out


def pieces(ex: Example, limit: int | None = None) -> list[Example]:
    """A long article as pieces cut on paragraph breaks, as suggestions cut it (spaCy's pipelines refuse texts of
    a million characters, and train on one piece at a time): each piece with the spans, triggers and arguments
    inside it in its own offsets; the article's stance goes with the first piece, as it is suggested from it."""
    parts = split_text(ex.text, limit or PIECE_CHARS)
    if len(parts) == 1:
        return [ex]
    out = []
    for offset, text in parts:
        end = offset + len(text)
        spans = [replace(s, start=s.start - offset, end=s.end - offset) for s in ex.spans
                 if offset <= s.start and s.end <= end]  # fmt: skip
        events = [
            replace(
                e,
                trigger_start=e.trigger_start - offset,
                trigger_end=e.trigger_end - offset,
                arguments=tuple(
                    replace(a, start=a.start - offset, end=a.end - offset)
                    for a in e.arguments
                    if offset <= a.start and a.end <= end
                ),
            )
            for e in ex.events
            if offset <= e.trigger_start and e.trigger_end <= end
        ]
        out.append(Example(text, spans, ex.stance if offset == 0 else {}, events))
    return out


@dataclass
class Prepared:
    """The layer's done articles, the seeded split, and how many examples each label and event type has."""

    layer: str
    examples: dict[str, Example]
    train_ids: list[str]
    dev_ids: list[str]
    labels: Counter[str]
    types: Counter[str]

    def train(self, ids: list[str] | None = None) -> list[Example]:
        """The training articles (or `ids`), long ones in pieces (see `pieces`)."""
        return [piece for i in (self.train_ids if ids is None else ids) for piece in pieces(self.examples[i])]

    def dev(self) -> list[Example]:
        """The held-out articles, long ones in pieces."""
        return [piece for i in self.dev_ids for piece in pieces(self.examples[i])]

    def too_few(self) -> dict[str, int]:
        counts = {**self.labels, **{f"{t} triggers": n for t, n in self.types.items()}}  # a type named like a label
        return {name: n for name, n in sorted(counts.items()) if 0 < n < MIN_EXAMPLES}

    def with_stance(self) -> int:
        return sum(1 for i in self.train_ids if self.examples[i].stance)

    def trainable(self) -> tuple[str, ...]:
        """The components the layer has enough examples for."""
        enough = {
            "ner": any(n >= MIN_EXAMPLES for n in self.labels.values()),
            "events": any(n >= MIN_EXAMPLES for n in self.types.values()),
            "stance": self.with_stance() >= MIN_EXAMPLES,
        }
        return tuple(c for c in COMPONENTS if enough[c])


def _prepare(project: Project, annotator: str | None, gold: bool, dev: float, seed: int) -> Prepared:
    """The layer, its done articles and the seeded train/held-out split; refuses too few done articles."""
    layer = choose_layer(project, annotator, gold)
    done = [doc_id for doc_id, _ in project.layers(layer) if project.status(doc_id, layer) == Status.DONE]
    if len(done) < MIN_DOCUMENTS:
        raise TrainingError(
            f"{project.path}: layer {layer!r} has {len(done)} article(s) marked done; training needs at least "
            f"{MIN_DOCUMENTS} (mark more articles done with Ctrl+Enter)"
        )
    examples = {}
    for doc_id in done:
        ann = project.annotation(doc_id, layer)
        examples[doc_id] = Example(project.document(doc_id).text, ann.spans, dict(ann.stance), ann.events)
    scheme = project.scheme
    train_ids, dev_ids = _split(done, dev, seed)
    training = [examples[i] for i in train_ids]  # what a component learns from: the held-out articles do not count
    labels = Counter(s.label for ex in training for s in ex.spans if s.label in scheme.entity_labels)
    types = Counter(e.type for ex in training for e in ex.events if scheme.event(e.type))
    return Prepared(layer, examples, train_ids, dev_ids, labels, types)


def _components(project: Project, prepared: Prepared, asked: tuple[str, ...] | None) -> tuple[str, ...]:
    """What is trained: what was asked for (refusing what the layer has too few examples of), else everything
    the layer has enough examples for."""
    unknown = [c for c in asked or () if c not in COMPONENTS]
    if unknown:
        raise TrainingError(f"--components {','.join(unknown)}: choose from {', '.join(COMPONENTS)}")
    possible = prepared.trainable()
    where = f"{project.path}: in the {len(prepared.train_ids)} training articles of {prepared.layer!r}"

    def listed(counts: Counter[str], none: str) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or none

    labels, types = listed(prepared.labels, "no entity spans"), listed(prepared.types, "no event triggers")
    counts = f"{labels}; {types}"
    if not asked:
        if not possible:
            raise TrainingError(
                f"{where}, no label or event type has {MIN_EXAMPLES} examples ({counts}) and fewer than "
                f"{MIN_EXAMPLES} training articles have a stance"
            )
        return possible
    reasons = {
        "ner": f"no entity label has {MIN_EXAMPLES} examples ({labels})",
        "events": f"no event type has {MIN_EXAMPLES} triggers ({types})",
        "stance": f"{prepared.with_stance()} training article(s) have a stance; the stance classifier needs at "
        f"least {MIN_EXAMPLES}",
    }
    missing = [c for c in asked if c not in possible]
    if missing:
        raise TrainingError(f"{where}, " + "; ".join(reasons[c] for c in missing) + " (choose with --components)")
    return tuple(c for c in COMPONENTS if c in asked)


ABANDONED_HOURS = 24  # a training's work folder untouched this long was left by a killed process


def _forget_abandoned(folder: Path) -> None:
    """Remove the hidden work folders of trainings that were killed (a running one writes to its folder)."""
    now = time.time()
    for work in folder.glob(".*"):
        try:
            touched = max(p.stat().st_mtime for p in [work, *work.rglob("*")]) if work.is_dir() else now
        except OSError:  # being written or removed by another training right now
            continue
        if now - touched > ABANDONED_HOURS * 3600:
            shutil.rmtree(work, ignore_errors=True)


def train_project(
    project: Project,
    *,
    annotator: str | None = None,
    gold: bool = False,
    components: tuple[str, ...] | None = None,
    base: str | None = None,
    dev: float = 0.2,
    seed: int = 0,
    max_steps: int | None = None,
    max_minutes: float | None = None,
    name: str | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> TrainResult:
    """Train on the layer's done articles, evaluate on the held-out ones, keep the model and record the run.
    `base`: the pipeline compared with (default: the project's model)."""
    prepared = _prepare(project, annotator, gold, dev, seed)
    chosen = _components(project, prepared, components)
    base_name = base or project.model
    base_spec = models.resolve(base_name, project.language)  # a base that cannot be found fails here, early
    folder = models_folder(project)
    folder.mkdir(exist_ok=True)
    _forget_abandoned(folder)
    name = name or datetime.now(UTC).strftime("model-%Y%m%d-%H%M%S")
    target = folder / name
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=folder))
    started = time.monotonic()
    train, held = prepared.train(), prepared.dev()
    try:
        _write_corpus(project, work, train, held, chosen)
        if progress:
            progress(
                {
                    "event": "start",
                    "layer": prepared.layer,
                    "train": len(prepared.train_ids),
                    "dev": len(prepared.dev_ids),
                }
            )
        stopped = _run_spacy_train(work, max_steps, max_minutes, progress, cancel)
        if stopped == "cancelled":
            raise TrainingError("training cancelled; the previous model stays in use")
        best = work / "output" / "model-best"
        if progress:
            progress({"event": "evaluating", "dev": len(prepared.dev_ids)})
        ev = evaluate(project, best, held, train, base_name)
        result = TrainResult(
            name=name,
            folder=target,
            layer=prepared.layer,
            train_documents=len(prepared.train_ids),
            dev_documents=len(prepared.dev_ids),
            seconds=time.monotonic() - started,
            stopped=stopped,
            scores=ev.scores,
            choice=ev.choice,
            too_few=prepared.too_few(),
            stance=ev.stance,
            events=ev.events,
            event_choice=ev.event_choice,
            arguments=ev.arguments,
            argument_choice=ev.argument_choice,
            components=chosen,
            base=base_spec.key,
        )
        (best / "annotator.json").write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        best.rename(target)  # the model appears whole, or not at all
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with project.db.atomic():
        project.record_training(result.to_dict())
        if base:  # compared with it: the base of the project's suggestions from now on
            project.set_model(models.stored_name(base, base_spec))
    return result


def learning_curve(
    project: Project,
    *,
    annotator: str | None = None,
    gold: bool = False,
    components: tuple[str, ...] | None = None,
    dev: float = 0.2,
    seed: int = 0,
    max_steps: int | None = None,
    max_minutes: float | None = None,
    fractions: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0),
    progress: Progress | None = None,
) -> list[dict]:
    """Train on growing shares of the training articles (the same held-out articles each time) and score each
    model per label and event type: does more annotation still help? Nothing is saved; the project's model is
    unchanged."""
    import spacy

    prepared = _prepare(project, annotator, gold, dev, seed)
    chosen = tuple(c for c in _components(project, prepared, components) if c != "stance")
    if not chosen:
        raise TrainingError(f"{project.path}: the learning curve scores entities and event triggers; none to train")
    order = list(prepared.train_ids)
    random.Random(seed).shuffle(order)
    scheme = project.scheme
    # only what is trained is scored: entity labels with ner, event types with events
    labels = list(scheme.entity_labels) if "ner" in chosen else []
    types = [ev.type for ev in scheme.events] if "events" in chosen else []
    held = prepared.dev()
    wanted = [
        (_keys(ex.spans) if labels else set()) | {(e.trigger_start, e.trigger_end, e.type) for e in ex.events if types}
        for ex in held
    ]
    folder = models_folder(project)
    folder.mkdir(exist_ok=True)
    points = []
    for fraction in fractions:
        subset = order[: max(1, round(fraction * len(order)))]
        work = Path(tempfile.mkdtemp(prefix=".curve.", dir=folder))
        try:
            _write_corpus(project, work, prepared.train(subset), held, chosen)
            if progress:
                progress({"event": "curve", "fraction": fraction, "train": len(subset), "dev": len(prepared.dev_ids)})
            stopped = _run_spacy_train(work, max_steps, max_minutes, None, None)
            trained = spacy.load(work / "output" / "model-best")
            mapper = LabelMapper(scheme)
            predicted = []
            for doc in trained.pipe(ex.text for ex in held):
                found = _keys(model_spans(doc, mapper)) if "ner" in chosen else set()
                predicted.append(found | _trigger_keys(doc, types))
            scored = _prf_by_label(wanted, predicted, labels + [t for t in types if t not in labels])
            total = PRF()
            for prf in scored.values():
                total += prf
            points.append(
                {
                    "fraction": fraction,
                    "train_documents": len(subset),
                    "dev_documents": len(prepared.dev_ids),
                    "stopped": stopped,
                    "f1": {label: prf.f1 for label, prf in scored.items() if prf.n_a or prf.n_b},
                    "f1_all": total.f1,
                }
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    project.log_curve(prepared.layer, points)
    return points
