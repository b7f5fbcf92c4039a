"""`annotator suggest --processes N` (issue 14): the articles dealt out to N processes give exactly the suggestions
one process gives, with one progress stream, and a cancelled or failed share leaves what was committed."""

from __future__ import annotations

import json
import shutil

import pytest

from annotator.core.project import Project
from tests.conftest import SAMPLES


def project_of_sentences(cli, tmp_path, name: str, n: int):
    sentences = []
    for file in sorted(SAMPLES.glob("*.txt")):
        sentences += [s.strip() for s in file.read_text(encoding="utf-8").split(". ") if len(s.strip()) > 60]
    lines = [{"id": f"s{i:03d}", "text": f"{sentences[i % len(sentences)]}. (copy {i})"} for i in range(n)]
    src = tmp_path / f"{name}.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    path = tmp_path / f"{name}.annotator"
    assert cli("new", path).code == 0 and cli("import", path, src).code == 0
    return path


def suggestions(path) -> dict:
    with Project.open(path, readonly=True) as project:
        return {
            d: (
                sorted((s.start, s.end, s.label, s.source) for s in project.suggestions(d).spans),
                sorted((e.type, e.trigger_start, e.trigger_end) for e in project.suggestions(d).events),
            )
            for d in project.document_ids()
        }


@pytest.mark.slow
def test_two_processes_give_the_same_suggestions_as_one(cli, tmp_path, capsys):
    one = project_of_sentences(cli, tmp_path, "one", 96)
    two = tmp_path / "two.annotator"
    shutil.copy(one, two)  # a closed project: a plain copy is safe here
    assert cli("suggest", one, "--processes", "1", "--progress", "none").code == 0
    result = cli("suggest", two, "--processes", "2", "--progress", "json")
    assert result.code == 0, result
    events = [json.loads(line) for line in result.out.splitlines()]
    documents = [e for e in events if e["event"] == "document"]
    assert sorted(e["id"] for e in documents) == sorted(f"s{i:03d}" for i in range(96))  # every article, once
    assert [e["done"] for e in documents] == list(range(1, 97))  # one progress stream
    assert events[-1]["event"] == "finished" and events[-1]["processed"] == 96
    assert suggestions(one) == suggestions(two)
    again = cli("suggest", two, "--processes", "2", "--progress", "none")
    assert again.code == 0 and "0 processed" in again.out and "96 cached" in again.out


def test_processes_must_be_positive(cli, tmp_path):
    path = project_of_sentences(cli, tmp_path, "p", 3)
    result = cli("suggest", path, "--processes", "0")
    assert result.code == 1 and "--processes must be at least 1" in result.err
