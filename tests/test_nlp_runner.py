"""The suggest runner: caching by model key and text hash, batches, long articles, cancelling, progress."""

from __future__ import annotations

import json
from dataclasses import replace

from annotator.core.project import Project
from annotator.nlp import models, runner
from annotator.nlp.runner import split_text, suggest_project
from annotator.store import suggestions as sugg_store
from tests.nlp_pipelines import add_documents, rules_pipeline, set_text

RULES = [{"label": "GPE", "pattern": "Kabul"}, {"label": "PERSON", "pattern": "Zabihullah Mujahid"}]
TEXTS = {f"d{i}": f"Article {i}: Zabihullah Mujahid said the attack in Kabul was a response." for i in range(7)}


def _project(tmp_path, texts=TEXTS) -> tuple[Project, str]:
    model = str(rules_pipeline(tmp_path / "rules", RULES))
    project = Project.create(tmp_path / "p.annotator", model=model)
    add_documents(project, texts)
    return project, model


def test_second_run_does_no_work(tmp_path):
    project, _ = _project(tmp_path)
    first = suggest_project(project, batch_size=3)
    assert (first.processed, first.cached) == (7, 0)
    assert first.entities_by_label == {"GPE": 7, "PERSON": 7}
    # no lemmatizer in this pipeline: "said" is not matched to "say", listed forms ("attack") are
    assert first.events_by_type == {"ATTACK": 7}
    assert project.suggestion_model() == first.model and first.model.startswith("en_test_rules@1.0.0+")
    second = suggest_project(project, batch_size=3)
    assert (second.processed, second.refreshed, second.cached, second.load_seconds) == (0, 0, 7, 0.0)
    assert second.entities == 14
    project.close()


def test_changed_text_recomputes_only_that_document(tmp_path):
    project, _ = _project(tmp_path)
    suggest_project(project)
    set_text(project, "d3", "Nothing happened in Herat, and then Kabul again: Kabul.")
    report = suggest_project(project)
    assert (report.processed, report.cached) == (1, 6)
    spans = project.suggestions("d3").spans
    assert [(s.start, s.end, s.label) for s in spans] == [(36, 41, "GPE"), (49, 54, "GPE")]
    project.close()


def test_new_model_recomputes_and_old_suggestions_stay_cached(tmp_path):
    project, model = _project(tmp_path)
    first = suggest_project(project)
    other = suggest_project(project, model="blank:en")
    assert other.processed == 7 and other.model != first.model
    assert project.model == "blank:en"  # --model is stored as the project's model
    assert project.suggestions("d0").spans == []  # the blank pipeline finds no entities
    back = suggest_project(project, model=model)
    assert (back.processed, back.cached) == (0, 7)
    assert len(project.suggestions("d0").spans) == 2
    project.close()


def test_scheme_change_recomputes_everything(tmp_path):
    project, _ = _project(tmp_path)
    suggest_project(project)
    scheme = project.scheme
    project.set_scheme(replace(scheme, events=tuple(e for e in scheme.events if e.type != "ATTACK")))
    report = suggest_project(project)
    assert report.processed == 7
    assert report.events_by_type == {}
    project.close()


def test_split_text_prefers_paragraphs_and_covers_everything():
    text = "".join(f"Paragraph {i} about Kabul.\n\n" for i in range(1000))
    pieces = split_text(text, 1000)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 1000 and text[o : o + len(p)] == p for o, p in pieces)
    assert all(p.endswith("\n\n") for _, p in pieces[:-1])
    assert split_text("x" * 2500, 1000) == [(0, "x" * 1000), (1000, "x" * 1000), (2000, "x" * 500)]


def test_long_article_is_processed_in_pieces_with_true_offsets(tmp_path):
    para = "Zabihullah Mujahid said fighting continued. The attack in Kabul was condemned.\n\n"
    text = para * 3000  # about 240,000 characters
    project, _ = _project(tmp_path, {"long": text})
    report = suggest_project(project, piece_chars=10_000)
    assert report.processed == 1
    sugg = project.suggestions("long")
    assert len(sugg.spans) == 6000 and len(sugg.events) == 6000
    assert {text[s.start : s.end] for s in sugg.spans} == {"Kabul", "Zabihullah Mujahid"}
    assert {text[e.trigger_start : e.trigger_end] for e in sugg.events} == {"fighting", "attack"}
    assert sugg.spans[-1].end == len(text) - len(" was condemned.\n\n")
    project.close()


def test_batches_are_bounded_in_characters_and_pieces_go_alone():
    items = [("a" * 40, 1, False), ("b" * 40, 2, False), ("c" * 40, 3, False), ("d" * 500, 4, False), ("e", 5, False)]

    def batches(items, size, chars):
        return [[ctx for _, ctx in b] for b in runner._char_batches(iter(items), size, chars)]

    assert batches(items, 64, 100) == [[1, 2], [3], [4], [5]]
    assert batches(items, 2, 10_000) == [[1, 2], [3, 4], [5]]
    pieces = [("a", 1, False), ("p", 2, True), ("q", 3, True), ("b", 4, False), ("c", 5, False)]
    assert batches(pieces, 64, 10_000) == [[1], [2], [3], [4, 5]]


def test_piecewise_suggestions_equal_the_pipeline_on_each_piece(tmp_path, monkeypatch):
    """A long article is processed one piece at a time; its suggestions are the pipeline's on each piece, shifted."""
    import spacy

    paragraphs = [
        "Zabihullah Mujahid said fighting continued near Kabul.",
        "Residents of Kabul fled. The attack was condemned by Zabihullah Mujahid.",
        "Nothing to report.",
    ]
    text = "".join(f"{paragraphs[i % 3]} ({i})\n\n" for i in range(4000))  # about 230,000 characters
    project, model = _project(tmp_path, {"long": text})
    seen: list[int] = []
    real_pipe = spacy.language.Language.pipe

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        seen.append(sum(len(t[0]) for t in texts))
        return real_pipe(self, texts, **kwargs)

    monkeypatch.setattr(spacy.language.Language, "pipe", pipe)
    monkeypatch.setattr(runner, "BATCH_CHARS", 10_000)
    report = suggest_project(project, piece_chars=10_000)
    assert report.processed == 1 and len(seen) > 20 and max(seen) <= 10_000  # one piece in flight at a time
    got = {(s.start, s.end, s.label) for s in project.suggestions("long").spans}

    nlp = spacy.load(model)
    expected = set()
    for offset, piece in split_text(text, 10_000):
        expected |= {(e.start_char + offset, e.end_char + offset, e.label_) for e in nlp(piece).ents}
    whole = {(e.start_char, e.end_char, e.label_) for e in nlp(text).ents}
    assert got == expected == whole  # cuts fall on paragraph breaks: no entity is lost at a cut
    assert len(got) == text.count("Kabul") + text.count("Zabihullah Mujahid")
    project.close()


def test_cancel_keeps_committed_batches_and_resumes(tmp_path):
    project, _ = _project(tmp_path)
    seen: list[dict] = []
    report = suggest_project(project, batch_size=2, progress=seen.append, cancel=lambda: True)
    assert report.cancelled and report.processed == 2
    assert [e["id"] for e in seen if e["event"] == "document"] == ["d0", "d1"]
    assert len(sugg_store.cached_documents(project.db, report.model)) == 2
    rest = suggest_project(project)
    assert (rest.processed, rest.cached) == (5, 2)
    project.close()


def test_document_progress_comes_after_commit(tmp_path):
    project, model = _project(tmp_path)
    key = models.resolve(model).key
    reader = Project.open(project.path, readonly=True)  # another connection, like the window's
    events: list[dict] = []
    visible: list[int] = []

    def track(event: dict) -> None:
        events.append(event)
        if event["event"] == "document":
            visible.append(len(reader.suggestions(event["id"], key).spans))

    suggest_project(project, batch_size=3, progress=track)
    assert visible == [2] * 7
    assert [e["event"] for e in events] == ["start"] + ["document"] * 7 + ["finished"]
    assert events[0] == {"event": "start", "total": 7, "model": key}
    assert events[-1] == {"event": "finished", "processed": 7, "cached": 0, "entities": 14, "events": 7}
    reader.close()
    project.close()


def test_cli_json_progress_contract(cli, tmp_path):
    project, model = _project(tmp_path)
    project.close()
    result = cli("suggest", project.path, "--progress", "json", "--batch-size", "4")
    assert result.code == 0, result
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert lines[0]["event"] == "start" and lines[0]["total"] == 7
    assert [x["done"] for x in lines[1:-1]] == list(range(1, 8))
    assert lines[-1] == {"event": "finished", "processed": 7, "cached": 0, "entities": 14, "events": 7}
    again = cli("suggest", project.path, "--progress", "json")
    assert [json.loads(line)["event"] for line in again.out.splitlines()] == ["start", "finished"]
    bad = cli("suggest", project.path, "--progress", "json", "--model", "nonexistent_pipeline")
    assert bad.code == 1
    error = json.loads(bad.out.strip())
    assert error["event"] == "error" and "nonexistent_pipeline" in error["message"]
    with Project.open(project.path) as reopened:
        assert reopened.model == model


def test_cli_summary(cli, tmp_path):
    project, _ = _project(tmp_path)
    project.close()
    result = cli("suggest", project.path)
    assert result.code == 0
    assert "7 processed" in result.out and "GPE 7, PERSON 7" in result.out and "ATTACK 7" in result.out
    assert "7/7" in result.err


def test_cli_blank_fallback_notice(cli, tmp_path):
    path = tmp_path / "de.annotator"
    with Project.create(path, language="de") as project:
        add_documents(project, {"a": "Die Taliban griffen Kabul an."})
    models.clear_cache()
    lines = [json.loads(x) for x in cli("suggest", path, "--progress", "json").out.splitlines()]
    assert lines[0]["event"] == "notice" and "'de'" in lines[0]["message"]
    assert [x["event"] for x in lines[1:]] == ["start", "document", "finished"]
    models.clear_cache()
    result = cli("suggest", path, "--progress", "none")
    assert result.code == 0 and result.err.count("no spaCy pipeline for language 'de'") == 1


def test_cli_model_option_is_stored_and_everything_committed(cli, tmp_path):
    model = str(rules_pipeline(tmp_path / "rules", RULES))
    with Project.create(tmp_path / "p.annotator") as project:
        add_documents(project, TEXTS)
    result = cli("suggest", project.path, "--model", model, "--progress", "none")
    assert result.code == 0, result
    with Project.open(project.path, readonly=True) as reopened:  # a new connection sees all of it
        assert reopened.model == model
        assert reopened.suggestion_model() == models.resolve(model).key
        assert len(reopened.suggestions("d6").spans) == 2
