"""Suggestion quality: suggestions scored against each annotator's documents marked done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from annotator.core.project import Project
from annotator.core.suggestion_quality import suggestion_quality
from annotator.nlp.runner import suggest_project
from tests.nlp_pipelines import add_documents, rules_pipeline

TEXTS = {
    "a": "Zabihullah Mujahid said the attack in Kabul was a response.",
    "b": "Fighting in Herat and Kabul.",
    "c": "Kabul again.",
}


def _setup(tmp_path) -> Project:
    model = rules_pipeline(
        tmp_path / "rules", [{"label": "GPE", "pattern": "Kabul"}, {"label": "ORG", "pattern": "Herat"}]
    )
    project = Project.create(tmp_path / "p.annotator", model=str(model))
    add_documents(project, TEXTS)
    suggest_project(project)
    # alice finishes a and b: she marks Kabul (agrees), Zabihullah Mujahid (missed), Herat as GPE (model says ORG)
    a, b = TEXTS["a"], TEXTS["b"]
    project.add_span("a", "alice", a.index("Kabul"), a.index("Kabul") + 5, "GPE")
    project.add_span("a", "alice", 0, 18, "PERSON")
    project.add_span("b", "alice", b.index("Herat"), b.index("Herat") + 5, "GPE")
    project.add_span("b", "alice", b.index("Kabul"), b.index("Kabul") + 5, "GPE")
    project.add_event("a", "alice", "ATTACK", a.index("attack"), a.index("attack") + 6)
    project.set_status("a", "alice", "done")
    project.set_status("b", "alice", "done")
    # bob has work in progress only: not scored
    project.add_span("c", "bob", 0, 5, "GPE")
    return project


def test_quality_per_annotator_and_label(tmp_path):
    project = _setup(tmp_path)
    # scored against the suggestions stored before alice's spans became learned patterns
    quality = suggestion_quality(project)
    assert set(quality) == {"alice"}
    q = quality["alice"]
    assert q["documents"] == 2
    assert (q["exact"]["tp"], q["exact"]["n_a"], q["exact"]["n_b"]) == (2, 4, 3)
    assert q["exact"]["precision"] == 2 / 3 and q["exact"]["recall"] == 0.5
    assert q["per_label"]["GPE"]["recall"] == 2 / 3 and q["per_label"]["PERSON"]["recall"] == 0.0
    assert q["per_label"]["ORG"]["precision"] == 0.0 and q["per_label"]["ORG"]["recall"] is None
    assert (q["event_triggers"]["tp"], q["event_triggers"]["n_a"], q["event_triggers"]["n_b"]) == (1, 1, 2)
    assert project.stats()["suggestion_quality"] == quality
    project.close()


def test_stats_table_shows_quality(cli, tmp_path):
    project = _setup(tmp_path)
    project.close()
    result = cli("stats", project.path)
    assert result.code == 0
    assert "suggestion quality" in result.out
    row = next(line for line in result.out.splitlines() if line.startswith("alice") and " all " in line)
    assert row.split() == ["alice", "all", "2", "0.667", "0.500", "0.571"]
    stats = json.loads(cli("stats", project.path, "--json").out)
    assert stats["suggestion_quality"]["alice"]["exact"]["f1"] == 4 / 7


def test_core_still_imports_no_spacy():
    code = "import sys, annotator.core.project, annotator.core.suggestion_quality; print('spacy' in sys.modules)"
    root = str(Path(__file__).resolve().parent.parent)  # this checkout, not another installed copy
    env = {**os.environ, "PYTHONPATH": root}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root, env=env
    ).stdout
    assert out.strip() == "False"
