"""The exported training folder trains as is: the annotated sample articles -> --dev -> `python -m spacy train`."""

from __future__ import annotations

import subprocess
import sys

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.project import Project
from tests.conftest import SAMPLES
from tests.export_helpers import annotate_samples


@pytest.mark.slow
def test_samples_export_and_spacy_train(tmp_path, cli):
    proj = tmp_path / "war.annotator"
    assert cli("new", proj).code == 0
    assert cli("import", proj, SAMPLES).code == 0
    with Project.open(proj) as project:
        annotate_samples(project)
        n_spans = project.stats()["annotators"]["alice"]["spans"]
    out = tmp_path / "training"
    result = cli("export", proj, out, "--format", "spacy", "--dev", "0.4", "--seed", "1")
    assert result.code == 0, result
    assert "exported layer 'alice': 5 document(s)" in result.out
    assert "split: 3 train, 2 dev" in result.out
    vocab = spacy.blank("en").vocab
    docs = [
        *DocBin().from_disk(out / "train.spacy").get_docs(vocab),
        *DocBin().from_disk(out / "dev.spacy").get_docs(vocab),
    ]
    assert sum(len(d.spans["entities"]) for d in docs) == n_spans
    assert all(d.cats for d in docs)
    assert any(d.spans.get("events") for d in docs)

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "train",
            "config.cfg",
            "--paths.train",
            "train.spacy",
            "--paths.dev",
            "dev.spacy",
            "--output",
            str(tmp_path / "model"),
            "--training.max_steps",
            "5",
            "--training.eval_frequency",
            "5",
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert nlp.pipe_names == ["tok2vec", "ner", "spancat", "textcat_multilabel"]
    assert {"GPE", "ORG", "PERSON"} <= set(nlp.get_pipe("ner").labels)
    assert set(nlp.get_pipe("spancat").labels) == {"ATTACK", "CASUALTIES"}
    assert "Taliban=against" in nlp.get_pipe("textcat_multilabel").labels
