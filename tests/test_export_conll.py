"""CoNLL-2003 export read by the real `spacy convert -c ner` (same entity texts and labels), IOB1/IOB2,
whitespace inside tokens, and CoNLL-2003 import."""

from __future__ import annotations

import json

import spacy
from spacy.tokens import Doc

from annotator.core.project import Project
from annotator.formats.conll import Word, decode_tags, iob_tags, sentences
from tests.export_helpers import articles, project_from_articles, spacy_convert


def expected_entities(report_path) -> list[tuple[str, str]]:
    """What the export must contain: every annotated entity at its characters, or as the report says."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    entries = {(e["document"], e["start"], e["end"], e["label"]): e for e in report["spans"] if e["kind"] == "entity"}
    out = []
    for art in articles():
        found = []
        for s in art["spans"]:
            entry = entries.get((art["id"], s["start"], s["end"], s["label"]))
            if entry is None:
                found.append((s["start"], art["text"][s["start"] : s["end"]], s["label"]))
            elif "to" in entry and entry["action"] != "left out":
                found.append((entry["to"][0], entry["to_text"], s["label"]))
            else:
                assert entry["action"] in ("left out", "skipped"), entry
        out.extend((text, label) for _, text, label in sorted(found))
    return out


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_conll_read_by_spacy_convert(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    out = tmp_path / "corpus.conll"
    result = cli("export", proj, out, "--format", "conll")
    assert result.code == 0, result
    assert "exported layer 'alice': 4 document(s)" in result.out
    assert "not in conll (the format has no place for them): 4 event(s), 4 stance label(s)" in result.out
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "-DOCSTART- -X- O O"
    assert sum(line == "-DOCSTART- -X- O O" for line in lines) == 4
    assert all(len(line.split(" ")) == 4 for line in lines if line), "every token line has 4 columns"
    assert "\u00a0" not in out.read_text(encoding="utf-8") and "\r" not in out.read_text(encoding="utf-8")
    expected = expected_entities(tmp_path / "corpus.conll.report.json")
    assert ("U.S.-led", "GPE") in expected and ("Kabul\u00a0city", "GPE") in expected
    docs = spacy_convert(out, tmp_path / "converted", "ner")
    assert len(docs) == 4  # our -DOCSTART- lines are spaCy's document delimiter
    got = [(e.text, e.label_) for d in docs for e in d.ents]
    # spaCy's CoNLL reader has no whitespace information: compare entity texts without whitespace
    assert [(squeeze(t), label) for t, label in got] == [(squeeze(t), label) for t, label in expected]
    assert ("Ashraf Ghani", "PERSON") in got and ("ירושלים", "GPE") in got


def test_iob1_and_iob2(tmp_path, cli):
    text = "Fighting in Kabul Kandahar and Herat ended."
    rows = [
        {
            "id": "adjacent",
            "text": text,
            "annotator": "alice",
            "spans": [
                {"start": 12, "end": 17, "label": "GPE"},
                {"start": 18, "end": 26, "label": "GPE"},
                {"start": 31, "end": 36, "label": "GPE"},
            ],
        }
    ]
    proj = project_from_articles(tmp_path, rows)
    for scheme, tags in (
        ("iob2", ["O", "O", "B-GPE", "B-GPE", "O", "B-GPE", "O", "O"]),
        ("iob1", ["O", "O", "I-GPE", "B-GPE", "O", "I-GPE", "O", "O"]),
    ):
        out = tmp_path / f"{scheme}.conll"
        assert cli("export", proj, out, "--format", "conll", "--iob", scheme).code == 0
        body = [line.split() for line in out.read_text(encoding="utf-8").splitlines()[2:] if line]
        assert [cols[-1] for cols in body] == tags
        docs = spacy_convert(out, tmp_path / scheme, "ner")
        assert [(e.text, e.label_) for e in docs[0].ents] == [("Kabul", "GPE"), ("Kandahar", "GPE"), ("Herat", "GPE")]


def test_whitespace_inside_a_token_never_breaks_columns():
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Kabul\u00a0city", "\u2003", "fell", "."], spaces=[True, False, False, False])
    words = sentences(doc, [doc[0:1]])[0]
    assert [w.text for w in words] == ["Kabul", "city", "fell", "."]
    assert [(w.start, w.end) for w in words[:2]] == [(0, 5), (6, 10)]
    labelled = sentences(doc, [doc.char_span(0, 10, "GPE")])[0]
    assert iob_tags(labelled) == ["B-GPE", "I-GPE", "O", "O"]


def test_sentences_never_split_an_entity():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    text = "They left Camp Bastion. Delaram fell.\nThen peace."
    doc = nlp(text)
    start = text.index("Camp")
    ent = doc.char_span(start, text.index("Delaram") + 7, "LOC")  # an odd span across a sentence end
    assert any(t.is_sent_start for t in ent[1:])
    sents = sentences(doc, [ent])
    assert [[w.text for w in s] for s in sents] == [
        ["They", "left", "Camp", "Bastion", ".", "Delaram", "fell", "."],
        ["Then", "peace", "."],
    ]
    assert iob_tags(sents[0]) == ["O", "O", "B-LOC", "I-LOC", "I-LOC", "I-LOC", "O", "O"]


def test_decode_tags():
    assert decode_tags(["B-A", "I-A", "O", "I-B", "I-B", "B-B", "S-C", "B-D", "E-D", "U-E"]) == [
        (0, 2, "A"),
        (3, 5, "B"),
        (5, 6, "B"),
        (6, 7, "C"),
        (7, 9, "D"),
        (9, 10, "E"),
    ]
    assert iob_tags([Word("a", 0, 1, "X", True, 0), Word("b", 2, 3, "X", True, 1)], "iob1") == ["I-X", "B-X"]


def test_conll_import(tmp_path, cli):
    src = tmp_path / "corpus.conll"
    src.write_text(
        "-DOCSTART- -X- -X- O\n\n"
        "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-NORP\ncall NN I-NP O\n. . O O\n\n"
        "Peter NNP B-NP B-PERSON\nBlackburn NNP B-NP I-PERSON\n\n"
        "-DOCSTART- -X- -X- O\n\n"
        "BRUSSELS NNP B-NP I-GPE\n1996-08-22 CD I-NP O\n",
        encoding="utf-8",
    )
    proj = tmp_path / "p.annotator"
    cli("new", proj)
    result = cli("import", proj, src, "--annotator", "conll2003")
    assert result.code == 0, result
    assert "imported 2 new document(s); 2 annotation layer(s) from conll2003" in result.out
    with Project.open(proj) as project:
        assert project.document_ids() == ["corpus.conll#1", "corpus.conll#2"]
        text = project.document("corpus.conll#1").text
        assert text == "EU rejects German call .\nPeter Blackburn"
        ann = project.annotation("corpus.conll#1", "conll2003")
        assert [(text[s.start : s.end], s.label) for s in ann.spans] == [
            ("EU", "ORG"),
            ("German", "NORP"),
            ("Peter Blackburn", "PERSON"),
        ]
        two = project.document("corpus.conll#2").text
        assert [(two[s.start : s.end], s.label) for s in project.annotation("corpus.conll#2", "conll2003").spans] == [
            ("BRUSSELS", "GPE")
        ]


def test_conll_round_trip_through_import(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    out = tmp_path / "corpus.conll"
    cli("export", proj, out, "--format", "conll")
    target = tmp_path / "back.annotator"
    cli("new", target)
    result = cli("import", target, out)  # no --annotator: the layer is called "imported"
    assert result.code == 0, result
    with Project.open(target) as project:
        got = []
        for doc_id in project.document_ids():
            text = project.document(doc_id).text
            assert "  " not in text and "\r" not in text
            got += [(text[s.start : s.end], s.label) for s in project.annotation(doc_id, "imported").spans]
    expected = expected_entities(tmp_path / "corpus.conll.report.json")
    assert [(squeeze(t), label) for t, label in got] == [(squeeze(t), label) for t, label in expected]


def test_bad_conll_file(tmp_path, cli):
    src = tmp_path / "bad.conll"
    src.write_text("Kabul B-GPE\nfell\n", encoding="utf-8")
    proj = tmp_path / "p.annotator"
    cli("new", proj)
    result = cli("import", proj, src)
    assert result.code == 1
    assert "bad.conll:2: expected a token and an entity tag" in result.err
    src.write_text("Kabul X-GPE\n", encoding="utf-8")
    result = cli("import", proj, src)
    assert "bad.conll:1: bad entity tag 'X-GPE'" in result.err
