"""spaCy DocBin export: JSONL -> project -> .spacy keeps every span (or reports it), events, stance cats,
the alignment modes and their report, the seeded document-level --dev split with its config, and .spacy import."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.project import Project
from annotator.formats.export import export_project, split_documents
from tests.export_helpers import articles, project_from_articles


def load_docs(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


@pytest.fixture
def exported(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    out = tmp_path / "corpus.spacy"
    result = cli("export", proj, out, "--format", "spacy")
    assert result.code == 0, result
    return proj, out, result


def test_every_span_at_its_characters_or_in_the_report(exported):
    _, out, result = exported
    docs = {d.user_data["id"]: d for d in load_docs(out)}
    report = json.loads((out.parent / "corpus.spacy.report.json").read_text(encoding="utf-8"))
    reported = {(e["document"], e["kind"], e["start"], e["end"], e["label"]): e for e in report["spans"]}
    source = articles()
    assert set(docs) == {a["id"] for a in source}
    for art in source:
        doc = docs[art["id"]]
        assert doc.text == art["text"]  # CRLF, NBSP, emoji, RTL: the text is the stored text, byte for byte
        ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        all_entities = {(s.start_char, s.end_char, s.label_) for s in doc.spans["entities"]}
        for s in art["spans"]:
            key = (s["start"], s["end"], s["label"])
            entry = reported.get((art["id"], "entity", *key))
            if entry is None:
                assert key in ents, (art["id"], key, art["text"][s["start"] : s["end"]])
            elif entry["action"] == "not in doc.ents":
                assert key in all_entities and key not in ents
            else:
                assert (*entry["to"], s["label"]) in ents
                assert art["text"][entry["to"][0] : entry["to"][1]] == entry["to_text"]
    # the tricky spans are the ones reported, with what happened to them
    cut = {(e["document"], e["text"]): e for e in report["spans"]}
    assert cut["emoji-crlf-nbsp", "U.S."]["to_text"] == "U.S.-led"
    assert cut["emoji-crlf-nbsp", "U.S."]["action"] == "expanded"
    assert cut["emoji-crlf-nbsp", "Kabul"]["action"] == "not in doc.ents"
    assert cut["cut-tokens", "Ghazni"]["to"] == [0, 10]
    assert cut["cut-tokens", "ashkar Gah"]["to_text"] == "Lashkar Gah"
    assert cut["cut-tokens", "  Herat"]["action"] == "trimmed"
    assert cut["cut-tokens", "etreated"]["kind"] == "trigger"
    assert report["actions"] == {"expanded": 4, "not in doc.ents": 1, "trimmed": 1}
    assert report["layer"] == "alice"
    # the CLI says which layer and prints the counts
    assert "exported layer 'alice': 4 document(s)" in result.out
    assert "4 expanded, 1 not in doc.ents, 1 trimmed" in result.out


def test_emoji_and_rtl_spans_are_exact(exported):
    _, out, _ = exported
    docs = {d.user_data["id"]: d for d in load_docs(out)}
    rtl = docs["rtl"]
    assert [(e.text, e.label_) for e in rtl.ents] == [
        ("طالبان", "ORG"),
        ("قندهار", "GPE"),
        ("Reuters", "ORG"),
        ("كابول", "GPE"),
        ("Friday", "DATE"),
        ("ירושלים", "GPE"),
    ]
    emoji = docs["emoji-crlf-nbsp"]
    herat = next(e for e in emoji.ents if e.text == "Herat")
    # code-point offsets after a skin-tone emoji (two code points, four UTF-16 units) are unchanged
    assert (herat.start_char, herat.end_char) == (emoji.text.index("Herat"), emoji.text.index("Herat") + 5)
    assert "Kabul\u00a0city" in [e.text for e in emoji.ents]


def test_events_and_stance(exported):
    _, out, _ = exported
    doc = {d.user_data["id"]: d for d in load_docs(out)}["emoji-crlf-nbsp"]
    assert [(s.text, s.label_) for s in doc.spans["events"]] == [("attacked", "ATTACK"), ("withdrew", "WITHDRAWAL")]
    assert [(s.text, s.label_) for s in doc.spans["event_args"]] == [
        ("Taliban fighters", "Attacker"),
        ("Kabul", "Target"),
        ("U.S.-led forces", "Agent"),
        ("Herat", "Origin"),
    ]
    text = doc.text
    attack = doc.user_data["events"][0]
    assert attack["type"] == "ATTACK"
    assert text[attack["trigger"][0] : attack["trigger"][1]] == "attacked"
    assert [(a["role"], text[a["start"] : a["end"]]) for a in attack["arguments"]] == [
        ("Attacker", "Taliban fighters"),
        ("Target", "Kabul"),
    ]
    json.dumps(doc.user_data)  # plain JSON, no spaCy objects
    assert doc.cats == {
        "Taliban=favor": 0.0,
        "Taliban=against": 1.0,
        "Taliban=neutral": 0.0,
        "Taliban=not mentioned": 0.0,
        "United States=favor": 0.0,
        "United States=against": 0.0,
        "United States=neutral": 1.0,
        "United States=not mentioned": 0.0,
    }
    plain = {d.user_data["id"]: d for d in load_docs(out)}["nbsp-names"]
    assert plain.cats == {}  # no stance set: no keys at all, not zeros
    assert "events" not in plain.spans


def test_strict_skips_and_marks_tokens_missing(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    out = tmp_path / "strict.spacy"
    result = cli("export", proj, out, "--format", "spacy", "--align", "strict")
    assert result.code == 0
    report = json.loads((tmp_path / "strict.spacy.report.json").read_text(encoding="utf-8"))
    skipped = {(e["document"], e["text"]) for e in report["spans"] if e["action"] == "skipped"}
    assert skipped == {
        ("emoji-crlf-nbsp", "U.S."),
        ("cut-tokens", "Ghazni"),
        ("cut-tokens", "ashkar Gah"),
        ("cut-tokens", "etreated"),
    }
    assert "4 skipped" in result.out
    doc = {d.user_data["id"]: d for d in load_docs(out)}["cut-tokens"]
    # tokens of a skipped entity are unknown to NER, not "outside"; the rest of the text is "outside"
    assert [t.ent_iob_ for t in doc[0:1]] == [""]
    assert doc[1].ent_iob_ == "O"
    lashkar = next(t for t in doc if t.text == "Lashkar")
    assert lashkar.ent_iob_ == "" and lashkar.nbor().ent_iob_ == ""


def test_contract_mode(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    out = tmp_path / "c.spacy"
    assert cli("export", proj, out, "--format", "spacy", "--align", "contract").code == 0
    report = json.loads((tmp_path / "c.spacy.report.json").read_text(encoding="utf-8"))
    by_text = {e["text"]: e for e in report["spans"] if e["document"] == "cut-tokens"}
    assert by_text["ashkar Gah"]["action"] == "contracted"
    assert by_text["ashkar Gah"]["to_text"] == "Gah"
    assert by_text["Ghazni"]["action"] == "skipped"
    assert "no whole token" in by_text["Ghazni"]["reason"]


def test_dev_split_is_document_level_and_seeded(tmp_path, cli):
    ids = [f"d{i}" for i in range(20)]
    train, dev = split_documents(ids, 0.25, seed=3)
    assert len(dev) == 5 and sorted(train + dev) == sorted(ids) and not set(train) & set(dev)
    assert split_documents(ids, 0.25, seed=3) == (train, dev)
    assert split_documents(ids, 0.25, seed=4)[1] != dev
    assert split_documents(list(reversed(ids)), 0.25, seed=3)[1] == list(reversed(dev))  # order does not matter

    proj = project_from_articles(tmp_path)
    out = tmp_path / "training"
    result = cli("export", proj, out, "--format", "spacy", "--dev", "0.5", "--seed", "7")
    assert result.code == 0, result
    assert "split: 2 train, 2 dev" in result.out
    train_docs, dev_docs = load_docs(out / "train.spacy"), load_docs(out / "dev.spacy")
    train_ids = [d.user_data["id"] for d in train_docs]
    dev_ids = [d.user_data["id"] for d in dev_docs]
    assert sorted(train_ids + dev_ids) == sorted(a["id"] for a in articles())
    report = json.loads((out / "export.report.json").read_text(encoding="utf-8"))
    assert report["split"] == {"train": train_ids, "dev": dev_ids}
    again = tmp_path / "again"
    cli("export", proj, again, "--format", "spacy", "--dev", "0.5", "--seed", "7")
    assert (again / "train.spacy").read_bytes() == (out / "train.spacy").read_bytes()
    config = spacy.util.load_config(out / "config.cfg")
    assert config["nlp"]["pipeline"] == ["tok2vec", "ner", "spancat", "textcat_multilabel"]
    assert config["nlp"]["lang"] == "en"
    assert config["components"]["spancat"]["spans_key"] == "events"
    assert "spans_events_f" in config["training"]["score_weights"]
    assert "spans_sc_f" not in config["training"]["score_weights"]
    assert config["paths"]["vectors"] is None and config["system"]["gpu_allocator"] is None


def test_dev_needs_a_fraction_and_documents(tmp_path, cli):
    (tmp_path / "one").mkdir()
    proj = project_from_articles(tmp_path / "one", articles()[:1])
    result = cli("export", proj, tmp_path / "t", "--format", "spacy", "--dev", "0.5")
    assert result.code == 1
    assert "at least 2 annotated documents" in result.err
    proj = project_from_articles(tmp_path)
    result = cli("export", proj, tmp_path / "t2", "--format", "spacy", "--dev", "1.5")
    assert result.code == 1 and "between 0 and 1" in result.err


def test_progress_callback(tmp_path):
    proj = project_from_articles(tmp_path)
    calls = []
    with Project.open(proj, readonly=True) as project:
        report = export_project(project, tmp_path / "p.spacy", "spacy", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert report.documents == 4 and report.counts["trigger"] == 4
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    # the export's one-time msgpack look-up is undone afterwards
    assert "get_all" not in vars(msgpack_encoders) and "get_all" not in vars(msgpack_decoders)


def test_spacy_import_round_trip(tmp_path, cli, exported):
    _, out, _ = exported
    target = tmp_path / "again.annotator"
    assert cli("new", target).code == 0
    result = cli("import", target, out)
    assert result.code == 0, result
    assert "4 annotation layer(s) from imported" in result.out
    with Project.open(target) as project:
        for art in articles():
            assert project.document(art["id"]).text == art["text"]
            ann = project.annotation(art["id"], "imported")
            # the exact layer travels in user_data: original characters, not the token-aligned ones
            assert sorted((s.start, s.end, s.label) for s in ann.spans) == sorted(
                (s["start"], s["end"], s["label"]) for s in art["spans"]
            )
            assert len(ann.events) == len(art.get("events", []))
            assert ann.stance == art.get("stance", {})
            evidence = {t: [(e.start, e.end) for e in evs] for t, evs in ann.stance_evidence.items()}
            assert evidence == {
                t: [(e["start"], e["end"]) for e in evs] for t, evs in art.get("stance_evidence", {}).items()
            }


def test_foreign_spacy_file_imports_ents_and_span_groups(tmp_path, cli):
    nlp = spacy.blank("en")
    doc = nlp("Taliban fighters entered Herat on Friday.")
    doc.ents = [doc.char_span(0, 7, "ORG"), doc.char_span(25, 30, "GPE")]
    doc.spans["sc"] = [doc.char_span(34, 40, "DATE"), doc.char_span(0, 7, "ORG")]
    db = DocBin(docs=[doc])
    db.to_disk(tmp_path / "model-output.spacy")
    proj = tmp_path / "p.annotator"
    cli("new", proj)
    result = cli("import", proj, tmp_path / "model-output.spacy", "--annotator", "model")
    assert result.code == 0, result
    with Project.open(proj) as project:
        ann = project.annotation("model-output.spacy", "model")
        assert [(s.start, s.end, s.label) for s in ann.spans] == [(0, 7, "ORG"), (25, 30, "GPE"), (34, 40, "DATE")]


def test_bad_spacy_file(tmp_path, cli):
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(b"not a docbin at all")
    proj = tmp_path / "p.annotator"
    cli("new", proj)
    result = cli("import", proj, bad)
    assert result.code == 1
    assert "bad.spacy: not a spaCy DocBin file" in result.err
