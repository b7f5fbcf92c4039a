"""Shared helpers for the window tests: small projects with tricky text and suggestions written into the store."""

from __future__ import annotations

from pathlib import Path

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document, Span, Suggestions
from annotator.core.project import Project
from annotator.store import documents as doc_store
from annotator.store.suggestions import write_suggestions

MODEL = "test_model@1.0"

# Emoji (2 UTF-16 units), CRLF (1 Qt separator), NBSP and a combining mark before the spans.
TRICKY = "Breaking 🔥🇦🇫 news\r\nFrom\u00a0Kabul: cafe\u0301 talk.\r\n\r\nThe Taliban attacked Lashkar Gah on Tuesday."
PLAIN = "Second article. Reuters reported fighting in Herat and Kandahar."
MARKUP = "<b>bold?</b> <script>alert(1)</script> &amp; Kabul"


def offsets(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def make_project(tmp_path: Path, texts: dict[str, str] | None = None, suggestions: dict | None = None) -> Path:
    """A project with the given articles (id -> text) and suggested spans (id -> [(needle, label)])."""
    texts = texts or {"a1": TRICKY, "a2": PLAIN, "a3": MARKUP}
    path = tmp_path / "window.annotator"
    with Project.create(path) as project:
        import_records(project, [ImportRecord(Document(doc_id, text)) for doc_id, text in texts.items()])
        add_suggestions(project, suggestions or {})
    return path


def add_suggestions(project: Project, suggestions: dict[str, list[tuple[str, str]]]) -> None:
    with project.db.atomic():
        for doc_id, items in suggestions.items():
            text = project.document(doc_id).text
            spans = [Span(*offsets(text, needle), label, source="model") for needle, label in items]
            write_suggestions(project.db, Suggestions(doc_id, MODEL, spans), doc_store.text_hash(text))
        project.set_setting("suggestion_model", MODEL)
