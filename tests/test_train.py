"""`annotator train` (issue 14): a tiny project trains in seconds with spaCy's own loop; the run is recorded with
per-label scores of the trained model, the base pipeline and the learned patterns, and the best source per label."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import time

import pytest

from annotator.core.errors import ModelError
from annotator.core.project import Project
from annotator.core.scheme import scheme_from_dict
from annotator.nlp.training import TrainingError, models_folder, trained_model

PEOPLE = ["Zabihullah Mujahid", "Bismillah Mohammadi", "Ashraf Ghani", "Amrullah Saleh"]
PLACES = ["Kabul", "Herat", "Kandahar", "Lashkar Gah"]
WEAPONS = ["rocket", "car bomb", "mortar", "drone"]


def corpus(n: int, status: str = "done") -> list[dict]:
    rng = random.Random(n)
    lines = []
    for i in range(n):
        p, q, w = rng.choice(PEOPLE), rng.choice(PLACES), rng.choice(WEAPONS)
        text = f"Report {i}: {p} said a {w} hit {q} on Tuesday. Officials in {q} confirmed the {w} attack."
        spans = []
        for needle, label in ((p, "PERSON"), (q, "GPE"), (w, "WEAPON")):
            k = text.find(needle)
            while k >= 0:
                spans.append({"start": k, "end": k + len(needle), "label": label})
                k = text.find(needle, k + 1)
        lines.append({"id": f"d{i}", "text": text, "annotator": "alice", "status": status, "spans": spans})
    return lines


def project_with(cli, tmp_path, lines: list[dict]):
    path = tmp_path / "t.annotator"
    assert cli("new", path).code == 0
    src = tmp_path / "c.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert cli("import", path, src).code == 0
    return path


@pytest.mark.slow
def test_train_records_scores_and_chooses_a_source_per_label(cli, tmp_path):
    path = project_with(cli, tmp_path, corpus(24))
    result = cli("train", path, "--max-steps", "40", "--name", "first", "--progress", "json")
    assert result.code == 0, result
    done = json.loads(result.out.strip().splitlines()[-1])
    assert done["event"] == "done" and done["layer"] == "alice"
    assert (done["train_documents"], done["dev_documents"]) == (19, 5)
    folder = models_folder(Project.open(path, readonly=True))
    assert (folder / "first" / "meta.json").is_file() and (folder / "first" / "annotator.json").is_file()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no half-written folder left
    # WEAPON is a label the base pipeline does not know: the trained model (or the patterns) must win it
    assert done["scores"]["WEAPON"]["model"]["f1"] == 0.0
    assert done["choice"]["WEAPON"] in ("trained", "pattern")
    for label, by_source in done["scores"].items():
        best = max((s["f1"] or 0.0) for s in by_source.values())
        assert (by_source[done["choice"][label]]["f1"] or 0.0) == best, label
    with Project.open(path, readonly=True) as project:
        [run] = project.training_runs()
        assert run["name"] == "first" and run["choice"] == done["choice"]
        found = trained_model(project)
        assert found is not None and found[0] == folder / "first"
    # suggestions per label from the best source: WEAPON from the trained model, marked as such
    assert cli("suggest", path, "--progress", "none").code == 0
    with Project.open(path, readonly=True) as project:
        sugg = [s for d in project.document_ids() for s in project.suggestions(d).spans]
        assert project.suggestion_model().endswith("+first")
    if done["choice"]["WEAPON"] == "trained":
        assert {s.source for s in sugg if s.label == "WEAPON"} <= {"trained", "pattern"}
        assert any(s.source == "trained" for s in sugg)
    assert not [s for s in sugg if s.source == "trained" and done["choice"].get(s.label) != "trained"]
    # a damaged model (its weights overwritten): one clear message, the base pipeline is used
    (folder / "first" / "ner" / "model").write_bytes(b"garbage")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM suggestion_cache")  # as if every article had changed: all recomputed
    conn.close()
    damaged = cli("suggest", path, "--progress", "none")
    assert damaged.code == 0 and damaged.err.count("cannot be loaded") == 1, damaged.err
    with Project.open(path, readonly=True) as project:
        assert "+" not in project.suggestion_model()
        assert not [s for d in project.document_ids() for s in project.suggestions(d).spans if s.source == "trained"]
    # a project copied without its models folder: one clear message, the base pipeline is used
    shutil.rmtree(folder)
    again = cli("suggest", path, "--progress", "none")
    assert again.code == 0 and "missing or damaged" in again.err
    with Project.open(path, readonly=True) as project, pytest.raises(ModelError, match="missing or damaged"):
        trained_model(project)
    text = cli("train", tmp_path / "t.annotator", "--max-steps", "5", "--dev", "0.3")
    assert text.code == 0 and "suggestions from" in text.out


def test_too_few_done_articles_say_so(cli, tmp_path):
    path = project_with(cli, tmp_path, corpus(6))
    result = cli("train", path)
    assert result.code == 1
    assert "6 article(s) marked done; training needs at least 10" in result.err
    with Project.open(path, readonly=True) as project:
        assert project.training_runs() == []


def test_components_the_layer_lacks_examples_of_are_refused_naming_them(cli, tmp_path):
    path = project_with(cli, tmp_path, corpus(12))
    result = cli("train", path, "--components", "ner,events")
    assert result.code == 1 and "no event type has 5 triggers (no event triggers)" in result.err
    assert "in the 10 training articles of 'alice'" in result.err  # 2 of the 12 are held out
    unknown = cli("train", path, "--components", "ner,relations")
    assert unknown.code == 1 and "--components relations: choose from ner, events, stance" in unknown.err
    stance = cli("train", path, "--components", "stance")
    assert stance.code == 1 and "0 training article(s) have a stance" in stance.err
    base = cli("train", path, "--base", str(tmp_path / "no-such-pipeline"))
    assert base.code == 1 and "no-such-pipeline" in base.err
    with pytest.raises(TrainingError):
        from annotator.nlp.training import train_project

        with Project.open(path) as project:
            train_project(project, dev=1.5)
    with Project.open(path, readonly=True) as project:
        assert project.training_runs() == []
    assert not models_folder(Project.open(path, readonly=True)).exists() or not any(
        models_folder(Project.open(path, readonly=True)).iterdir()
    )


@pytest.mark.slow
def test_learning_curve_has_four_points_on_the_same_held_out_articles(cli, tmp_path):
    path = project_with(cli, tmp_path, corpus(20))
    result = cli("train", path, "--curve", "--max-steps", "20", "--progress", "json")
    assert result.code == 0, result
    points = json.loads(result.out.strip().splitlines()[-1])["points"]
    assert [p["fraction"] for p in points] == [0.25, 0.5, 0.75, 1.0]
    assert [p["train_documents"] for p in points] == [4, 8, 12, 16]
    assert {p["dev_documents"] for p in points} == {4}
    assert all(0.0 <= (p["f1_all"] or 0.0) <= 1.0 for p in points)
    with Project.open(path, readonly=True) as project:
        assert project.training_runs() == []  # a curve keeps no model
        assert not [p for p in models_folder(project).iterdir()]
    table = cli("train", path, "--curve", "--max-steps", "5")
    assert table.code == 0 and "held-out F1 on the same 4 article(s)" in table.out


@pytest.mark.slow
def test_the_window_trains_in_a_separate_process_then_refreshes_suggestions(cli, tmp_path, qtbot, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")
    from annotator.gui import open_window

    path = project_with(cli, tmp_path, corpus(16))
    window = open_window(path, annotator="alice")
    qtbot.addWidget(window)
    assert window.train_action.isEnabled() and not window.cancel_train_action.isEnabled()
    window.start_training(["--max-steps", "20"])
    assert window.cancel_train_action.isEnabled()
    with qtbot.waitSignal(window.trainer.finished, timeout=180000) as finished:
        pass
    ok, message = finished.args
    assert ok, message
    assert "trained" in message
    with Project.open(path, readonly=True) as project:
        assert len(project.training_runs()) == 1
    # the suggestions are recomputed from the new model
    qtbot.waitUntil(lambda: window.suggester is not None and not window.suggester.running(), timeout=180000)
    with Project.open(path, readonly=True) as project:
        assert "+" in (project.suggestion_model() or "")
    window.close()


def test_the_window_says_why_training_cannot_run(cli, tmp_path, qtbot, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")
    from annotator.gui import open_window

    path = project_with(cli, tmp_path, corpus(6))
    window = open_window(path, annotator="alice")
    qtbot.addWidget(window)
    window.start_training()
    with qtbot.waitSignal(window.trainer.finished, timeout=120000) as finished:
        pass
    ok, message = finished.args
    assert not ok and "training needs at least 10" in message
    assert window.train_action.isEnabled() and not window.cancel_train_action.isEnabled()
    window.close()


def stance_corpus(n: int) -> list[dict]:
    rng = random.Random(7)
    lines = corpus(n)
    for line in lines:
        value = rng.choice(["favor", "against"])
        verb = "praised the Taliban warmly" if value == "favor" else "condemned the Taliban sharply"
        line["text"] += f" The statement {verb}."
        line["stance"] = {"Taliban": value}
    return lines


@pytest.mark.slow
def test_stance_classifier_is_trained_and_scored_against_the_majority(cli, tmp_path):
    path = project_with(cli, tmp_path, stance_corpus(30))
    result = cli("train", path, "--max-steps", "60", "--progress", "json")
    assert result.code == 0, result
    done = json.loads(result.out.strip().splitlines()[-1])
    taliban = done["stance"]["Taliban"]
    assert taliban["n"] == done["dev_documents"] == 6
    assert 0.0 <= taliban["trained"] <= 1.0 and 0.0 <= taliban["majority"] <= 1.0
    assert taliban["majority_value"] in ("favor", "against")
    folder = models_folder(Project.open(path, readonly=True))
    import spacy

    nlp = spacy.load(next(folder.iterdir()))
    assert "textcat_multilabel" in nlp.pipe_names
    assert set(nlp.get_pipe("textcat_multilabel").labels) >= {"Taliban=favor", "Taliban=against"}
    table = cli("train", path, "--max-steps", "5", "--components", "ner")
    assert table.code == 0 and "stance target" not in table.out


@pytest.mark.slow
def test_suggested_stance_is_shown_and_accepted_with_one_key(cli, tmp_path, qtbot, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")
    from PySide6.QtCore import Qt

    from annotator.gui import open_window

    lines = stance_corpus(30)
    lines.append({"id": "new", "text": "Officials praised the Taliban warmly in Kabul on Tuesday."})
    path = project_with(cli, tmp_path, lines)
    assert cli("train", path, "--max-steps", "60", "--progress", "none").code == 0
    assert cli("suggest", path, "--progress", "none").code == 0
    with Project.open(path, readonly=True) as project:
        suggested = project.suggested_stance("new")
    assert set(suggested) == {"Taliban"} and suggested["Taliban"][0] in ("favor", "against")
    window = open_window(path, annotator="bob", document_id="new")
    qtbot.addWidget(window)
    assert window.session.state.suggested_stance == suggested
    combo = window.stance.table.cellWidget(0, 1)
    assert "suggested" in combo.itemText(0)
    with Project.open(path, readonly=True) as project:  # a suggestion is nobody's work
        assert "bob" not in project.annotators()
    for key in (Qt.Key_S, Qt.Key_1, Qt.Key_A):
        qtbot.keyClick(window.view, key)
    with Project.open(path, readonly=True) as project:
        assert project.annotation("new", "bob").stance == {"Taliban": suggested["Taliban"][0]}
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    with Project.open(path, readonly=True) as project:
        assert project.annotation("new", "bob").stance == {}
        scores = {d: project.suggested_stance(d)["Taliban"][1] for d in project.document_ids()}
        certainty = {d: project.suggestions(d).certainty for d in project.document_ids()}
    # most useful first: the list ordered by how sure the trained model is of its least sure decision (the
    # stance among them), least sure first
    assert all(certainty[d] <= scores[d] for d in scores)
    window.documents.order.setCurrentIndex(window.documents.order.findData("uncertain"))
    listed = [window.documents.model.doc_id(i) for i in range(window.documents.model.rowCount())]
    assert [certainty[d] for d in listed] == sorted(certainty.values())
    window.close()


def event_corpus(n: int) -> list[dict]:
    """Each article has an ambush (a word the scheme's ATTACK triggers do not list) and an attack (one they do)."""
    lines = corpus(n)
    rng = random.Random(3)
    for line in lines:
        place = rng.choice(PLACES)
        prefix = f"Gunmen ambushed a convoy in {place}. "
        line["text"] = prefix + line["text"]
        for span in line["spans"]:
            span["start"] += len(prefix)
            span["end"] += len(prefix)
        text = line["text"]
        ambush, attack = text.index("ambushed"), text.rindex("attack")
        at = text.index(place)
        line["events"] = [
            {"type": "ATTACK", "trigger": {"start": ambush, "end": ambush + 8},
             "arguments": [{"role": "Place", "start": at, "end": at + len(place)}]},
            {"type": "ATTACK", "trigger": {"start": attack, "end": attack + 6}, "arguments": []},
        ]  # fmt: skip
    return lines


@pytest.mark.slow
def test_event_triggers_are_trained_scored_against_the_lists_and_suggested_from_the_better(
    cli, tmp_path, window_on, qtbot
):
    path = project_with(cli, tmp_path, event_corpus(30))
    result = cli("train", path, "--max-steps", "150", "--name", "ev", "--progress", "none")
    assert result.code == 0, result
    table = result.out.split("event trigger")[1].splitlines()
    [row] = [line.split() for line in table if line.startswith("ATTACK")]
    with Project.open(path, readonly=True) as project:
        run = project.latest_training()
    assert run is not None and run["components"] == ["ner", "events"]
    attack = run["events"]["ATTACK"]
    # the lists find every "attack" and no "ambushed": recall one half on the held-out articles
    assert attack["lexicon"]["recall"] == 0.5 and attack["lexicon"]["n_a"] == 2 * run["dev_documents"]
    assert attack["trained"]["n_a"] == attack["lexicon"]["n_a"]
    assert attack["trained"]["f1"] > attack["lexicon"]["f1"], attack  # it learned "ambushed"
    assert run["event_choice"]["ATTACK"] == "trained"
    assert row == ["ATTACK", f"{attack['trained']['f1']:.3f}", f"{attack['lexicon']['f1']:.3f}", "trained"]
    # arguments: a second span categorizer learns role phrases; per role it is scored against the dependency
    # rules on the held-out articles' own triggers, and the better one is chosen
    place = run["arguments"]["Place"]
    assert place["rules"]["n_a"] == place["trained"]["n_a"] == run["dev_documents"]
    assert place["trained"]["f1"] > (place["rules"]["f1"] or 0.0), place
    assert run["argument_choice"]["Place"] == "trained"
    import spacy

    nlp = spacy.load(models_folder(Project.open(path, readonly=True)) / "ev")
    assert "spancat" in nlp.pipe_names and "ATTACK" in nlp.get_pipe("spancat").labels
    assert "Place" in nlp.get_pipe("arguments").labels
    # suggestions: ATTACK triggers come from the trained span categorizer, with its score and the rules' arguments
    assert cli("suggest", path, "--progress", "none").code == 0
    with Project.open(path, readonly=True) as project:
        model = project.suggestion_model()
        found = {d: project.suggestions(d) for d in project.document_ids()}
        text = {d: project.document(d).text for d in found}
    assert model.endswith("+ev")
    events = [(d, e) for d, sugg in found.items() for e in sugg.events]
    assert events and all(e.source == "trained" and e.score >= 0.5 for _, e in events if e.type == "ATTACK")
    ambushes = [(d, e) for d, e in events if text[d][e.trigger_start : e.trigger_end] == "ambushed"]
    assert len(ambushes) >= len(found) * 0.8  # the lists never suggested these
    attackers = {text[d][a.start : a.end] for d, e in ambushes for a in e.arguments if a.role == "Attacker"}
    assert attackers == {"Gunmen"}  # the dependency rules attach arguments to trained triggers too
    # Place comes from the trained component: the town right after "in", given to the nearest trigger
    places = [(text[d][a.start : a.end], text[d].index(" in ") + 4 == a.start) for d, e in ambushes
              for a in e.arguments if a.role == "Place"]  # fmt: skip
    assert len(places) >= len(ambushes) * 0.8 and all(at for _, at in places) and {p for p, _ in places} <= set(PLACES)
    # every article carries the trained model's certainty, which orders "least certain first"
    assert all(sugg.certainty is not None and 0.0 <= sugg.certainty <= 1.0 for sugg in found.values())
    stats = cli("stats", path)
    assert "trained model ev (in use)" in stats.out
    assert f"trigger ATTACK: from trained (held-out F1: trained {attack['trained']['f1']:.3f}" in stats.out
    info = json.loads(cli("stats", path, "--json").out)["trained_model"]
    assert info["events"]["ATTACK"]["source"] == "trained" and info["state"] == "in use"
    # the curve scores only what is trained: with --components events, the event types
    curve = cli("train", path, "--curve", "--components", "events", "--max-steps", "20", "--progress", "json")
    points = json.loads(curve.out.strip().splitlines()[-1])["points"]
    assert len(points) == 4 and all(set(p["f1"]) == {"ATTACK"} for p in points), points
    # the window: the model information, and each suggested trigger's source and score in the event list
    window = window_on(path, annotator="bob")
    lines = window.model_information()
    assert any(line.startswith("  trigger ATTACK: from trained") for line in lines)
    assert "trigger ATTACK: from trained" in window.status_model.toolTip()
    assert window.findChild(type(window.train_action), "actionModelInfo") is not None
    doc_id = window.session.doc_id
    ambush = next(e for d, e in ambushes if d == doc_id)
    tree = window.events
    rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    [row] = [r for r in rows if r.text(0).startswith("ATTACK \u201cambushed")]
    assert row.text(1) == f"suggested {ambush.score:.2f}" and "trained" in row.toolTip(1)
    # accepted with Enter, the event keeps where it came from, and its suggested arguments
    from PySide6.QtCore import Qt

    window.session.focus_item(("event_suggestion", ambush.trigger_start, ambush.trigger_end, "ATTACK"))
    qtbot.keyClick(window.view, Qt.Key_Return)
    with Project.open(path, readonly=True) as project:
        [kept] = [e for e in project.annotation(doc_id, "bob").events if e.trigger_start == ambush.trigger_start]
    assert (kept.type, kept.source) == ("ATTACK", "trained")
    assert {a.role for a in kept.arguments} >= {"Attacker", "Place"}
    window.close()
    # a scheme without trigger lists: the trained triggers still get the rules' arguments (the parser is loaded)
    with Project.open(path) as project:
        data = project.scheme.to_dict()
        for event in data["events"]:
            event["triggers"] = []
        project.set_scheme(scheme_from_dict(data))
    assert cli("suggest", path, "--progress", "none").code == 0
    with Project.open(path, readonly=True) as project:
        again = [(d, e) for d in project.document_ids() for e in project.suggestions(d).events]
    again = [(d, e) for d, e in again if text[d][e.trigger_start : e.trigger_end] == "ambushed"]
    assert len(again) == len(ambushes)
    assert {text[d][a.start : a.end] for d, e in again for a in e.arguments if a.role == "Attacker"} == {"Gunmen"}


@pytest.mark.slow
def test_a_base_pipeline_given_to_train_is_compared_with_and_becomes_the_projects_model(cli, tmp_path):
    path = project_with(cli, tmp_path, corpus(14))
    # the work folders of a training killed two days ago go; one being written now stays
    models = tmp_path / "t.annotator.models"
    (models / ".killed.x" / "output").mkdir(parents=True)
    (models / ".running.y").mkdir()
    for p in (models / ".killed.x", models / ".killed.x" / "output"):
        os.utime(p, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    result = cli("train", path, "--max-steps", "10", "--base", "blank:en", "--components", "ner")
    assert sorted(p.name for p in models.iterdir() if p.name.startswith(".")) == [".running.y"]
    assert result.code == 0, result.err
    with Project.open(path, readonly=True) as project:
        run = project.latest_training()
        assert project.model == "blank:en" and run is not None and run["base"].startswith("blank")
    # a blank base suggests nothing: the base F1 is 0 for every label, so no label keeps it
    assert all(by["model"]["f1"] in (0.0, None) for by in run["scores"].values())
    assert "model" not in set(run["choice"].values()) or all(
        (by["trained"]["f1"] or 0.0) == 0.0 and (by["pattern"]["f1"] or 0.0) == 0.0
        for label, by in run["scores"].items()
        if run["choice"][label] == "model"
    )


def test_long_articles_are_trained_and_scored_in_pieces_with_their_own_offsets():
    from annotator.core.model import Argument, Event, Span
    from annotator.nlp.training import Example, pieces

    first, second = "Gunmen ambushed a convoy in Herat.", "Officials in Kabul confirmed the attack."
    text = first + "\n\n" + second
    kabul, attack = text.index("Kabul"), text.index("attack")
    ex = Example(
        text,
        [Span(text.index("Herat"), text.index("Herat") + 5, "GPE"), Span(kabul, kabul + 5, "GPE")],
        {"Taliban": "against"},
        [Event("ATTACK", attack, attack + 6, (Argument("Place", kabul, kabul + 5),))],
    )
    assert pieces(ex) == [ex]  # short: whole
    head, tail = pieces(ex, limit=40)
    assert (head.text, tail.text) == (first + "\n\n", second)
    assert [(tail.text[s.start : s.end], s.label) for s in tail.spans] == [("Kabul", "GPE")]
    [event] = tail.events
    assert tail.text[event.trigger_start : event.trigger_end] == "attack"
    assert [(a.role, tail.text[a.start : a.end]) for a in event.arguments] == [("Place", "Kabul")]
    assert (head.stance, tail.stance) == ({"Taliban": "against"}, {})  # suggested from the first piece


@pytest.mark.slow
def test_a_layer_with_long_articles_trains(cli, tmp_path, monkeypatch):
    from annotator.nlp import training

    monkeypatch.setattr(training, "PIECE_CHARS", 200)  # every article below is cut in pieces
    lines = event_corpus(24)
    for line in lines:
        pad = "Background paragraph without names. " * 6 + "\n\n"
        line["text"] = pad + line["text"]
        for span in line["spans"]:
            span["start"] += len(pad)
            span["end"] += len(pad)
        for event in line["events"]:
            event["trigger"] = {k: v + len(pad) for k, v in event["trigger"].items()}
            for arg in event["arguments"]:
                arg["start"] += len(pad)
                arg["end"] += len(pad)
    path = project_with(cli, tmp_path, lines)
    result = cli("train", path, "--max-steps", "40", "--progress", "json")
    assert result.code == 0, result.err
    done = json.loads(result.out.strip().splitlines()[-1])
    assert (done["train_documents"], done["dev_documents"]) == (19, 5)  # articles, not pieces
    assert done["scores"]["WEAPON"]["trained"]["n_a"] > 0 and done["events"]["ATTACK"]["lexicon"]["n_a"] == 10
