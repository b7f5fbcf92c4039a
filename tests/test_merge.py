"""`annotator merge`: annotators' copies merged into one project, in one transaction.

Covers: layers added, identical work as a no-op, a conflict (the project's layer kept whatever the times say, the
other version a layer of its own, `alice@conflict-2`, listed in the report file),
missing articles reported vs added with --add-documents, matching by text under another id, gold and rejected
suggestions, other files left untouched, and a bad file rolling everything back.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from annotator.core.model import Annotation, Document, Span, Status
from annotator.core.project import Project
from annotator.store import documents as doc_store
from tests.conftest import file_snapshot

T1 = "Taliban fighters attacked Kabul on Tuesday."
T2 = "Officials in Herat said the city was calm."
T3 = "Fighting continued in Lashkar Gah overnight."


def make(path: Path, docs: dict[str, str]) -> Project:
    project = Project.create(path)
    with project.db.atomic():
        doc_store.insert_documents(project.db, [Document(i, t) for i, t in docs.items()])
    return project


def layer(doc: str, who: str, spans: list[tuple[int, int, str]], stamp: str, **kw) -> Annotation:
    return Annotation(doc, who, Status.DONE, spans=[Span(s, e, label) for s, e, label in spans], updated_at=stamp, **kw)


OLD, NEW = "2024-01-01T10:00:00.000000+00:00", "2024-06-01T10:00:00.000000+00:00"


def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    main = make(tmp_path / "main.annotator", {"d1": T1, "d2": T2})
    main.replace_annotation(layer("d1", "alice", [(0, 7, "ORG")], OLD))  # alice's older work on d1
    main.replace_annotation(layer("d2", "bob", [(13, 18, "GPE")], NEW))  # bob's newer work on d2
    main.replace_annotation(layer("d1", "carol", [(26, 31, "GPE")], OLD))
    main.close()

    alice = make(tmp_path / "alice.annotator", {"d1": T1, "d2": T2, "d3": T3})
    alice.replace_annotation(layer("d1", "alice", [(0, 7, "ORG"), (26, 31, "GPE")], NEW))  # newer: wins
    alice.replace_annotation(layer("d2", "alice", [(13, 18, "GPE")], NEW))  # new layer
    alice.replace_annotation(layer("d3", "alice", [(21, 32, "GPE")], NEW))  # d3 is not in main
    alice.replace_annotation(layer("d1", "carol", [(26, 31, "GPE")], NEW))  # same work, other time: no-op
    alice.reject_suggestion("d1", "alice", "span", 8, 16, "NORP")
    alice.close()

    bob = make(tmp_path / "bob.annotator", {"b-2": T2})  # same text as d2 under another id
    bob.replace_annotation(layer("b-2", "bob", [(13, 18, "LOC")], OLD))  # older than main's: main kept
    bob.replace_annotation(layer("b-2", "gold", [(13, 18, "GPE")], OLD, stance={}, note="adjudicated"))
    bob.close()
    return tmp_path / "main.annotator", tmp_path / "alice.annotator", tmp_path / "bob.annotator"


def spans(path: Path, doc: str, who: str) -> list[tuple[int, int, str]]:
    with Project.open(path, readonly=True) as p:
        return [s.key() for s in p.annotation(doc, who).spans]


def test_merge_conflicts_missing_and_matches(cli, tmp_path):
    main, alice, bob = setup(tmp_path)
    before_alice, before_bob = file_snapshot(alice), file_snapshot(bob)
    with Project.open(alice, readonly=True) as p:
        alice_stamp = p.annotation("d1", "alice").updated_at  # rejecting a suggestion touched it: after NEW
    result = cli("merge", main, alice, bob)
    assert result.code == 0, result
    # main's layers are kept, whichever is newer; the other versions are layers of their own
    assert spans(main, "d1", "alice") == [(0, 7, "ORG")]
    assert spans(main, "d1", "alice@conflict-2") == [(0, 7, "ORG"), (26, 31, "GPE")]
    assert spans(main, "d2", "bob") == [(13, 18, "GPE")]
    assert spans(main, "d2", "bob@conflict-2") == [(13, 18, "LOC")]
    assert spans(main, "d2", "alice") == [(13, 18, "GPE")]
    assert spans(main, "d1", "carol") == [(26, 31, "GPE")]
    # the gold layer came along, onto the article with the same text
    assert spans(main, "d2", "gold") == [(13, 18, "GPE")]
    with Project.open(main, readonly=True) as p:
        assert p.annotation("d2", "gold").note == "adjudicated"
        assert p.annotation("d1", "alice@conflict-2").updated_at == alice_stamp  # the merged layer keeps its time
        assert not p.has_document("d3")
        rejected = p.db.execute("SELECT document_id, annotator, start, end, label FROM rejected_suggestions").fetchall()
        assert rejected == [("d1", "alice", 8, 16, "NORP")]
    out = result.out + result.err
    assert "2 conflict(s) (the project's work kept" in out
    assert "conflict: d1 by alice: kept the project's; " in out and "is the layer alice@conflict-2" in out
    assert "conflict: d2 by bob: kept the project's" in out
    report = json.loads((tmp_path / "main.annotator.merge-report.json").read_text(encoding="utf-8"))
    assert [(c["document_id"], c["annotator"], c["stored_as"]) for c in report["conflicts"]] == [
        ("d1", "alice", "alice@conflict-2"),
        ("d2", "bob", "bob@conflict-2"),
    ]
    assert "1 identical" in out
    assert "missing: d3" in result.err
    assert "matched by text: b-2" in out
    # the other files were opened read-only
    assert file_snapshot(alice) == before_alice and file_snapshot(bob) == before_bob


def test_merge_twice_is_a_no_op(cli, tmp_path):
    main, alice, bob = setup(tmp_path)
    assert cli("merge", main, alice, bob).code == 0
    snap = file_snapshot(main)
    again = cli("merge", main, alice, bob)
    assert again.code == 0
    assert "0 layer(s) added" in again.out
    assert file_snapshot(main) == snap


def test_add_documents(cli, tmp_path):
    main, alice, _ = setup(tmp_path)
    result = cli("merge", main, alice, "--add-documents")
    assert result.code == 0, result
    assert "1 document(s) added" in result.out
    with Project.open(main, readonly=True) as p:
        assert p.document("d3").text == T3
        assert p.status("d3", "alice") == Status.DONE
    assert spans(main, "d3", "alice") == [(21, 32, "GPE")]


def test_bad_file_rolls_back_everything(cli, tmp_path):
    main, alice, _ = setup(tmp_path)
    bad = tmp_path / "notes.annotator"
    bad.write_text("not a project", encoding="utf-8")
    snap = file_snapshot(main)
    result = cli("merge", main, alice, bad)
    assert result.code == 1
    assert "notes.annotator" in result.err and result.err.count("\n") == 1
    assert file_snapshot(main) == snap  # alice's layers, merged first, were rolled back too


def test_label_an_annotator_added_to_their_copy_joins_the_scheme(cli, tmp_path):
    main, alice, _ = setup(tmp_path)
    odd = tmp_path / "odd.annotator"
    shutil.copy(alice, odd)
    with Project.open(odd) as p:  # a copy whose scheme gained a label, a role and a stance value
        scheme = p.scheme.with_entity("WEAPON")
        data = scheme.to_dict()
        data["events"][0]["roles"].append("Weapon")
        data["stance"]["values"].append("mixed")
        from annotator.core.scheme import scheme_from_dict

        p.set_scheme(scheme_from_dict(data))
        p.add_span("d2", "dave", 0, 9, "WEAPON")
    result = cli("merge", main, alice, odd)
    assert result.code == 0, result
    assert "added to the scheme: label WEAPON" in result.out
    with Project.open(main) as project:
        assert "WEAPON" in project.scheme.entity_labels
        assert "Weapon" in project.scheme.events[0].roles
        assert "mixed" in project.scheme.stance_values
        assert [(s.start, s.end, s.label) for s in project.annotation("d2", "dave").spans] == [(0, 9, "WEAPON")]


def test_merging_a_project_into_itself_is_refused(cli, tmp_path):
    main, _, _ = setup(tmp_path)
    snap = file_snapshot(main)
    result = cli("merge", main, main)
    assert result.code == 1
    assert "is the project being merged into" in result.err
    assert file_snapshot(main) == snap


def test_merge_dialog(tmp_path, qtbot):
    """File > Merge in the window: the same merge, run off the UI thread, its outcome shown as plain text."""
    from PySide6.QtCore import Qt

    from annotator.gui.review.merge_dialog import MergeDialog

    main, alice, bob = setup(tmp_path)
    bad = tmp_path / "broken.annotator"
    bad.write_text("not a project", encoding="utf-8")
    dialog = MergeDialog(main)
    qtbot.addWidget(dialog)
    dialog.add_files([alice, bad])
    snap = file_snapshot(main)
    with qtbot.waitSignal(dialog.finished_merge, timeout=20000) as blocker:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [None]
    assert dialog.outcome.toPlainText().startswith("Nothing was merged: cannot merge")
    assert file_snapshot(main) == snap
    dialog.files.clear()
    dialog.add_files([alice, bob])
    dialog.add_documents.setChecked(True)
    with qtbot.waitSignal(dialog.finished_merge, timeout=20000) as blocker:
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert [d for _, d in report.documents_added] == ["d3"]
    text = dialog.outcome.toPlainText()
    assert "1 document(s) added" in text and "conflict: d1 by alice: kept this project's; alice.annotator" in text
    assert spans(main, "d3", "alice") == [(21, 32, "GPE")]
    dialog.close()


def test_a_layer_set_back_to_not_started_merges_once(cli, tmp_path):
    main, alice, _ = setup(tmp_path)
    with Project.open(alice) as p:
        p.set_status("d2", "alice", Status.NOT_STARTED)
    assert cli("merge", main, alice).code == 0
    snap = file_snapshot(main)
    again = cli("merge", main, alice)
    assert "0 conflict(s)" in again.out
    assert file_snapshot(main) == snap
