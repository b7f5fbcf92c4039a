"""Adjudication logic (no widgets): units of disagreement, taking a version, undo, own spans, auto-accept, status,
provenance in the `source` column, and the project's count of open disagreements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.adjudication import ArticleReview, project_disagreements
from annotator.core.model import GOLD, Status
from annotator.core.project import Project
from tests.test_agreement_spans import STANDARD, TEXT, build


@pytest.fixture
def reviewed(cli, tmp_path) -> Path:
    return build(cli, tmp_path, STANDARD)


def unit_at(review: ArticleReview, kind: str, word: str = ""):
    start = TEXT.index(word) if word else -1
    return next(u for u in review.units if u.kind == kind and (kind == "stance" or u.start <= start < u.end))


def test_units_and_agreement(reviewed):
    with Project.open(reviewed) as project:
        review = ArticleReview.load(project, "d1")
        assert review.annotators == ["alice", "bob"]
        kinds = [(u.kind, u.agreed) for u in review.units]
        # Taliban ORG agreed; Kabul (boundaries), Tuesday (label), the ATTACK (arguments), stance: disagreements
        assert kinds == [("span", True), ("event", False), ("span", False), ("span", False), ("stance", False)]
        assert len(review.open_units()) == 4
        kabul = unit_at(review, "span", "Kabul")
        assert kabul.versions == {"alice": ((26, 31, "GPE"),), "bob": ((25, 31, "GPE"),)}
        assert project_disagreements(project) == {"d1": 4, "d2": 0}


def test_take_undo_and_provenance(reviewed):
    with Project.open(reviewed) as project:
        review = ArticleReview.load(project, "d1")
        assert review.accept_agreed() == 1
        assert [(s.key(), s.source) for s in project.annotation("d1", GOLD).spans] == [((0, 7, "ORG"), "alice,bob")]
        kabul = unit_at(review, "span", "Kabul")
        review.take_version(kabul, "alice")
        gold = project.annotation("d1", GOLD)
        assert [(s.key(), s.source) for s in gold.spans] == [((0, 7, "ORG"), "alice,bob"), ((26, 31, "GPE"), "alice")]
        assert review.decided(kabul) and len(review.open_units()) == 3
        review.undo(kabul)
        assert [s.key() for s in project.annotation("d1", GOLD).spans] == [(0, 7, "ORG")]
        assert not review.decided(kabul) and len(review.open_units()) == 4
        # bob's "nothing" is a version too: an empty article part rejects every candidate
        tuesday = unit_at(review, "span", "Tuesday")
        review.decide(tuesday, ())
        assert review.decided(tuesday)
        assert (35, 42) not in {(s.start, s.end) for s in project.annotation("d1", GOLD).spans}


def test_own_span_settles_the_unit_and_status_becomes_done(reviewed):
    with Project.open(reviewed) as project:
        review = ArticleReview.load(project, "d1")
        review.accept_agreed()
        start = TEXT.index("Tuesday")
        review.add_span(start, start + 7, "DATE")
        assert review.decided(unit_at(review, "span", "Tuesday"))
        assert project.annotation("d1", GOLD).spans[-1].source == "review"
        review.take_version(unit_at(review, "span", "Kabul"), "bob")
        review.take_version(unit_at(review, "event", "attacked"), "alice")
        assert project.status("d1", GOLD) == Status.IN_PROGRESS
        review.take_version(unit_at(review, "stance"), "bob")
        assert review.open_units() == []
        gold = project.annotation("d1", GOLD)
        assert gold.status == Status.DONE
        assert gold.stance == {"Taliban": "neutral"}
        assert [(e.type, e.source, [a.role for a in e.arguments]) for e in gold.events] == [
            ("ATTACK", "alice", ["Attacker", "Place"])
        ]
        assert project_disagreements(project)["d1"] == 0


def test_export_gold(reviewed, cli, tmp_path):
    with Project.open(reviewed) as project:
        review = ArticleReview.load(project, "d1")
        review.accept_agreed()
        review.take_version(unit_at(review, "span", "Kabul"), "alice")
    out = tmp_path / "gold.jsonl"
    assert cli("export", reviewed, out, "--gold").code == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(x["id"], x["annotator"]) for x in lines] == [("d1", "gold")]
    assert lines[0]["spans"] == [{"start": 0, "end": 7, "label": "ORG"}, {"start": 26, "end": 31, "label": "GPE"}]


def test_a_single_annotator_is_not_agreement(cli, tmp_path):
    from tests.test_agreement_spans import ALICE, line

    path = build(cli, tmp_path, [ALICE, line("bob", status="in_progress", spans=ALICE["spans"])], "single")
    with Project.open(path) as project:
        review = ArticleReview.load(project, "d1")
        assert review.annotators == ["alice"]  # bob has not finished
        assert not any(u.agreed for u in review.units)
        assert review.accept_agreed() == 0
        assert len(review.open_units()) == len(review.units) == 5
        assert project_disagreements(project) == {}  # nobody else marked it done: not compared
