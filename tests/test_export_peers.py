"""Export to the peer tools (brat, doccano, Label Studio) and back; format inference; refusing to overwrite."""

from __future__ import annotations

import json

import pytest

from annotator.core.project import Project
from annotator.formats.export import EXPORT_FORMATS

TEXT = "😀 Café — Taliban fighters attacked Kabul on Monday.\r\nThe ministry in Kābul said 10\u00a0000 people fled."


def at(word: str, n: int = 1) -> tuple[int, int]:
    i = -1
    for _ in range(n):
        i = TEXT.index(word, i + 1)
    return i, i + len(word)


LAYER = {
    "id": "afp/1",
    "text": TEXT,
    "meta": {"source": "AFP"},
    "annotator": "alice",
    "status": "done",
    "spans": [
        {"start": at("Taliban")[0], "end": at("Taliban")[1], "label": "ORG"},
        {"start": at("Kabul")[0], "end": at("Kabul")[1], "label": "GPE"},
        {"start": at("Kabul")[0], "end": at("Kabul")[1], "label": "LOC"},
        {"start": at("Kābul")[0], "end": at("Kābul")[1], "label": "GPE"},
        {"start": at("Monday")[0], "end": at("The")[1], "label": "EVENT"},  # across the CRLF
    ],
    "events": [
        {
            "type": "ATTACK",
            "trigger": {"start": at("attacked")[0], "end": at("attacked")[1]},
            "arguments": [
                {"role": "Attacker", "start": at("Taliban")[0], "end": at("fighters")[1]},
                {"role": "Place", "start": at("Kabul")[0], "end": at("Kabul")[1]},
                {"role": "Time", "start": at("Monday")[0], "end": at("Monday")[1]},
            ],
        }
    ],
    "stance": {"Taliban": "against"},
}
SECOND = {
    "id": "voa-2",
    "text": "Herat 🇦🇫 fell.",
    "annotator": "alice",
    "spans": [{"start": 0, "end": 5, "label": "GPE"}],
}
BOB = {**SECOND, "annotator": "bob", "spans": []}


@pytest.fixture
def source(cli, tmp_path):
    f = tmp_path / "src.jsonl"
    f.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in (LAYER, SECOND, BOB)), encoding="utf-8")
    proj = tmp_path / "src.annotator"
    Project.create(proj).close()
    assert cli("import", proj, f).code == 0
    return proj


def content(path, annotator="alice") -> dict:
    """document id -> (text, spans, events, stance) of one layer."""
    with Project.open(path) as p:
        out = {}
        for doc_id, _ in p.layers(annotator):
            ann = p.annotation(doc_id, annotator)
            events = sorted((e.type, e.trigger_start, e.trigger_end, tuple(sorted(e.arguments))) for e in ann.events)
            out[doc_id] = (p.document(doc_id).text, sorted(s.key() for s in ann.spans), events, ann.stance)
        return out


@pytest.mark.parametrize(
    "name, fmt, stance",
    [
        ("out_brat", "brat", False),
        ("out.doccano.jsonl", "doccano", True),
        ("out.json", None, True),
        ("out.jsonl", None, True),
        ("out.spacy", None, True),
    ],
)
def test_round_trip(cli, source, tmp_path, name, fmt, stance):
    out = tmp_path / name
    args = ["export", source, out, "--annotator", "alice"] + (["--format", fmt] if fmt else [])
    result = cli(*args)
    assert result.code == 0, result
    back = tmp_path / "back.annotator"
    Project.create(back).close()
    result = cli("import", back, out, "--annotator", "alice")
    assert result.code == 0, result
    want = content(source)
    got = content(back)
    if fmt == "brat":  # brat names documents by file: "afp/1" is afp/1.txt and afp/1.ann
        assert "stance label(s)" in (tmp_path / name / "export.report.json").read_text(encoding="utf-8")
    if not stance:
        want = {k: (*v[:3], {}) for k, v in want.items()}
    assert got == want
    if name.endswith((".spacy", ".jsonl", ".json")):
        with Project.open(back) as p:
            assert p.document("afp/1").meta == {"source": "AFP"}


def test_label_studio_holds_every_layer(cli, source, tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("Nobody annotated this one.", encoding="utf-8")
    assert cli("import", source, plain).code == 0
    out = tmp_path / "all.json"
    assert cli("export", source, out).code == 0
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [len(t["annotations"]) for t in tasks] == [1, 2, 0]  # every document, every layer
    value = tasks[0]["annotations"][0]["result"][0]["value"]
    assert TEXT[value["start"] : value["end"]] == value["text"]  # code points, checked by value.text
    back = tmp_path / "back.annotator"
    Project.create(back).close()
    assert cli("import", back, out).code == 0
    with Project.open(back) as p:
        assert p.annotators() == ["alice", "bob"] and p.document_count() == 3


def test_brat_files(cli, source, tmp_path):
    out = tmp_path / "brat"
    assert cli("export", source, str(out) + "/", "--annotator", "alice").code == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*")) == [
        "afp/1.ann",
        "afp/1.txt",
        "annotation.conf",
        "export.report.json",
        "voa-2.ann",
        "voa-2.txt",
    ]
    assert (out / "afp" / "1.txt").read_bytes() == TEXT.encode("utf-8")  # CRLF kept: brat counts it
    ann = (out / "afp" / "1.ann").read_text(encoding="utf-8")
    assert "\tATTACK " in ann and "E1\tATTACK:T" in ann and " Attacker:T" in ann
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "[events]" in conf and "ATTACK\tAttacker?:<ENTITY>" in conf


def test_doccano_line_shape(cli, source, tmp_path):
    out = tmp_path / "d.jsonl"
    assert cli("export", source, out, "--format", "doccano", "--annotator", "alice").code == 0
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["text"] == TEXT and [at("Taliban")[0], at("Taliban")[1], "ORG"] in first["label"]


def test_format_from_extension_and_unknown(cli, source, tmp_path):
    out = tmp_path / "out.spacy"
    assert cli("export", source, out, "--annotator", "alice").code == 0
    assert not out.read_bytes().startswith(b"{")  # a DocBin, not JSONL
    result = cli("export", source, tmp_path / "out.xyz", "--annotator", "alice")
    assert result.code == 1 and "cannot tell the format" in result.err
    assert not (tmp_path / "out.xyz").exists()


def test_existing_output_refused_unless_force(cli, source, tmp_path):
    out = tmp_path / "out.conll"
    out.write_text("keep me", encoding="utf-8")
    result = cli("export", source, out, "--annotator", "alice")
    assert result.code == 1 and "already exists" in result.err and "--force" in result.err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert cli("export", source, out, "--annotator", "alice", "--force").code == 0
    assert out.read_text(encoding="utf-8").startswith("-DOCSTART-")


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_project_file_is_never_an_output(cli, source, fmt):
    before = source.read_bytes()
    for target in (source, source.with_name(source.name + "-wal")):
        result = cli("export", source, target, "--format", fmt, "--annotator", "alice", "--force")
        assert result.code == 1, result
        assert "project file itself" in result.err or "is a file" in result.err
    assert source.read_bytes() == before


def test_failed_export_leaves_the_previous_file(cli, source, tmp_path, monkeypatch):
    out = tmp_path / "out.json"
    assert cli("export", source, out).code == 0
    before = out.read_bytes()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("annotator.formats.labelstudio.task_to_json", boom)
    result = cli("export", source, out, "--force")
    assert result.code == 130
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_whitespace_only_document_is_reported_by_conll(cli, tmp_path):
    f = tmp_path / "ws.jsonl"
    rows = [{"id": "blank", "text": " \r\n ", "annotator": "alice", "spans": []}, SECOND]
    f.write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    proj = tmp_path / "w.annotator"
    Project.create(proj).close()
    assert cli("import", proj, f).code == 0
    result = cli("export", proj, tmp_path / "w.conll")
    assert result.code == 0 and "1 whitespace-only document(s)" in result.out


def test_scheme_export_reads_back_unchanged(cli, source, tmp_path):
    toml = tmp_path / "scheme.toml"
    result = cli("scheme", source, "--export", toml)
    assert result.code == 0, result
    assert cli("scheme", source, "--export", toml).code == 1  # exists: --force
    fresh = tmp_path / "fresh.annotator"
    assert cli("new", fresh, "--scheme", toml).code == 0
    with Project.open(source) as a, Project.open(fresh) as b:
        assert a.scheme == b.scheme and "LOC" in b.scheme.entity_labels


def test_window_offers_every_format():
    from annotator.gui.file_actions import EXPORT_FILTERS

    assert set(EXPORT_FILTERS.values()) == set(EXPORT_FORMATS)


def test_force_never_replaces_a_folder_of_other_things(cli, source, tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"precious")
    result = cli("export", source, folder, "--format", "brat", "--annotator", "alice", "--force")
    assert result.code == 1 and "holds files no export writes" in result.err
    assert (folder / "thesis.docx").read_bytes() == b"precious"
    brat = tmp_path / "brat"
    assert cli("export", source, brat, "--format", "brat", "--annotator", "alice").code == 0
    assert cli("export", source, brat, "--format", "brat", "--annotator", "alice").code == 1
    assert cli("export", source, brat, "--format", "brat", "--annotator", "alice", "--force").code == 0


def test_window_exports_peer_formats(tmp_path, qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    from annotator.gui import open_window
    from tests.gui_helpers import TRICKY, make_project

    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")
    path = make_project(tmp_path)
    window = open_window(path, "alice", "a1")
    qtbot.addWidget(window)
    pos = window.session.state.positions
    start = TRICKY.index("Lashkar Gah")
    window.session.view.select_qt(pos.to_qt(start), pos.to_qt(start + len("Lashkar Gah")))
    qtbot.keyClick(window.session.view, Qt.Key_4)
    for name, fmt in (("ls.json", "labelstudio"), ("d.jsonl", "doccano"), ("brat", "brat")):
        out = tmp_path / name
        job = window.export_to(str(out), fmt=fmt)
        with qtbot.waitSignal(job.finished, timeout=30000):
            pass
        assert out.exists(), fmt
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert any(r["value"]["text"] == "Lashkar Gah" for t in tasks for a in t["annotations"] for r in a["result"])
    assert "GPE" in (tmp_path / "brat" / "a1.ann").read_text(encoding="utf-8")
    window.close()


def test_scheme_toml_keeps_odd_text_and_extra_tables():
    import dataclasses
    import tomllib

    from annotator.core.scheme import default_scheme, scheme_from_dict, scheme_to_toml

    scheme = dataclasses.replace(
        default_scheme().with_event("SHELLING", ("Shooter",)),
        guidelines='Quotes "x", a backslash \\, DEL \x7f, a tab\t, é and 😀',
        extra={"project": {"funder": "ERC", "years": [2021, 2022]}, "draft": True},
    )
    assert scheme_from_dict(tomllib.loads(scheme_to_toml(scheme))) == scheme


def test_brat_file_names_never_leave_the_folder():
    from annotator.formats.brat import file_stem

    taken: set[str] = set()
    assert file_stem("../../etc/passwd", taken) == "_./_./etc/passwd"
    assert file_stem(".hidden", taken) == "_hidden"
    assert file_stem('a:b*c?"d', taken) == "a_b_c__d"
    assert file_stem('A:B*C?"D', taken) == "A_B_C__D-2"  # the same name on a case-insensitive disk
