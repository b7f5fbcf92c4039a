"""The command line: new / import / stats / export on the sample articles; help and version."""

from __future__ import annotations

import json

from annotator import __version__
from annotator.cli import build_parser
from tests.conftest import SAMPLES


def test_version(cli):
    result = cli("--version")
    assert result.code == 0
    assert __version__ in result.out


def test_every_command_has_help_with_example(cli):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps subparsers here
    assert {"new", "import", "stats", "export", "gui", "demo"} <= set(commands)
    for name in commands:
        result = cli(name, "--help")
        assert result.code == 0, name
        assert "Example:" in result.out, name
        assert f"annotator {name}" in result.out, name


def test_new_import_stats_export(cli, tmp_path):
    proj = tmp_path / "p.annotator"
    assert cli("new", proj).code == 0
    result = cli("import", proj, SAMPLES)
    assert result.code == 0, result
    assert "imported 5 new document" in result.out
    stats = json.loads(cli("stats", proj, "--json").out)
    assert stats["documents"] == 5
    assert stats["suggestions"]["entities"] == 0
    out = tmp_path / "out.jsonl"
    assert cli("export", proj, out, "--format", "jsonl").code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == sorted(p.name for p in SAMPLES.glob("*.txt"))
    assert lines[0]["text"] == (SAMPLES / lines[0]["id"]).read_text(encoding="utf-8")


def test_reimport_reports_nothing_new(cli, tmp_path):
    proj = tmp_path / "p.annotator"
    cli("new", proj)
    cli("import", proj, SAMPLES)
    result = cli("import", proj, SAMPLES)
    assert result.code == 0
    assert "imported 0 new document" in result.out
    assert json.loads(cli("stats", proj, "--json").out)["documents"] == 5


def test_every_command_is_in_the_readme():
    from tests.conftest import SAMPLES as samples

    readme = (samples.parent / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"annotator {name}" in readme, name
