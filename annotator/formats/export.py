"""Exporting one annotator's layer as training data: spaCy DocBin, CoNLL-2003, CoNLL-U (and JSONL).

`export_project` is shared by the CLI and the window (it imports no Qt; progress is a plain callback
`progress(done, total)`). It picks the layer, tokenises each document with the project language's blank spaCy
pipeline, aligns spans to tokens (see `alignment`), writes the output and a `*.report.json` beside it, and
returns the `ExportReport`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.limits import MAX_ARTICLE_CHARS, article_problem
from annotator.core.model import GOLD, Annotation, Document
from annotator.formats.alignment import ALIGN_MODES, ExportReport

TRAINING_FORMATS = ("spacy", "conll", "conllu", "jsonl")
Progress = Callable[[int, int], None]


class ExportError(AnnotatorError):
    """The export cannot be done as asked (no such layer, several layers and none chosen, bad output path)."""


def choose_layer(project, annotator: str | None = None, gold: bool = False) -> str:
    """The annotator whose layer is exported: the one named, gold, or the only (non-gold) annotator."""
    names = project.annotators()
    if gold:
        annotator = GOLD
    if annotator:
        if annotator not in names:
            hint = " (adjudicate disagreements into a gold layer first)" if annotator == GOLD else ""
            raise NotFoundError(
                f"{project.path}: no layer of annotator {annotator!r}{hint} (annotators: {', '.join(names) or 'none'})"
            )
        return annotator
    people = [n for n in names if n != GOLD]
    if len(people) == 1:
        return people[0]
    if not people:
        if GOLD in names:
            return GOLD
        raise ExportError(f"{project.path}: nothing to export, no document has been annotated yet")
    raise ExportError(
        f"{project.path}: {len(people)} annotators ({', '.join(people)}); choose one with --annotator NAME"
        + (" or --gold" if GOLD in names else "")
    )


def layer_document_ids(project, name: str) -> list[str]:
    """Documents that have a layer for `name`, in project order."""
    return [doc_id for doc_id, _ in project.layers(name)]


def iter_layer(project, name: str, ids: list[str]) -> Iterator[tuple[Document, Annotation]]:
    """(document, annotation) pairs of the layer, for the given document ids in that order."""
    for doc_id in ids:
        document = project.document(doc_id)
        problem = article_problem(document.text)
        if problem:  # only an article stored by other means than import can be this long
            raise ExportError(f"{project.path}: document {doc_id!r}: {problem}; it cannot be exported")
        yield document, project.annotation(doc_id, name)


def blank_pipeline(language: str, report: ExportReport, sentences: bool = False):
    """spaCy's tokenizer for the project language (no model needed); 'xx' if spaCy has no such language."""
    import spacy

    try:
        nlp = spacy.blank(language)
    except ImportError:
        report.warnings.append(f"spaCy has no tokenizer for language {language!r}; used the multi-language 'xx'")
        nlp = spacy.blank("xx")
    # spaCy refuses texts over 1M characters (E088) because a parser needs about 1 GB per 100k; a tokenizer and
    # sentencizer need about 150 MB per million, so every article within the import limit is tokenised whole.
    nlp.max_length = MAX_ARTICLE_CHARS
    if sentences:
        nlp.add_pipe("sentencizer")
    return nlp


def report_path(out: Path, folder: bool) -> Path:
    """`OUT.report.json` beside a file; `OUT/export.report.json` inside a --dev folder."""
    return out / "export.report.json" if folder else out.with_name(out.name + ".report.json")


def split_documents(ids: list[str], dev: float, seed: int) -> tuple[list[str], list[str]]:
    """A seeded, document-level train/dev split; both sides keep project order."""
    if not 0 < dev < 1:
        raise ExportError(f"--dev must be a fraction between 0 and 1 (got {dev})")
    if len(ids) < 2:
        raise ExportError(f"--dev needs at least 2 annotated documents to split (the layer has {len(ids)})")
    shuffled = sorted(ids)
    random.Random(seed).shuffle(shuffled)
    n_dev = min(len(ids) - 1, max(1, round(dev * len(ids))))
    dev_ids = set(shuffled[:n_dev])
    return [i for i in ids if i not in dev_ids], [i for i in ids if i in dev_ids]


def export_project(
    project,
    out: str | Path,
    fmt: str,
    annotator: str | None = None,
    gold: bool = False,
    dev: float | None = None,
    seed: int = 0,
    align: str = "expand",
    iob: str = "iob2",
    progress: Progress | None = None,
) -> ExportReport:
    """Export one layer of `project` to `out` in `fmt`; writes `*.report.json` and returns the report."""
    if fmt not in TRAINING_FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(TRAINING_FORMATS)})")
    if align not in ALIGN_MODES:
        raise ExportError(f"unknown --align {align!r} (choose from {', '.join(ALIGN_MODES)})")
    if iob not in ("iob1", "iob2"):
        raise ExportError(f"unknown --iob {iob!r} (choose iob1 or iob2)")
    if dev is not None and fmt != "spacy":
        raise ExportError("--dev (a train/dev split with a training config) is for --format spacy only")
    out = Path(out)
    name = choose_layer(project, annotator, gold)
    ids = layer_document_ids(project, name)
    report = ExportReport(format=fmt, layer=name, align=align, documents=len(ids))
    folder = fmt == "spacy" and dev is not None
    if folder:
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out}: with --dev the output is a folder, but this is a file")
        out.mkdir(parents=True, exist_ok=True)
    else:
        if out.is_dir():
            raise ExportError(f"{out}: is a folder; give a file name (or use --dev for a spaCy training folder)")
        if not out.parent.exists():
            raise ExportError(f"{out.parent}: folder does not exist")
    rpath = report_path(out, folder)
    report.report_path_hint = str(rpath)
    total = len(ids)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    if fmt == "spacy":
        from annotator.formats import docbin

        nlp = blank_pipeline(project.language, report)
        if dev is not None:  # the same as `folder` here: a spaCy export with --dev
            train_ids, dev_ids = split_documents(ids, dev, seed)
            report.split = {"train": train_ids, "dev": dev_ids}
            found = docbin.write_docbin(
                iter_layer(project, name, train_ids), out / "train.spacy", nlp, project.scheme, report, tick
            )
            # the config follows what the *training* set holds: spaCy takes component labels from it
            in_dev = docbin.write_docbin(
                iter_layer(project, name, dev_ids), out / "dev.spacy", nlp, project.scheme, report, tick
            )
            if in_dev - found:
                what = ", ".join(sorted(in_dev - found))
                report.warnings.append(
                    f"only the dev set has data for {what}: left out of config.cfg (try another --seed or --dev)"
                )
            config = docbin.training_config(nlp.lang, found)
            (out / "config.cfg").write_text(config, encoding="utf-8")
            report.outputs = [str(out / "train.spacy"), str(out / "dev.spacy"), str(out / "config.cfg")]
        else:
            docbin.write_docbin(iter_layer(project, name, ids), out, nlp, project.scheme, report, tick)
            report.outputs = [str(out)]
    elif fmt in ("conll", "conllu"):
        from annotator.formats import conll, conllu

        nlp = blank_pipeline(project.language, report, sentences=True)
        writer = conll.write_conll if fmt == "conll" else conllu.write_conllu
        with open(out, "w", encoding="utf-8", newline="\n") as fh:
            writer(iter_layer(project, name, ids), fh, nlp, report, iob=iob, tick=tick)
        report.outputs = [str(out)]
    else:  # jsonl: the layer verbatim, nothing to align
        from annotator.formats.jsonl import annotation_to_json, write_jsonl

        def rows():
            for doc, ann in iter_layer(project, name, ids):
                report.counts["entity"] += len(ann.spans)
                report.counts["trigger"] += len(ann.events)
                tick()
                yield annotation_to_json(doc, ann)

        with open(out, "w", encoding="utf-8", newline="\n") as fh:
            write_jsonl(rows(), fh)
        report.outputs = [str(out)]
    report.write(rpath)
    return report


def describe(entry: dict) -> str:
    """One line for a report entry: document, span, what happened."""
    span = f"{entry['kind']} {entry['label']} [{entry['start']}, {entry['end']}) {entry['text']!r}"
    what = entry["action"]
    if "to" in entry:
        what += f" to [{entry['to'][0]}, {entry['to'][1]}) {entry['to_text']!r}"
    if entry.get("reason"):
        what += f": {entry['reason']}"
    return f"{entry['document']}: {span} {what}"
