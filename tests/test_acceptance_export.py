"""Acceptance checks of issue 6 as an outside tester would write them: one annotator and no --annotator, a
`.spacy` file without --dev (doc.ents, span groups, cats, user_data, the report beside it), --dev into a folder
that does not exist yet, --gold before any review, options that do not fit the format, and importing a
CoNLL-2003 corpus whose labels (PER, MISC) the project's scheme does not have.
"""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from annotator.core.project import Project
from tests.conftest import file_snapshot

TEXT = "Taliban fighters attacked Kabul on Monday \U0001f600, said NATO\u00a0officials.\r\nKabul is calm."


def at(part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(part, start + 1)
    return start, start + len(part)


def one_annotator_project(cli, tmp_path: Path) -> Path:
    def span(part: str, label: str, nth: int = 0) -> dict:
        s, e = at(part, nth)
        return {"start": s, "end": e, "label": label}

    row = {
        "id": "d1",
        "text": TEXT,
        "annotator": "alice",
        "spans": [span("Taliban", "ORG"), span("Kabul", "GPE"), span("NATO", "ORG"), span("Kabul", "GPE", 1)],
        "events": [
            {
                "type": "ATTACK",
                "trigger": dict(zip(("start", "end"), at("attacked"), strict=True)),
                "arguments": [
                    {"role": "Attacker", **dict(zip(("start", "end"), at("Taliban"), strict=True))},
                    {"role": "Target", **dict(zip(("start", "end"), at("Kabul"), strict=True))},
                ],
            }
        ],
        "stance": {"Taliban": "against"},
    }
    second = {
        "id": "d2",
        "text": "Herat fell.",
        "annotator": "alice",
        "spans": [{"start": 0, "end": 5, "label": "GPE"}],
    }
    src = tmp_path / "alice.jsonl"
    src.write_text(json.dumps(row) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    proj = tmp_path / "p.annotator"
    assert cli("new", proj).code == 0
    assert cli("import", proj, src).code == 0
    return proj


def test_spacy_file_without_dev_and_without_annotator(cli, tmp_path):
    proj = one_annotator_project(cli, tmp_path)
    out = tmp_path / "corpus.spacy"
    result = cli("export", proj, out, "--format", "spacy")
    assert result.code == 0, result
    assert "'alice'" in result.out  # says which layer it exported
    report = json.loads((tmp_path / "corpus.spacy.report.json").read_text(encoding="utf-8"))
    assert report["layer"] == "alice" and report["spans"] == []
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert [d.user_data["id"] for d in docs] == ["d1", "d2"]
    doc = docs[0]
    assert doc.text == TEXT
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (*at("Taliban"), "ORG"),
        (*at("Kabul"), "GPE"),
        (*at("NATO"), "ORG"),
        (*at("Kabul", 1), "GPE"),
    ]
    assert [(s.text, s.label_) for s in doc.spans["events"]] == [("attacked", "ATTACK")]
    assert [(s.text, s.label_) for s in doc.spans["event_args"]] == [("Taliban", "Attacker"), ("Kabul", "Target")]
    event = doc.user_data["events"][0]
    assert event["type"] == "ATTACK" and list(event["trigger"]) == list(at("attacked"))
    assert {a["role"]: (a["start"], a["end"]) for a in event["arguments"]} == {
        "Attacker": at("Taliban"),
        "Target": at("Kabul"),
    }
    assert doc.cats == {
        "Taliban=favor": 0.0,
        "Taliban=against": 1.0,
        "Taliban=neutral": 0.0,
        "Taliban=not mentioned": 0.0,
    }
    assert docs[1].cats == {}  # no stance set: nothing, not negatives


def test_dev_into_a_folder_that_does_not_exist(cli, tmp_path):
    proj = one_annotator_project(cli, tmp_path)
    out = tmp_path / "new" / "training"
    result = cli("export", proj, out, "--format", "spacy", "--dev", "0.2", "--seed", "0")
    assert result.code == 0, result
    assert {p.name for p in out.iterdir()} >= {"train.spacy", "dev.spacy", "config.cfg"}
    assert list(out.glob("*.report.json"))
    vocab = spacy.blank("en").vocab
    train = list(DocBin().from_disk(out / "train.spacy").get_docs(vocab))
    dev = list(DocBin().from_disk(out / "dev.spacy").get_docs(vocab))
    assert (len(train), len(dev)) == (1, 1)
    config = spacy.util.load_config(out / "config.cfg")
    pipeline = set(config["nlp"]["pipeline"])
    assert "ner" in pipeline
    if train[0].user_data["id"] == "d2":  # events and stance only in dev: the config cannot train them, and says so
        assert not pipeline & {"spancat", "textcat_multilabel"}
        assert "only the dev set has data for spancat, textcat" in result.out
    else:
        assert {"spancat", "textcat_multilabel"} <= pipeline


def test_gold_before_any_review_is_a_clear_error(cli, tmp_path):
    proj = one_annotator_project(cli, tmp_path)
    snap = file_snapshot(proj)
    for fmt, name in (("spacy", "g.spacy"), ("conll", "g.conll"), ("jsonl", "g.jsonl")):
        result = cli("export", proj, tmp_path / name, "--format", fmt, "--gold")
        assert result.code == 1
        assert "gold" in result.err and result.err.count("\n") == 1
        assert not (tmp_path / name).exists() and not list(tmp_path.glob("g.*"))
    assert file_snapshot(proj) == snap


def test_dev_is_for_spacy_only(cli, tmp_path):
    proj = one_annotator_project(cli, tmp_path)
    for fmt in ("jsonl", "conll"):
        result = cli("export", proj, tmp_path / f"x.{fmt}", "--format", fmt, "--dev", "0.2")
        assert result.code == 1 and "--dev" in result.err
        assert not (tmp_path / f"x.{fmt}").exists()


def test_several_annotators_need_a_choice(cli, tmp_path):
    proj = one_annotator_project(cli, tmp_path)
    with Project.open(proj) as project:
        project.add_span("d2", "bob", 0, 5, "GPE")
    result = cli("export", proj, tmp_path / "x.spacy", "--format", "spacy")
    assert result.code == 1 and "--annotator" in result.err
    assert cli("export", proj, tmp_path / "x.spacy", "--format", "spacy", "--annotator", "bob").code == 0


def test_conll2003_corpus_labels_join_the_scheme(cli, tmp_path):
    src = tmp_path / "eng.train"
    src.write_text(
        "-DOCSTART- -X- -X- O\n\n"
        "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\ncall NN I-NP O\n. . O O\n\n"
        "Peter NNP B-NP B-PER\nBlackburn NNP B-NP I-PER\n",
        encoding="utf-8",
    )
    proj = tmp_path / "c.annotator"
    assert cli("new", proj).code == 0
    result = cli("import", proj, src, "--format", "conll", "--annotator", "conll")
    assert result.code == 0, result
    assert "MISC, PER" in result.out
    with Project.open(proj) as project:
        assert {"MISC", "PER", "ORG"} <= set(project.scheme.entity_labels)
        text = project.document(project.document_ids()[0]).text
        spans = project.annotation(project.document_ids()[0], "conll").spans
        assert [(text[s.start : s.end], s.label) for s in spans] == [
            ("EU", "ORG"),
            ("German", "MISC"),
            ("Peter Blackburn", "PER"),
        ]


def test_failed_corpus_import_leaves_the_scheme_unchanged(cli, tmp_path):
    good = tmp_path / "a.conll"
    good.write_text("Peter B-PER\nsaid O\n", encoding="utf-8")
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"text": "x", "annotator": "a", "spans": [{"start": 0, "end": 9, "label": "ORG"}]}\n')
    proj = tmp_path / "c.annotator"
    assert cli("new", proj).code == 0
    snap = file_snapshot(proj)
    result = cli("import", proj, good, bad)
    assert result.code == 1 and "b.jsonl:1" in result.err
    assert file_snapshot(proj) == snap
    with Project.open(proj) as project:
        assert "PER" not in project.scheme.entity_labels
