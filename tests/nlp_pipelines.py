"""Small spaCy pipelines built in tests (no model needed) and a helper to fill a project with articles."""

from __future__ import annotations

from pathlib import Path

import spacy

from annotator.core.importing import ImportRecord, import_records
from annotator.core.model import Document
from annotator.core.project import Project


def rules_pipeline(folder: Path, patterns: list[dict], name: str = "test_rules", version: str = "1.0.0") -> Path:
    """Save spacy.blank("en") + an entity ruler as a pipeline folder and return its path."""
    nlp = spacy.blank("en")
    nlp.meta["name"] = name
    nlp.meta["version"] = version
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    nlp.to_disk(folder)
    return folder


def add_documents(project: Project, texts: dict[str, str]) -> None:
    import_records(project, (ImportRecord(Document(doc_id, text), path="test") for doc_id, text in texts.items()))


def set_text(project: Project, doc_id: str, text: str) -> None:
    """Change an article's text in place, as a future `edit` feature would (store-level, for cache tests)."""
    from annotator.store.documents import text_hash

    with project.db.atomic():
        project.db.execute("UPDATE documents SET text = ?, text_hash = ? WHERE id = ?", [text, text_hash(text), doc_id])
