"""Entity suggestions: mapping model labels onto the scheme, and patterns learned from confirmed spans."""

from __future__ import annotations

from annotator.core.project import Project
from annotator.core.scheme import default_scheme, scheme_from_dict
from annotator.nlp.entities import LabelMapper
from annotator.nlp.patterns import confirmed_patterns
from annotator.nlp.runner import suggest_project
from tests.nlp_pipelines import add_documents, rules_pipeline

TEXTS = {
    "a": "Defense Minister Bismillah Mohammadi escaped an attack in Kabul.",
    "b": "Bismillah Mohammadi spoke in Herat about $5 million in aid.",
}
RULES = [
    {"label": "ORG", "pattern": "Defense Minister Bismillah"},
    {"label": "GPE", "pattern": "Kabul"},
    {"label": "GPE", "pattern": "Herat"},
    {"label": "MONEY", "pattern": "$5 million"},
]


def _suggested(project: Project, doc_id: str) -> list[tuple[str, str, str]]:
    text = project.document(doc_id).text
    return [(text[s.start : s.end], s.label, s.source) for s in project.suggestions(doc_id).spans]


def test_labels_not_in_scheme_are_dropped_and_counted(tmp_path):
    model = rules_pipeline(tmp_path / "rules", RULES)
    project = Project.create(tmp_path / "p.annotator")
    add_documents(project, TEXTS)
    report = suggest_project(project, model=str(model))
    assert report.dropped == {"MONEY": 1}
    assert _suggested(project, "b") == [("Herat", "GPE", "model")]
    assert report.entities_by_label == {"GPE": 2, "ORG": 1}
    project.close()


def test_label_map_and_aliases():
    data = default_scheme().to_dict()
    data["entities"] = [{"label": "PER"}, {"label": "Location"}, {"label": "ORG"}]
    data["label_map"] = {"GPE": "Location", "LOC": "Location"}
    mapper = LabelMapper(scheme_from_dict(data))
    assert [mapper(x) for x in ("PERSON", "GPE", "LOC", "org", "ORG", "DATE")] == [
        "PER",
        "Location",
        "Location",
        "ORG",
        "ORG",
        None,
    ]
    assert mapper.dropped == {"DATE": 1}


def test_confirmed_patterns_take_the_majority_label():
    rows = [("PERSON", "Mujahid"), ("ORG", "Mujahid"), ("PERSON", "Mujahid"), ("GPE", " Kabul"), ("NOPE", "x")]
    assert confirmed_patterns(rows, default_scheme()) == [("PERSON", "Mujahid")]


def test_learned_pattern_is_suggested_everywhere_and_wins_over_the_model(tmp_path):
    model = rules_pipeline(tmp_path / "rules", RULES)
    project = Project.create(tmp_path / "p.annotator")
    add_documents(project, TEXTS)
    suggest_project(project, model=str(model))
    assert _suggested(project, "a")[0] == ("Defense Minister Bismillah", "ORG", "model")
    # alice confirms the person in article a; bob (another annotator) confirms a place the model never finds
    text_a = TEXTS["a"]
    start = text_a.index("Bismillah Mohammadi")
    project.add_span("a", "alice", start, start + len("Bismillah Mohammadi"), "PERSON")
    project.add_span("a", "bob", 0, len("Defense Minister"), "ORG")
    report = suggest_project(project)
    assert (report.processed, report.refreshed) == (0, 2)  # no pipeline run: a tokenizer-only refresh
    assert _suggested(project, "a") == [
        ("Defense Minister", "ORG", "pattern"),
        ("Bismillah Mohammadi", "PERSON", "pattern"),  # the model's overlapping ORG span is gone
        ("Kabul", "GPE", "model"),
    ]
    assert _suggested(project, "b") == [("Bismillah Mohammadi", "PERSON", "pattern"), ("Herat", "GPE", "model")]
    # a full recompute (new model run) gives the same result as the refresh
    report = suggest_project(project, model="blank:en")
    assert ("Bismillah Mohammadi", "PERSON", "pattern") in _suggested(project, "b")
    project.close()


def test_removed_confirmed_span_recomputes_everything(tmp_path):
    model = rules_pipeline(tmp_path / "rules", RULES)
    project = Project.create(tmp_path / "p.annotator")
    add_documents(project, TEXTS)
    start = TEXTS["a"].index("Bismillah Mohammadi")
    span = project.add_span("a", "alice", start, start + len("Bismillah Mohammadi"), "PERSON")
    suggest_project(project, model=str(model))
    assert _suggested(project, "a")[0] == ("Bismillah Mohammadi", "PERSON", "pattern")
    project.delete_span(span.id)
    report = suggest_project(project)
    assert report.processed == 2
    assert _suggested(project, "a")[0] == ("Defense Minister Bismillah", "ORG", "model")
    project.close()
