"""Importing the peer tools' own export files (tests/data/peers: emoji, CRLF and non-ASCII before spans)."""

from __future__ import annotations

import json
import shutil

import pytest

from annotator.core.project import Project
from tests.conftest import DATA, file_snapshot

PEERS = DATA / "peers"


def layers(path) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(document, annotator) -> sorted (label, text) of its spans."""
    with Project.open(path) as p:
        out = {}
        for doc_id, name in p.layers():
            text = p.document(doc_id).text
            out[(doc_id, name)] = sorted((s.label, text[s.start : s.end]) for s in p.annotation(doc_id, name).spans)
        return out


def test_prodigy_answers(cli, project_path):
    result = cli("import", project_path, PEERS / "prodigy_ner.jsonl")
    assert result.code == 0, result
    assert "1 ignored Prodigy line(s)" in result.out and "1 relation(s)" in result.out
    assert "1 rejected span(s) recorded as rejected suggestions" in result.out
    assert "layer 'imported'" in result.out  # the last line names no annotator
    got = layers(project_path)
    with Project.open(project_path) as p:
        first, second = p.document_ids()
        assert len(p.document_ids()) == 2  # the ignored line's text is not imported
        assert p.rejected(first, "news-alice") == {("span", 44, 50, "DATE")}
        assert p.status(second, "news-alice") == "done"  # accepted without spans: a real "no entity here"
    assert got[(first, "news-alice")] == [("GPE", "Kabul"), ("ORG", "Taliban")]  # the rejected DATE is no work
    assert got[(second, "news-alice")] == []
    assert got[(second, "imported")] == [("GPE", "Herat")]


def test_prodigy_annotator_option_names_the_unnamed_layer(cli, project_path):
    assert cli("import", project_path, PEERS / "prodigy_ner.jsonl", "--annotator", "carol").code == 0
    assert ("carol" in {name for _, name in layers(project_path)}) and "imported" not in {
        name for _, name in layers(project_path)
    }


@pytest.mark.parametrize(
    "name, expected",
    [
        ("doccano_label.jsonl", [[("GPE", "Kabul"), ("ORG", "Taliban")], [("GPE", "Herat"), ("ORG", "Taliban")]]),
        ("doccano_labels.jsonl", [[("GPE", "Herat")]]),
        ("doccano_entities.jsonl", [[("GPE", "Kabul"), ("ORG", "Taliban")]]),
        ("doccano_pretty.json", [[("ORG", "Taliban")], [("GPE", "Herat")]]),
        ("doccano_utf16.jsonl", [[("DATE", "Monday"), ("GPE", "Kabul"), ("ORG", "Taliban")]]),
    ],
)
def test_doccano_shapes(cli, project_path, name, expected):
    result = cli("import", project_path, PEERS / name, "--annotator", "alice")
    assert result.code == 0, result
    assert list(layers(project_path).values()) == expected


def test_doccano_old_export_keeps_users_apart(cli, project_path):
    result = cli("import", project_path, PEERS / "doccano_old.jsonl")
    assert result.code == 0, result
    assert layers(project_path) == {
        ("doccano-3", "user1"): [("4", "Herat")],
        ("doccano-3", "user2"): [("3", "Taliban")],
    }
    with Project.open(project_path) as p:
        assert p.document("doccano-3").meta["source"] == "RFI"


def test_label_studio_json_export(cli, project_path):
    result = cli("import", project_path, PEERS / "labelstudio.json")
    assert result.code == 0, result
    for counted in ("1 cancelled annotation(s)", "1 prediction(s)", "1 relation(s)", "1 choices result(s)"):
        assert counted in result.out
    # task 41 has UTF-16 offsets (older Label Studio): converted, checked against value.text
    assert layers(project_path) == {
        ("labelstudio-41", "user1"): [("GPE", "Kabul"), ("ORG", "Taliban")],
        ("labelstudio-42", "bob@example.org"): [("GPE", "Herat")],
    }


def test_label_studio_json_min_export(cli, project_path):
    result = cli("import", project_path, PEERS / "labelstudio_min.json")
    assert result.code == 0, result
    assert "1 sentiment value(s)" in result.out
    assert layers(project_path) == {
        ("labelstudio-41", "user1"): [("ORG", "Taliban")],
        ("labelstudio-42", "bob@example.org"): [("GPE", "Herat")],
    }


def test_label_studio_span_matching_no_unit_is_reported_not_stored(cli, project_path, tmp_path):
    tasks = json.loads((PEERS / "labelstudio.json").read_text(encoding="utf-8"))
    tasks[1]["annotations"][0]["result"][0]["value"]["start"] += 1  # "erat " is not "Herat"
    bad = tmp_path / "shifted.json"
    bad.write_text(json.dumps(tasks), encoding="utf-8")
    result = cli("import", project_path, bad)
    assert result.code == 0, result
    assert "1 span(s) matching no offset unit" in result.out and "should read 'Herat'" in result.err
    assert layers(project_path)[("labelstudio-42", "bob@example.org")] == []


def test_brat_folder_events_and_counts(cli, project_path):
    result = cli("import", project_path, PEERS / "brat", "--annotator", "alice")
    assert result.code == 0, result
    assert "1 discontinuous span(s) imported as their covering span" in result.out
    for counted in ("1 attribute(s)", "1 relation(s)", "1 note(s)"):
        assert counted in result.out
    assert "role(s) added to the scheme: NEGOTIATION.Participant2" in result.out
    with Project.open(project_path) as p:
        assert p.document_ids() == ["talks"]  # annotation.conf is no document, talks.txt is the .ann's text
        text = p.document("talks").text
        assert "\r\n" in text and text.startswith("😀")
        ann = p.annotation("talks", "alice")
        spans = sorted((s.label, text[s.start : s.end]) for s in ann.spans)
        assert ("NEGOTIATION", "met") not in spans and ("ATTACK", "attacked") not in spans  # triggers
        assert ("PERSON", "US envoys") in spans and ("GPE", "Kābul") in spans
        events = {
            e.type: (
                text[e.trigger_start : e.trigger_end],
                sorted((a.role, text[a.start : a.end]) for a in e.arguments),
            )
            for e in ann.events
        }
        assert events == {
            "NEGOTIATION": ("met", [("Participant", "Taliban"), ("Participant2", "US envoys")]),
            "ATTACK": ("attacked", [("Place", "Kābul"), ("Target", "ministry"), ("Time", "Tuesday")]),
        }


def test_brat_ann_named_directly(cli, project_path):
    assert cli("import", project_path, PEERS / "brat" / "talks.ann").code == 0
    assert ("talks", "imported") in layers(project_path)


def test_webanno_tsv_utf16_stacked_multitoken(cli, project_path):
    result = cli("import", project_path, PEERS / "inception.tsv", "--annotator", "alice")
    assert result.code == 0, result
    assert layers(project_path) == {
        ("inception.tsv", "alice"): [
            ("GPE", "Kābul"),
            ("GPE", "Lashkar Gah"),
            ("NORP", "Taliban fighters"),
            ("ORG", "Taliban"),
        ]
    }
    with Project.open(project_path) as p:
        assert "10\u00a0000 fled" in p.document("inception.tsv").text


def test_conll_unknown_extension_and_no_break_space(cli, project_path):
    result = cli("import", project_path, PEERS / "eng.testa")
    assert result.code == 0, result
    assert layers(project_path) == {("eng.testa", "imported"): [("LOC", "Kunduz"), ("ORG", "Taliban")]}
    with Project.open(project_path) as p:
        assert "10\u00a0000 people fled" in p.document("eng.testa").text


def test_unknown_extension_of_prose_is_refused(cli, project_path, tmp_path):
    f = tmp_path / "notes.dat"
    f.write_text("Just some words about Kabul.\nAnd more.\n", encoding="utf-8")
    before = project_path.read_bytes()
    result = cli("import", project_path, f)
    assert result.code == 1 and "notes.dat" in result.err and "--format" in result.err
    assert project_path.read_bytes() == before
    assert cli("import", project_path, f, "--format", "txt").code == 0


def test_text_duplicate_under_another_id_is_its_own_document(cli, project_path, tmp_path):
    text = "Same wire story: Taliban took Herat."
    lines = [
        {"id": "afp-1", "text": text, "annotator": "alice", "spans": [{"start": 17, "end": 24, "label": "ORG"}]},
        {"id": "voa-1", "text": text, "annotator": "alice", "spans": [{"start": 30, "end": 35, "label": "GPE"}]},
    ]
    f = tmp_path / "wire.jsonl"
    f.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = cli("import", project_path, f)
    assert result.code == 0 and "1 text duplicate(s)" in result.out and "afp-1" in result.err
    assert layers(project_path) == {("afp-1", "alice"): [("ORG", "Taliban")], ("voa-1", "alice"): [("GPE", "Herat")]}
    # only the same id's same annotator's layer is replaced, and counted
    result = cli("import", project_path, f)
    assert "2 existing layer(s) replaced" in result.out


def test_same_file_names_in_two_folders_do_not_collide(cli, project_path, tmp_path):
    for lang, text in (("en", "Kabul fell."), ("de", "Kabul ist gefallen.")):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "valid.txt").write_text(text, encoding="utf-8")
    result = cli("import", project_path, tmp_path / "en" / "valid.txt", tmp_path / "de" / "valid.txt")
    assert result.code == 0, result
    with Project.open(project_path) as p:
        assert p.document_ids() == ["en/valid.txt", "de/valid.txt"]


def test_jsonl_adds_labels_events_and_roles(cli, project_path, tmp_path):
    line = {
        "id": "x",
        "text": "Rebels shelled Kunduz.",
        "annotator": "alice",
        "spans": [{"start": 0, "end": 6, "label": "REBEL_GROUP"}],
        "events": [
            {
                "type": "SHELLING",
                "trigger": {"start": 7, "end": 14},
                "arguments": [{"role": "Shooter", "start": 0, "end": 6}],
            }
        ],
    }
    f = tmp_path / "new_labels.jsonl"
    f.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = cli("import", project_path, f)
    assert result.code == 0, result
    assert "entity label(s) added to the scheme: REBEL_GROUP" in result.out
    assert "event type(s) added to the scheme: SHELLING" in result.out and "SHELLING.Shooter" in result.out
    with Project.open(project_path) as p:
        assert p.scheme.event("SHELLING").roles == ("Shooter",)


def test_older_layer_keeps_the_stored_one_unless_replace(cli, project_path, tmp_path):
    line = {"id": "x", "text": "Kabul fell.", "annotator": "alice", "spans": [{"start": 0, "end": 5, "label": "GPE"}]}
    f = tmp_path / "new.jsonl"
    f.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert cli("import", project_path, f).code == 0
    old = {**line, "spans": [], "updated_at": "2001-01-01T00:00:00+00:00"}
    g = tmp_path / "old.jsonl"
    g.write_text(json.dumps(old) + "\n", encoding="utf-8")
    result = cli("import", project_path, g)
    assert result.code == 0 and "1 stored layer(s) newer than the file kept" in result.out
    assert layers(project_path)[("x", "alice")] == [("GPE", "Kabul")]
    assert cli("import", project_path, g, "--replace").code == 0
    assert layers(project_path)[("x", "alice")] == []


BAD = {
    "doccano_no_text": ("d.jsonl", '{"label": [[0, 1, "X"]]}\n', "d.jsonl:1: a doccano line: no 'text'"),
    "doccano_offsets": (
        "o.jsonl",
        '{"text": "Kabul", "label": [[0, 50, "GPE"]]}\n',
        "o.jsonl:1: a doccano line: span [0, 50)",
    ),
    "prodigy_answer": (
        "p.jsonl",
        '{"text": "Kabul", "answer": "maybe", "_input_hash": 1}\n',
        "p.jsonl:1: a Prodigy line: unknown answer",
    ),
    "labelstudio_no_text": (
        "l.json",
        '[{"data": {"image": 1}, "annotations": []}]',
        "l.json:1: a Label Studio task (task 1): no 'text'",
    ),
    "labelstudio_truncated": (
        "t.json",
        '[{"data": {"text": "Kabul"}, "annotations": []},\n {"data"',
        "t.json:2: Label Studio JSON",
    ),
    "webanno_no_ne": (
        "w.tsv",
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.X|y\n\n\n#Text=a\n1-1\t0-1\ta\t_\n",
        "without the NamedEntity layer",
    ),
    "xmi": ("x.xmi", '<?xml version="1.0"?><xmi:XMI/>', "UIMA XMI is not read"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_peer_files(case, cli, project_path, tmp_path):
    name, content, message = BAD[case]
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    before = file_snapshot(project_path)
    before_bytes = project_path.read_bytes()
    result = cli("import", project_path, f)
    assert result.code == 1 and message in result.err, result
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert file_snapshot(project_path) == before and project_path.read_bytes() == before_bytes


def test_brat_span_outside_the_text(cli, project_path, tmp_path):
    shutil.copytree(PEERS / "brat", tmp_path / "b")
    (tmp_path / "b" / "talks.ann").write_text("T1\tORG 0 9999\tx\n", encoding="utf-8")
    before = project_path.read_bytes()
    result = cli("import", project_path, tmp_path / "b")
    assert result.code == 1 and "talks.ann:1:" in result.err and "falls outside talks.txt" in result.err
    assert project_path.read_bytes() == before


def test_webanno_tsv_named_entity_after_other_layers(cli, project_path):
    """The NamedEntity column found after Lemma, POS and a relation layer (with its BT_ column); `\\t` escaped."""
    result = cli("import", project_path, PEERS / "webanno_layers.tsv", "--annotator", "alice")
    assert result.code == 0, result
    assert layers(project_path) == {
        ("webanno_layers.tsv", "alice"): [("LOC", "Heratin"), ("ORG", "Talibanit"), ("PER", "Juha")]
    }
    with Project.open(project_path) as p:
        assert p.document("webanno_layers.tsv").text == "Talibanit valtasivat Heratin \n– Juha\tsanoi ."


def test_pretty_printed_array_of_our_objects(cli, project_path, tmp_path):
    f = tmp_path / "pretty.json"
    rows = [{"id": "a", "text": "Kabul fell.", "annotator": "alice", "spans": [{"start": 0, "end": 5, "label": "GPE"}]}]
    f.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    result = cli("import", project_path, f)
    assert result.code == 0, result
    assert layers(project_path) == {("a", "alice"): [("GPE", "Kabul")]}


def test_doccano_pretty_printed_object_in_a_jsonl_file(cli, project_path):
    """doccano's own relation-extraction example is one indented object in a .jsonl file, after a blank line."""
    result = cli("import", project_path, PEERS / "doccano_relations_pretty.jsonl", "--annotator", "alice")
    assert result.code == 0, result
    assert "1 relation(s)" in result.out
    assert list(layers(project_path).values()) == [
        [("DATE", "8 August 2021"), ("GPE", "Kunduz"), ("PERSON", "Zabihullah Mujahid")]
    ]


def test_conll_corpus_called_train_txt_in_a_folder_with_an_export_report(cli, project_path, tmp_path):
    folder = tmp_path / "conll2003"
    folder.mkdir()
    shutil.copy(PEERS / "eng.testa", folder / "train.txt")
    (folder / "train.conll.report.json").write_text('{"format": "conll"}', encoding="utf-8")
    (folder / "article.txt").write_text("A plain article about Herat.", encoding="utf-8")
    result = cli("import", project_path, folder, "--annotator", "conll2003")
    assert result.code == 0, result
    assert "skipped" not in result.out  # the report is no document and no unknown file
    assert layers(project_path) == {("train.txt", "conll2003"): [("LOC", "Kunduz"), ("ORG", "Taliban")]}
    with Project.open(project_path) as p:
        assert p.document("article.txt").text == "A plain article about Herat."


def test_label_studio_annotation_older_than_the_stored_layer_is_kept_out(cli, project_path, tmp_path):
    tasks = json.loads((PEERS / "labelstudio.json").read_text(encoding="utf-8"))
    assert cli("import", project_path, PEERS / "labelstudio.json").code == 0  # task 41 stamped 2024-03-01
    tasks[0]["annotations"][0]["result"] = []
    tasks[0]["annotations"][0]["updated_at"] = "2023-01-01T00:00:00.000000Z"
    older = tmp_path / "labelstudio.json"
    older.write_text(json.dumps(tasks), encoding="utf-8")
    result = cli("import", project_path, older)
    assert "1 stored layer(s) newer than the file kept" in result.out
    assert layers(project_path)[("labelstudio-41", "user1")] == [("GPE", "Kabul"), ("ORG", "Taliban")]
    tasks[0]["annotations"][0]["updated_at"] = "2999-01-01T00:00:00Z"  # the future is unknown, not newer
    older.write_text(json.dumps(tasks), encoding="utf-8")
    result = cli("import", project_path, older)
    assert "replaced" in result.out and layers(project_path)[("labelstudio-41", "user1")] == []


@pytest.mark.parametrize(
    "name, content",
    [
        ("deep.json", "[" * 5000 + "]" * 5000),
        ("deep.jsonl", '{"text": "a", "spans": ' + "[" * 5000 + "]" * 5000 + "}\n"),
        ("deep_ls.json", '[{"data": {"text": "a"}, "annotations": ' + "[" * 3000 + "]" * 3000 + "}]"),
    ],
)
def test_absurd_nesting_is_one_line(cli, project_path, tmp_path, name, content):
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    result = cli("import", project_path, f)
    assert result.code == 1 and "nested" in result.err and "Traceback" not in result.err


def test_brat_text_with_a_byte_order_mark(cli, project_path, tmp_path):
    folder = tmp_path / "bom"
    folder.mkdir()
    (folder / "d.txt").write_bytes("\ufeffKabul fell.".encode())
    (folder / "d.ann").write_text("T1\tGPE 1 6\tKabul\n", encoding="utf-8")  # brat counts the BOM
    assert cli("import", project_path, folder).code == 0
    assert layers(project_path) == {("d", "imported"): [("GPE", "Kabul")]}


def test_unlabelled_regions_are_counted(cli, project_path, tmp_path):
    tasks = json.loads((PEERS / "labelstudio.json").read_text(encoding="utf-8"))
    tasks[1]["annotations"][0]["result"][0]["value"]["labels"] = []
    f = tmp_path / "ls.json"
    f.write_text(json.dumps(tasks), encoding="utf-8")
    result = cli("import", project_path, f)
    assert result.code == 0 and "1 region(s) without a label" in result.out
    rows = [json.loads(x) for x in (PEERS / "prodigy_ner.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[0]["spans"].append({"start": 0, "end": 1, "token_start": 0, "token_end": 0})
    g = tmp_path / "rel.jsonl"
    g.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = cli("import", project_path, g)
    assert result.code == 0 and "1 span(s) without a label" in result.out


def test_label_studio_offsets_counted_by_the_browser(cli, project_path, tmp_path):
    """An older Label Studio counted UTF-16 units in the page's text, where each CRLF is one line feed."""
    text = "😀 Line one.\r\nKabul 🇦🇫 fell.\r\nHerat too."
    page = text.replace("\r\n", "\n")

    def units(i: int) -> int:
        return len(page[:i].encode("utf-16-le")) // 2

    k, h = page.index("Kabul"), page.index("Herat")
    results = [
        {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": units(k), "end": units(k + 5), "text": "Kabul", "labels": ["GPE"]}},
        {"id": "r2", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": units(h), "end": units(h + 5), "text": "Herat", "labels": ["GPE"]}},
        {"id": "r3", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": units(k), "end": units(h + 5), "text": page[k : h + 5], "labels": ["EVENT"]}},
    ]  # fmt: skip
    f = tmp_path / "old_ls.json"
    f.write_text(
        json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"completed_by": 1, "result": results}]}])
    )
    result = cli("import", project_path, f)
    assert result.code == 0 and "matching no offset unit" not in result.out, result
    assert layers(project_path) == {
        ("labelstudio-1", "user1"): [("EVENT", "Kabul 🇦🇫 fell.\r\nHerat"), ("GPE", "Herat"), ("GPE", "Kabul")]
    }


def test_label_studio_tasks_without_annotations(cli, project_path, tmp_path):
    f = tmp_path / "tasks.json"
    f.write_text(json.dumps([{"data": {"text": "Kabul fell.", "source": "AFP"}}, {"data": {"text": "Herat fell."}}]))
    result = cli("import", project_path, f)
    assert result.code == 0, result
    with Project.open(project_path) as p:
        assert p.document_count() == 2 and not p.annotators()
        assert p.document(p.document_ids()[0]).meta == {"source": "AFP"}


def test_tool_example_numbers_are_stable_ids_that_never_clash(cli, project_path, tmp_path):
    """doccano exports one file per user with the same example ids: one document, one layer per file. Another
    project's example 1 (another text) becomes a document of its own."""
    alice, bob, other = tmp_path / "alice.jsonl", tmp_path / "bob.jsonl", tmp_path / "other.jsonl"
    alice.write_text(json.dumps({"id": 1, "text": "Kabul fell.", "label": [[0, 5, "GPE"]]}) + "\n", encoding="utf-8")
    bob.write_text(json.dumps({"id": 1, "text": "Kabul fell.", "label": [[0, 5, "LOC"]]}) + "\n", encoding="utf-8")
    other.write_text(json.dumps({"id": 1, "text": "Herat fell.", "label": []}) + "\n", encoding="utf-8")
    assert cli("import", project_path, alice, "--annotator", "alice").code == 0
    assert cli("import", project_path, bob, "--annotator", "bob").code == 0
    result = cli("import", project_path, other)
    assert result.code == 0, result
    with Project.open(project_path) as p:
        ids = p.document_ids()
        assert ids[0] == "doccano-1" and ids[1].startswith("doccano-1-") and len(ids) == 2
        assert p.annotators_of("doccano-1") == ["alice", "bob"]
