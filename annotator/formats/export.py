"""Exporting layers: training data (spaCy DocBin, CoNLL-2003, CoNLL-U), JSONL, and the peer tools' formats
(brat, doccano, Label Studio).

`export_project` is shared by the CLI and the window (it imports no Qt; progress is a plain callback
`progress(done, total)`). It picks the layer, tokenises each document with the project language's blank spaCy
pipeline, aligns spans to tokens (see `alignment`), writes the output and a `*.report.json` beside it, and
returns the `ExportReport`.

Every export refuses an output that is the project (or its -wal/-shm), refuses an existing output unless `force`,
and writes to a temporary file (or folder) beside the output that is renamed into place only on success: a failed
or killed export leaves the previous file as it was.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.errors import AnnotatorError, NotFoundError
from annotator.core.limits import MAX_ARTICLE_CHARS, article_problem
from annotator.core.model import GOLD, Annotation, Document
from annotator.formats.alignment import ALIGN_MODES, ExportReport

TRAINING_FORMATS = ("spacy", "conll", "conllu", "jsonl")
PEER_FORMATS = ("brat", "doccano", "labelstudio")
EXPORT_FORMATS = (*TRAINING_FORMATS, *PEER_FORMATS)
ALL_LAYER_FORMATS = ("jsonl", "labelstudio")  # formats that hold every layer when no annotator is chosen
_EXPORT_FILE = re.compile(r"^(?!\.).*\.(txt|ann|conf|spacy|cfg|json)$")  # what brat and --dev folders hold
BY_EXTENSION = {".spacy": "spacy", ".conll": "conll", ".conllu": "conllu", ".jsonl": "jsonl", ".json": "labelstudio"}
Progress = Callable[[int, int], None]


class ExportError(AnnotatorError):
    """The export cannot be done as asked (no such layer, several layers and none chosen, bad output path)."""


def infer_format(out: str | Path, dev: float | None = None) -> str:
    """The format an output name asks for: its extension, or brat for a folder."""
    path = Path(out)
    if str(out) == "-":
        return "jsonl"
    fmt = BY_EXTENSION.get(path.suffix.lower())
    if fmt:
        return fmt
    if dev is not None:
        return "spacy"
    if path.is_dir() or str(out).endswith(("/", os.sep)):
        return "brat"
    raise ExportError(
        f"{out}: cannot tell the format from the name; use --format "
        f"({', '.join(EXPORT_FORMATS)}) or an extension (.spacy, .conll, .conllu, .jsonl, .json, a folder/ for brat)"
    )


def check_output(out: Path, project_path: str | Path | None, force: bool, folder: bool) -> None:
    """Refuse the project file (always) and an existing output (unless `force`)."""
    if project_path is not None:
        target = Path(os.path.abspath(out))
        project = Path(os.path.abspath(project_path))
        guarded = {project, project.with_name(project.name + "-wal"), project.with_name(project.name + "-shm")}
        guarded |= {p.resolve() for p in guarded if p.exists()}
        if target in guarded or (target.exists() and target.resolve() in guarded):
            raise ExportError(f"{out}: this is the project file itself; choose another output name")
        if folder and (project.resolve().is_relative_to(target.resolve()) if target.exists() else False):
            raise ExportError(f"{out}: this folder holds the project file; choose another output folder")
    if folder:  # a training folder may be new, parents and all
        out.parent.mkdir(parents=True, exist_ok=True)
    if not out.parent.exists():
        raise ExportError(f"{out.parent}: folder does not exist")
    if out.exists() and folder and not out.is_dir():
        raise ExportError(
            f"{out}: this export writes a folder (brat; with --dev the output is a folder), but this is a file"
        )
    if out.exists() and not folder and out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name (or use --dev for a spaCy training folder)")
    if out.exists() and not force and not (folder and not any(out.iterdir())):
        raise ExportError(f"{out}: already exists; add --force to replace it")
    if out.exists() and folder:
        strangers = [p.name for p in out.rglob("*") if not p.is_dir() and not _EXPORT_FILE.match(p.name)]
        if strangers:  # --force replaces an earlier export, never a folder of other things
            raise ExportError(
                f"{out}: holds files no export writes ({', '.join(sorted(strangers)[:3])}); "
                "choose a new or empty folder"
            )


@contextmanager
def atomic_path(out: Path, folder: bool = False):
    """A temporary file or folder beside `out`, renamed onto it only if the block succeeds."""
    prefix = f".{out.name}."
    umask = os.umask(0)
    os.umask(umask)
    if folder:
        tmp = Path(tempfile.mkdtemp(prefix=prefix, suffix=".part", dir=out.parent))
        tmp.chmod(0o777 & ~umask)
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=out.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.chmod(0o666 & ~umask)  # mkstemp's 0600 would hide the export from colleagues
    try:
        yield tmp
        if folder and out.is_dir():
            old = Path(tempfile.mkdtemp(prefix=prefix, suffix=".old", dir=out.parent))
            old.rmdir()
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise


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
    fmt: str | None = None,
    annotator: str | None = None,
    gold: bool = False,
    dev: float | None = None,
    seed: int = 0,
    align: str = "expand",
    iob: str = "iob2",
    progress: Progress | None = None,
    force: bool = False,
    all_layers: bool = False,
) -> ExportReport:
    """Export `project` to `out` in `fmt` (None: from the name); writes `*.report.json` and returns the report.

    One layer (the annotator's, gold, or the only one), or with `all_layers` and no annotator named every layer
    (JSONL and Label Studio only)."""
    fmt = fmt or infer_format(out, dev)
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    if align not in ALIGN_MODES:
        raise ExportError(f"unknown --align {align!r} (choose from {', '.join(ALIGN_MODES)})")
    if iob not in ("iob1", "iob2"):
        raise ExportError(f"unknown --iob {iob!r} (choose iob1 or iob2)")
    if dev is not None and fmt != "spacy":
        raise ExportError("--dev (a train/dev split with a training config) is for --format spacy only")
    out = Path(out)
    folder = (fmt == "spacy" and dev is not None) or fmt == "brat"
    if out.is_dir() and not folder:
        raise ExportError(f"{out}: is a folder; give a file name (or use --dev for a spaCy training folder)")
    check_output(out, getattr(project, "path", None), force, folder)
    every = all_layers and fmt in ALL_LAYER_FORMATS and not annotator and not gold
    if every:
        pairs_ids = list(project.layers(None))
        name = "all annotators"
        ids = list(dict.fromkeys(doc_id for doc_id, _ in pairs_ids))
    else:
        name = choose_layer(project, annotator, gold)
        ids = layer_document_ids(project, name)
    report = ExportReport(format=fmt, layer=name, align=align, documents=len(ids))
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
    with atomic_path(out, folder) as tmp:
        if fmt == "spacy":
            from annotator.formats import docbin

            nlp = blank_pipeline(project.language, report)
            if dev is not None:
                train_ids, dev_ids = split_documents(ids, dev, seed)
                report.split = {"train": train_ids, "dev": dev_ids}
                found = docbin.write_docbin(
                    iter_layer(project, name, train_ids), tmp / "train.spacy", nlp, project.scheme, report, tick
                )
                # the config follows what the *training* set holds: spaCy takes component labels from it
                in_dev = docbin.write_docbin(
                    iter_layer(project, name, dev_ids), tmp / "dev.spacy", nlp, project.scheme, report, tick
                )
                if in_dev - found:
                    what = ", ".join(sorted(in_dev - found))
                    report.warnings.append(
                        f"only the dev set has data for {what}: left out of config.cfg (try another --seed or --dev)"
                    )
                config = docbin.training_config(nlp.lang, found)
                (tmp / "config.cfg").write_text(config, encoding="utf-8")
                report.outputs = [str(out / "train.spacy"), str(out / "dev.spacy"), str(out / "config.cfg")]
            else:
                docbin.write_docbin(iter_layer(project, name, ids), tmp, nlp, project.scheme, report, tick)
                report.outputs = [str(out)]
        elif fmt in ("conll", "conllu"):
            from annotator.formats import conll, conllu

            nlp = blank_pipeline(project.language, report, sentences=True)
            writer = conll.write_conll if fmt == "conll" else conllu.write_conllu
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                writer(iter_layer(project, name, ids), fh, nlp, report, iob=iob, tick=tick)
            report.outputs = [str(out)]
        elif fmt == "jsonl" and every:
            _write_jsonl_all(project, tmp, report, tick)
            report.outputs = [str(out)]
        elif fmt == "jsonl":  # the layer verbatim, nothing to align
            from annotator.formats.jsonl import annotation_to_json, write_jsonl

            def rows():
                for doc, ann in iter_layer(project, name, ids):
                    _count(report, ann)
                    tick()
                    yield annotation_to_json(doc, ann)

            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                write_jsonl(rows(), fh)
            report.outputs = [str(out)]
        elif fmt == "brat":
            from annotator.formats import brat

            brat.write(iter_layer(project, name, ids), tmp, project.scheme, report, tick)
            report.outputs = [str(out)]
        elif fmt == "doccano":
            from annotator.formats import doccano

            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                doccano.write(iter_layer(project, name, ids), fh, report, tick)
            report.outputs = [str(out)]
        else:
            from annotator.formats import labelstudio

            layers = pairs_ids if every else [(i, name) for i in ids]
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                labelstudio.write(_grouped(project, layers, every), fh, report, tick)
            if every:
                report.documents = project.document_count()
            report.outputs = [str(out)]
        if folder:
            report.write(tmp / rpath.name)
    if not folder:
        report.write(rpath)
    return report


def _count(report: ExportReport, ann: Annotation) -> None:
    report.counts["entity"] += len(ann.spans)
    report.counts["trigger"] += len(ann.events)
    for kind, n in (("argument", sum(len(e.arguments) for e in ann.events)), ("stance", len(ann.stance))):
        if n:
            report.counts[kind] += n


def _grouped(
    project, layers: list[tuple[str, str]], every_document: bool = False
) -> Iterator[tuple[Document, list[Annotation]]]:
    """Each document once, with its layers, in project order (with `every_document`, unannotated ones too)."""
    by_doc: dict[str, list[str]] = {}
    for doc_id, name in layers:
        by_doc.setdefault(doc_id, []).append(name)
    if every_document:
        for doc in project.iter_documents():
            yield doc, [project.annotation(doc.id, n) for n in by_doc.get(doc.id, [])]
        return
    for doc_id, names in by_doc.items():
        yield project.document(doc_id), [project.annotation(doc_id, n) for n in names]


def _write_jsonl_all(project, path: Path, report: ExportReport, tick: Callable[[], None]) -> None:
    """Every layer in document order; documents nobody annotated appear once, as plain articles."""
    from annotator.formats.jsonl import annotation_to_json, document_to_json, write_jsonl

    layers: dict[str, list[str]] = {}
    for doc_id, name in project.layers(None):
        layers.setdefault(doc_id, []).append(name)

    def rows():
        for doc in project.iter_documents():
            names = layers.get(doc.id, [])
            if not names:
                yield document_to_json(doc)
            for name in names:
                ann = project.annotation(doc.id, name)
                _count(report, ann)
                yield annotation_to_json(doc, ann)
            if names:
                tick()

    report.documents = project.document_count()
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        write_jsonl(rows(), fh)


def describe(entry: dict) -> str:
    """One line for a report entry: document, span, what happened."""
    span = f"{entry['kind']} {entry['label']} [{entry['start']}, {entry['end']}) {entry['text']!r}"
    what = entry["action"]
    if "to" in entry:
        what += f" to [{entry['to'][0]}, {entry['to'][1]}) {entry['to_text']!r}"
    if entry.get("reason"):
        what += f": {entry['reason']}"
    return f"{entry['document']}: {span} {what}"
