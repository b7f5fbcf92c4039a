"""`agreement --report`: one self-contained, valid HTML file holding every figure of the JSON; the readable table
with per-label figures, label confusion and `--per-document`; one count of disagreements everywhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from annotator.core.adjudication import project_disagreements
from annotator.core.agreement import project_agreement
from annotator.core.project import Project
from tests.test_agreement_ci import random_lines
from tests.test_agreement_spans import STANDARD, agreement, build

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "embed", "source", "track", "wbr"}
SVG_EMPTY = {"rect", "line", "circle", "path", "polyline", "polygon"}


class Checker(HTMLParser):
    """Tags balanced, no external reference, no script; collects the text and the title attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.titles: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.errors.append("script")
        for name, value in attrs:
            if value and re.search(r"(https?:|//|url\()", value) and name != "title":
                self.errors.append(f"external reference {name}={value}")
            if name == "title" and value:
                self.titles.append(value)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def numbers(value, path=""):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, (int, float)):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from numbers(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from numbers(v, f"{path}/{i}")


def test_report_is_valid_and_holds_every_figure(cli, tmp_path):
    lines = random_lines(3)
    lines[0]["spans"].append({"start": 0, "end": 7, "label": "ORG"})
    lines[0]["id"] = lines[1]["id"] = lines[2]["id"] = 'd0<b>&"x"'  # ids are text, never markup
    path = build(cli, tmp_path, lines, "report")
    out = tmp_path / "agreement.html"
    result = cli("agreement", path, "--report", out, "--samples", "100")
    assert result.code == 0, result
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    assert "<svg" in html and "http" not in html.lower() and "<script" not in html
    assert "d0<b>" not in html and "d0&lt;b&gt;&amp;" in html
    text = " ".join(checker.text)
    titles = " ".join(checker.titles)
    data = agreement(cli, path, "--per-document", "--ci", "--samples", "100")
    missing = []
    for where, value in numbers(data):
        if where.startswith("/ci_settings/level"):
            continue
        if isinstance(value, float):
            if repr(value) not in titles:
                missing.append((where, value))
        elif str(value) not in text:
            missing.append((where, value))
    assert missing == []
    for section in ("Settings", "Entities", "Event triggers", "Stance", "Label confusion", "Per article"):
        assert f">{section}<" in html
    assert "alice, bob, carol" in html and "exact: same start, end and label" in html


def test_report_refuses_the_project_file(cli, tmp_path):
    path = build(cli, tmp_path, STANDARD)
    result = cli("agreement", path, "--report", path)
    assert result.code == 1 and "project file itself" in result.err


def test_table_per_label_confusion_and_per_document(cli, tmp_path):
    path = build(cli, tmp_path, STANDARD)
    plain = cli("agreement", path).out
    assert "per label, exact" in plain and "label confusion, entities" in plain
    assert re.search(r"DATE\s+TIME\s+1", plain)
    assert "per article" not in plain
    per_doc = cli("agreement", path, "--per-document").out
    assert re.search(r"d1\s+4\s+0\.333 / 1\.000", per_doc)
    assert re.search(r"d2\s+0\s+- / -", per_doc)


def test_one_count_of_disagreements(cli, tmp_path):
    """The review list and the agreement ranking (view, --per-document) count the same units."""
    path = build(cli, tmp_path, random_lines(5, n_docs=12), "count")
    with Project.open(path, readonly=True) as project:
        review = project_disagreements(project)
        report = project_agreement(project)
    assert review == report.disagreements()
    assert sum(review.values()) > 0
    assert dict(report.document_disagreement()) == review
    assert agreement(cli, path, "--per-document")["disagreements"] == review
