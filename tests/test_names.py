"""Names are validated the same way on every path (`validation.check_name`): new projects and scheme files, scheme
edits, import, merge (tests/test_merge_hostile.py). Labels must be usable in CoNLL (no space)."""

from __future__ import annotations

import pytest

from annotator.core.errors import SchemeError
from annotator.core.model import GOLD, Annotation, Document, Span, Status
from annotator.core.project import Project
from annotator.core.validation import check_annotator_name, check_name
from annotator.gui import scheme_edits
from annotator.store import documents as doc_store

BAD = ["", "  ", " GPE", "GPE ", "a\nb", "a\tb", "\u202eabc", "a\u2066b", "a\u200fb", "x\x00y", "a\u2028b", "a" * 101]


@pytest.mark.parametrize("name", BAD)
def test_bad_names(name):
    with pytest.raises(SchemeError):
        check_name(name, "entity label", label=True)
    with pytest.raises(SchemeError):
        check_annotator_name(name)


@pytest.mark.parametrize("name", ["GPE", "MILITARY_UNIT", "نام\u200cها", "José", "<b>bold</b>", "alice@conflict-2"])
def test_good_names(name):
    assert check_name(name, "label", label=True) == name


def test_a_label_with_a_space_is_refused_saying_what_to_use():
    with pytest.raises(SchemeError, match=r"'MILITARY UNIT' contains a space.*use 'MILITARY_UNIT'"):
        check_name("MILITARY UNIT", "entity label", label=True)
    assert check_name("not mentioned", "stance value") == "not mentioned"  # stance values may have spaces


def test_gold_is_reserved_except_for_the_review_layer():
    with pytest.raises(SchemeError, match="reserved"):
        check_annotator_name(GOLD)
    with pytest.raises(SchemeError, match="reserved"):
        check_annotator_name("Gold", allow_gold=True)
    assert check_annotator_name(GOLD, allow_gold=True) == GOLD


def test_new_project_with_a_label_with_a_space(tmp_path, cli):
    scheme = tmp_path / "s.toml"
    scheme.write_text('name = "x"\n[[entities]]\nlabel = "MILITARY UNIT"\n', encoding="utf-8")
    result = cli("new", tmp_path / "p.annotator", "--scheme", scheme)
    assert result.code == 1
    assert "'MILITARY UNIT' contains a space" in result.err and "MILITARY_UNIT" in result.err
    assert not (tmp_path / "p.annotator").exists()


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: scheme_edits.add_entity(p, "MILITARY UNIT"),
        lambda p: scheme_edits.add_entity(p, "A\u202eB"),
        lambda p: scheme_edits.add_event_type(p, "AIR STRIKE", []),
        lambda p: scheme_edits.add_role(p, "ATTACK", "Air\ncraft"),
        lambda p: scheme_edits.add_stance_value(p, "x\x07"),
        lambda p: scheme_edits.rename_label(p, "GPE", "G PE"),
    ],
)
def test_scheme_edits_refuse_bad_names(project, edit):
    before = project.scheme
    with pytest.raises(SchemeError):
        edit(project)
    assert project.scheme == before


def test_the_window_cannot_add_gold_as_an_annotator(project):
    with pytest.raises(SchemeError, match="reserved"):
        project.add_annotator("gold")
    with project.db.atomic():
        doc_store.insert_documents(project.db, [Document("d1", "Kabul fell.")])
    project.replace_annotation(Annotation("d1", GOLD, Status.DONE, spans=[Span(0, 5, "GPE")]))  # review may


def test_import_refuses_bad_annotator_names(tmp_path, cli, project_path):
    src = tmp_path / "a.jsonl"
    src.write_text('{"id": "d1", "text": "Kabul fell.", "annotator": " bob", "spans": []}\n', encoding="utf-8")
    result = cli("import", project_path, src)
    assert result.code == 1 and "annotator name ' bob'" in result.err
    result = cli("import", project_path, src, "--annotator", "Gold")
    assert result.code == 1 and "reserved" in result.err


def test_a_spacy_label_with_a_space_is_refused_and_the_project_still_opens(tmp_path, cli, project_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin
    from spacy.tokens import Span as SpacySpan

    nlp = spacy.blank("en")
    doc = nlp("Taliban fighters attacked Kabul on Tuesday.")
    doc.ents = [SpacySpan(doc, 3, 4, label=" GPE")]
    path = tmp_path / "bad.spacy"
    DocBin(docs=[doc]).to_disk(path)
    result = cli("import", project_path, path)
    assert result.code == 1 and "' GPE'" in result.err
    assert cli("stats", project_path).code == 0
    with Project.open(project_path) as p:
        assert " GPE" not in p.scheme.entity_labels and p.document_count() == 0


@pytest.mark.parametrize("label", ["", " GPE", "MILITARY UNIT", "G\u202ePE"])
def test_corpus_labels_are_refused_at_import_whatever_the_reader(project, label):
    """Corpus formats (CoNLL, CoNLL-U, .spacy) add their labels to the scheme: only labels that pass the rule."""
    from annotator.core.errors import InputFileError
    from annotator.core.importing import ImportRecord, import_records

    text = "Taliban fighters attacked Kabul on Tuesday."
    record = ImportRecord(
        Document("c1", text),
        Annotation("c1", "", Status.DONE, spans=[Span(26, 31, label)]),
        path="corpus.spacy",
        default_annotator="imported",
    )
    before = project.scheme
    with pytest.raises(InputFileError, match=r"corpus\.spacy"):
        import_records(project, [record])
    assert project.scheme == before and project.document_count() == 0
    with Project.open(project.path, readonly=True) as again:  # the project still opens
        assert again.scheme.entity_labels == before.entity_labels
