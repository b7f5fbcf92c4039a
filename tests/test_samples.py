"""The demo corpus: samples/ and the copy packaged in annotator/data/samples are the same five articles."""

from __future__ import annotations

from annotator.cli.gui_cmds import demo_project, sample_documents
from annotator.core.project import Project
from tests.conftest import SAMPLES


def test_packaged_samples_match_repository_samples():
    packaged = {d.id: d.text for d in sample_documents()}
    repo = {p.name: p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.txt")}
    assert len(repo) == 5
    assert packaged == repo


def test_demo_project_created_once_in_data_dir(cli, tmp_path):
    result = cli("demo", "--no-gui", "--path", tmp_path / "demo.annotator")
    assert result.code == 0, result
    with Project.open(tmp_path / "demo.annotator") as p:
        assert p.document_count() == 5
        assert p.stats()["suggestions"]["entities"] > 0  # without the window, demo computes them itself
    # a second run reuses the project and keeps the user's work
    with Project.open(tmp_path / "demo.annotator") as p:
        p.add_span(p.document_ids()[0], "alice", 1, 5, "DATE")
    assert cli("demo", "--no-gui", "--path", tmp_path / "demo.annotator").code == 0
    with Project.open(tmp_path / "demo.annotator") as p:
        assert p.stats()["annotators"]["alice"]["spans"] == 1


def test_demo_default_location_is_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    path = demo_project()
    assert path == tmp_path / "data" / "demo.annotator"
    assert path.exists()
