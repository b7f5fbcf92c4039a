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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD, Span, Status
from annotator.core.project import Project
from annotator.core.scoring import PRF
from annotator.nlp import models
from annotator.nlp.entities import LabelMapper, PatternMatcher, model_spans
from annotator.nlp.patterns import confirmed_patterns
from annotator.nlp.trained import models_folder, trained_model  # noqa: F401 (re-exported)

MIN_DOCUMENTS = 10  # done articles a training needs
MIN_EXAMPLES = 5  # spans a label needs to be learned (fewer: the label is named, and left to the base model)
COMPONENTS = ("ner", "stance")  # what `--components` accepts today
Progress = Callable[[dict], None]


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


def _docbin(nlp, pairs: list, path: Path, stance: list[str] | None = None) -> None:
    """Entities as doc.ents; with `stance` (the labels), each set target as cats: its value 1, its other values 0
    (a target without a value is left out: missing, not "no")."""
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    db = DocBin()
    for text, spans, values in pairs:
        doc = nlp.make_doc(text)
        ents = [doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand") for s in spans]
        doc.ents = filter_spans([e for e in ents if e is not None])
        if stance:
            for target, value in values.items():
                for label in stance:
                    if label.startswith(f"{target}="):
                        doc.cats[label] = 1.0 if label == f"{target}={value}" else 0.0
        db.add(doc)
    db.to_disk(path)


def _write_corpus(project: Project, work: Path, train: list, dev: list, stance: bool = False) -> None:
    """train.spacy, dev.spacy and spaCy's own config for them, in the training folder."""
    import spacy

    blank = spacy.blank(project.language)
    labels = stance_labels(project.scheme) if stance else None
    _docbin(blank, train, work / "train.spacy", labels)
    _docbin(blank, dev, work / "dev.spacy", labels)
    _config(project.language, work / "config.cfg", stance)


def _config(lang: str, path: Path, stance: bool = False) -> None:
    from spacy.cli.init_config import init_config

    pipeline = ["ner", "textcat_multilabel"] if stance else ["ner"]
    config = init_config(lang=lang, pipeline=pipeline, optimize="efficiency", gpu=False, pretraining=False)
    config["paths"]["train"] = "train.spacy"
    config["paths"]["dev"] = "dev.spacy"
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


def _prf_by_label(gold: list[list[Span]], predicted: list[list[Span]], labels: list[str]) -> dict[str, PRF]:
    out = {label: PRF() for label in labels}
    for g, p in zip(gold, predicted, strict=True):
        gk, pk = {(s.start, s.end, s.label) for s in g}, {(s.start, s.end, s.label) for s in p}
        for label in labels:
            a = {k for k in gk if k[2] == label}
            b = {k for k in pk if k[2] == label}
            out[label] += PRF(len(a & b), len(a), len(b))
    return out


def evaluate_stance(project: Project, model_folder: Path, dev: list, train: list) -> dict[str, dict]:
    """Per stance target, on the held-out articles that have a value: the accuracy of the trained classifier
    (its highest-scoring value of the target) and of always choosing the training articles' most frequent value."""
    import spacy

    nlp = spacy.load(model_folder)
    out: dict[str, dict] = {}
    docs = list(nlp.pipe(t for t, _, _ in dev))
    for target in project.scheme.stance_targets:
        seen = Counter(values[target] for _, _, values in train if target in values)
        majority = seen.most_common(1)[0][0] if seen else None
        held = [(doc, values[target]) for doc, (_, _, values) in zip(docs, dev, strict=True) if target in values]
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


def predict_stance(cats: dict[str, float], target: str) -> tuple[str | None, float]:
    """The target's value with the highest score among the classifier's "Target=value" labels, and that score."""
    best, score = None, -1.0
    for label, value in cats.items():
        name, _, val = label.partition("=")
        if name == target and value > score:
            best, score = val, value
    return best, max(score, 0.0)


def evaluate(
    project: Project, model_folder: Path, dev: list, train: list
) -> tuple[dict[str, dict[str, dict]], dict[str, str]]:
    """Per label, exact-match P/R/F1 on the held-out articles of the trained model, the base pipeline (mapped to
    the scheme, as suggestions are) and the patterns learned from the training articles; and the best source."""
    import spacy

    labels = list(project.scheme.entity_labels)
    gold = [spans for _, spans, _ in dev]
    trained = spacy.load(model_folder)
    mapper = LabelMapper(project.scheme)
    predicted_trained = [model_spans(d, mapper) for d in trained.pipe(t for t, _, _ in dev)]
    base_spec = models.resolve(project.model, project.language)
    base = models.load(base_spec, events=False)
    predicted_base = [model_spans(d, LabelMapper(project.scheme)) for d in base.pipe(t for t, _, _ in dev)]
    rows = [(s.label, text[s.start : s.end]) for text, spans, _ in train for s in spans]
    matcher = PatternMatcher(base, confirmed_patterns(rows, project.scheme))
    predicted_patterns = [matcher.spans(base.make_doc(t)) for t, _, _ in dev]
    sources = {"trained": predicted_trained, "model": predicted_base, "pattern": predicted_patterns}
    scored = {name: _prf_by_label(gold, pred, labels) for name, pred in sources.items()}
    scores: dict[str, dict[str, dict]] = {}
    choice: dict[str, str] = {}
    for label in labels:
        per = {name: scored[name][label] for name in sources}
        if not any(p.n_a or p.n_b for p in per.values()):
            continue
        scores[label] = {name: p.to_dict() for name, p in per.items()}
        # the best F1 wins; a tie keeps the base model (its suggestions are what annotators know)
        ranked = sorted(per.items(), key=lambda item: (-(item[1].f1 or 0.0), item[0] != "model"))
        choice[label] = ranked[0][0]
    return scores, choice


def _prepare(project: Project, annotator: str | None, gold: bool, dev: float, seed: int):
    """The layer, its done articles' (text, spans), the seeded train/held-out split and the labels with too few
    examples; refuses what cannot be trained, naming the labels."""
    layer = choose_layer(project, annotator, gold)
    done = [doc_id for doc_id, _ in project.layers(layer) if project.status(doc_id, layer) == Status.DONE]
    if len(done) < MIN_DOCUMENTS:
        raise TrainingError(
            f"{project.path}: layer {layer!r} has {len(done)} article(s) marked done; training needs at least "
            f"{MIN_DOCUMENTS} (mark more articles done with Ctrl+Enter)"
        )
    pairs = {}
    for doc_id in done:
        ann = project.annotation(doc_id, layer)
        pairs[doc_id] = (project.document(doc_id).text, ann.spans, dict(ann.stance))
    counts = Counter(s.label for _, spans, _ in pairs.values() for s in spans)
    too_few = {
        label: counts.get(label, 0) for label in project.scheme.entity_labels if 0 < counts.get(label, 0) < MIN_EXAMPLES
    }
    if not any(n >= MIN_EXAMPLES for n in counts.values()):
        raise TrainingError(
            f"{project.path}: no label has {MIN_EXAMPLES} examples in the done articles of {layer!r} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or 'no spans'})"
        )
    train_ids, dev_ids = _split(done, dev, seed)
    return layer, pairs, train_ids, dev_ids, too_few


def train_project(
    project: Project,
    *,
    annotator: str | None = None,
    gold: bool = False,
    components: tuple[str, ...] | None = None,
    dev: float = 0.2,
    seed: int = 0,
    max_steps: int | None = None,
    max_minutes: float | None = None,
    name: str | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> TrainResult:
    unknown = [c for c in components or () if c not in COMPONENTS]
    if unknown:
        raise TrainingError(
            f"--components {','.join(unknown)}: only {', '.join(COMPONENTS)} can be trained in this version"
        )

    layer, pairs, train_ids, dev_ids, too_few = _prepare(project, annotator, gold, dev, seed)
    if components is None:  # everything the layer supports: stance when enough articles have one
        enough = sum(1 for i in train_ids if pairs[i][2]) >= MIN_EXAMPLES
        components = ("ner", "stance") if enough else ("ner",)
    with_stance = "stance" in components
    if with_stance:
        set_ = sum(1 for i in train_ids if pairs[i][2])
        if set_ < MIN_EXAMPLES:
            raise TrainingError(
                f"{project.path}: {set_} training article(s) of {layer!r} have a stance; the stance classifier "
                f"needs at least {MIN_EXAMPLES} (or train entities only: --components ner)"
            )
    folder = models_folder(project)
    folder.mkdir(exist_ok=True)
    name = name or datetime.now(UTC).strftime("model-%Y%m%d-%H%M%S")
    target = folder / name
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=folder))
    started = time.monotonic()
    try:
        _write_corpus(project, work, [pairs[i] for i in train_ids], [pairs[i] for i in dev_ids], with_stance)
        if progress:
            progress({"event": "start", "layer": layer, "train": len(train_ids), "dev": len(dev_ids)})
        stopped = _run_spacy_train(work, max_steps, max_minutes, progress, cancel)
        if stopped == "cancelled":
            raise TrainingError("training cancelled; the previous model stays in use")
        best = work / "output" / "model-best"
        scores, choice = evaluate(project, best, [pairs[i] for i in dev_ids], [pairs[i] for i in train_ids])
        stance_scores = (
            evaluate_stance(project, best, [pairs[i] for i in dev_ids], [pairs[i] for i in train_ids])
            if with_stance
            else {}
        )
        result = TrainResult(
            name, target, layer, len(train_ids), len(dev_ids), time.monotonic() - started, stopped, scores, choice,
            too_few, stance_scores,
        )  # fmt: skip
        (best / "annotator.json").write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        best.rename(target)  # the model appears whole, or not at all
    finally:
        shutil.rmtree(work, ignore_errors=True)
    project.record_training(result.to_dict())
    return result


def learning_curve(
    project: Project,
    *,
    annotator: str | None = None,
    gold: bool = False,
    dev: float = 0.2,
    seed: int = 0,
    max_steps: int | None = None,
    max_minutes: float | None = None,
    fractions: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0),
    progress: Progress | None = None,
) -> list[dict]:
    """Train on growing shares of the training articles (the same held-out articles each time) and score each
    model per label: does more annotation still help? Nothing is saved; the project's model is unchanged."""
    import spacy

    layer, pairs, train_ids, dev_ids, _ = _prepare(project, annotator, gold, dev, seed)
    order = list(train_ids)
    random.Random(seed).shuffle(order)
    labels = list(project.scheme.entity_labels)
    folder = models_folder(project)
    folder.mkdir(exist_ok=True)
    points = []
    for fraction in fractions:
        subset = order[: max(1, round(fraction * len(order)))]
        work = Path(tempfile.mkdtemp(prefix=".curve.", dir=folder))
        try:
            _write_corpus(project, work, [pairs[i] for i in subset], [pairs[i] for i in dev_ids])
            if progress:
                progress({"event": "curve", "fraction": fraction, "train": len(subset), "dev": len(dev_ids)})
            stopped = _run_spacy_train(work, max_steps, max_minutes, None, None)
            trained = spacy.load(work / "output" / "model-best")
            mapper = LabelMapper(project.scheme)
            dev_pairs = [pairs[i] for i in dev_ids]
            predicted = [model_spans(d, mapper) for d in trained.pipe(t for t, _, _ in dev_pairs)]
            scored = _prf_by_label([spans for _, spans, _ in dev_pairs], predicted, labels)
            total = PRF()
            for prf in scored.values():
                total += prf
            points.append(
                {
                    "fraction": fraction,
                    "train_documents": len(subset),
                    "dev_documents": len(dev_ids),
                    "stopped": stopped,
                    "f1": {label: prf.f1 for label, prf in scored.items() if prf.n_a or prf.n_b},
                    "f1_all": total.f1,
                }
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    project.log_curve(layer, points)
    return points
