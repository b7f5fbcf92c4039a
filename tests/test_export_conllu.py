"""CoNLL-U export (entities as NE= in MISC, SpaceAfter=No) read by the real `spacy convert -c conllu`,
and CoNLL-U import (# text, SpaceAfter=No, multiword tokens)."""

from __future__ import annotations

import json

from annotator.core.project import Project
from tests.export_helpers import project_from_articles, spacy_convert
from tests.test_export_conll import expected_entities


def collapse(text: str) -> str:
    return " ".join(text.split())


def test_conllu_read_by_spacy_convert(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    out = tmp_path / "corpus.conllu"
    result = cli("export", proj, out, "--format", "conllu")
    assert result.code == 0, result
    assert "exported layer 'alice'" in result.out
    body = out.read_text(encoding="utf-8")
    words = [line.split("\t") for line in body.splitlines() if line and not line.startswith("#")]
    assert all(len(cols) == 10 for cols in words)
    assert ["4", "👍", "_", "_", "_", "_", "_", "_", "_", "SpaceAfter=No"] in words  # skin tone follows directly
    assert ["2", "U.S.-led", "_", "_", "_", "_", "_", "_", "_", "NE=B-GPE"] in words
    assert "# newdoc id = rtl" in body
    assert "# text = Taliban fighters attacked Kabul city on Tuesday." in body
    docs = spacy_convert(out, tmp_path / "converted", "conllu")
    got = [(e.text, e.label_) for d in docs for e in d.ents]
    expected = expected_entities(tmp_path / "corpus.conllu.report.json")
    # SpaceAfter=No keeps the spacing inside entities; only the kind of whitespace (NBSP, CRLF) is lost
    assert [(collapse(t), label) for t, label in got] == [(collapse(t), label) for t, label in expected]
    assert ("12 August 2021", "DATE") in got and ("U.S.-led", "GPE") in got


def test_label_spacy_cannot_read_is_a_warning(tmp_path, cli):
    from annotator.core.scheme import default_scheme

    scheme = default_scheme().with_entity("Org2")
    proj = tmp_path / "p.annotator"
    Project.create(proj, scheme=scheme).close()
    with Project.open(proj) as project:
        from annotator.core.importing import ImportRecord, import_records
        from annotator.core.model import Annotation, Document, Span

        doc = Document("d", "UNAMA said so.")
        import_records(project, [ImportRecord(doc, Annotation("d", "alice", spans=[Span(0, 5, "Org2")]))])
    out = tmp_path / "x.conllu"
    result = cli("export", proj, out, "--format", "conllu")
    assert result.code == 0
    assert "warning: label 'Org2' is written as is, but `spacy convert` (CoNLL-U) truncates it to 'O'" in result.out
    assert "NE=B-Org2" in out.read_text(encoding="utf-8")
    report = json.loads((tmp_path / "x.conllu.report.json").read_text(encoding="utf-8"))
    assert report["warnings"] and report["exported"] == {"entity": 1}


CONLLU = """\
# newdoc id = ud-1
# sent_id = 1
# text = Al-Jazeera's reporter in Kabul said:"no".
1-2\tAl-Jazeera's\t_\t_\t_\t_\t_\t_\t_\tNE=B-ORG
1\tAl-Jazeera\t_\tPROPN\t_\t_\t0\troot\t_\t_
2\t's\t_\tPART\t_\t_\t1\tcase\t_\t_
3\treporter\t_\tNOUN\t_\t_\t0\troot\t_\t_
4\tin\t_\tADP\t_\t_\t5\tcase\t_\t_
5\tKabul\t_\tPROPN\t_\t_\t3\tnmod\t_\tNE=B-GPE
5.1\tghost\t_\t_\t_\t_\t_\t_\t_\t_
6\tsaid\t_\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No
7\t:\t_\tPUNCT\t_\t_\t6\tpunct\t_\tSpaceAfter=No
8\t"no".\t_\tX\t_\t_\t6\tobj\t_\t_

# sent_id = 2
1\tHerat\t_\tPROPN\t_\t_\t0\troot\t_\tNE=B-GPE|SpaceAfter=No
2\tCity\t_\tPROPN\t_\t_\t1\tflat\t_\tNE=I-GPE|SpaceAfter=No
3\t.\t_\tPUNCT\t_\t_\t1\tpunct\t_\t_

# newdoc id = ud-2
# sent_id = 1
1\tMazar\t_\tPROPN\t_\t_\t0\troot\t_\tname=B-GPE
2\tfell\t_\tVERB\t_\t_\t0\troot\t_\t_
"""


def test_conllu_import(tmp_path, cli):
    src = tmp_path / "ud.conllu"
    src.write_text(CONLLU, encoding="utf-8")
    proj = tmp_path / "p.annotator"
    cli("new", proj)
    result = cli("import", proj, src)
    assert result.code == 0, result
    assert "2 annotation layer(s) from imported" in result.out
    with Project.open(proj) as project:
        assert project.document_ids() == ["ud-1", "ud-2"]
        text = project.document("ud-1").text
        # the first sentence comes from its `# text`, the second is rebuilt from SpaceAfter=No
        assert text == 'Al-Jazeera\'s reporter in Kabul said:"no".\nHeratCity.'
        spans = [(text[s.start : s.end], s.label) for s in project.annotation("ud-1", "imported").spans]
        assert spans == [("Al-Jazeera's", "ORG"), ("Kabul", "GPE"), ("HeratCity", "GPE")]
        two = project.document("ud-2").text
        assert two == "Mazar fell"
        assert [(two[s.start : s.end], s.label) for s in project.annotation("ud-2", "imported").spans] == [
            ("Mazar", "GPE")
        ]


def test_conllu_round_trip_through_import(tmp_path, cli):
    proj = project_from_articles(tmp_path)
    out = tmp_path / "corpus.conllu"
    cli("export", proj, out, "--format", "conllu")
    target = tmp_path / "back.annotator"
    cli("new", target)
    assert cli("import", target, out, "--annotator", "bob").code == 0
    with Project.open(target) as project:
        assert project.document_ids() == ["emoji-crlf-nbsp", "rtl", "cut-tokens", "nbsp-names"]
        assert project.document("nbsp-names").text == "President Ashraf Ghani met envoys in Doha on 12 August 2021."
        got = []
        for doc_id in project.document_ids():
            text = project.document(doc_id).text
            got += [(text[s.start : s.end], s.label) for s in project.annotation(doc_id, "bob").spans]
    expected = expected_entities(tmp_path / "corpus.conllu.report.json")
    assert [(collapse(t), label) for t, label in got] == [(collapse(t), label) for t, label in expected]


def test_bad_conllu_line(tmp_path, cli):
    src = tmp_path / "bad.conllu"
    src.write_text("# text = a b\n1\ta\t_\n", encoding="utf-8")
    proj = tmp_path / "p.annotator"
    cli("new", proj)
    result = cli("import", proj, src)
    assert result.code == 1
    assert "bad.conllu:2: a CoNLL-U word line needs 10 tab-separated columns, got 3" in result.err
