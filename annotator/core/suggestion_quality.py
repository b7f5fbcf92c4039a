"""How good the suggestions are: each annotator's finished work (documents marked done) is the reference.

Uses the span scoring shared with agreement (annotator.core.scoring): recall is over the annotator's spans,
precision over the suggestions. Only documents that have suggestions of the model are counted. Learned patterns
come from confirmed spans, so on the very documents they were learned from they flatter precision and recall.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.scoring import score_corpus
from annotator.store import annotations as ann_store
from annotator.store import suggestions as sugg_store

if TYPE_CHECKING:
    from annotator.core.project import Project


def done_documents(project: Project) -> dict[str, list[str]]:
    """annotator -> ids of the documents they marked done, in document order."""
    return ann_store.done_documents(project.db)


def suggestion_quality(project: Project, model: str | None = None) -> dict:
    """Per annotator: documents compared, exact and overlap PRF, per-label exact PRF, event-trigger PRF."""
    model = model or project.suggestion_model()
    if not model:
        return {}
    suggested = sugg_store.cached_documents(project.db, model)
    out: dict[str, dict] = {}
    for annotator, doc_ids in done_documents(project).items():
        spans, triggers = [], []
        for doc_id in doc_ids:
            if doc_id not in suggested:
                continue
            ann = project.annotation(doc_id, annotator)
            sugg = project.suggestions(doc_id, model)
            spans.append((doc_id, [s.key() for s in ann.spans], [s.key() for s in sugg.spans]))
            triggers.append(
                (
                    doc_id,
                    [(e.trigger_start, e.trigger_end, e.type) for e in ann.events],
                    [(e.trigger_start, e.trigger_end, e.type) for e in sugg.events],
                )
            )
        if not spans:
            continue
        exact = score_corpus(spans, "exact")
        out[annotator] = {
            "model": model,
            "documents": len(spans),
            "exact": exact.micro.to_dict(),
            "overlap": score_corpus(spans, "overlap").micro.to_dict(),
            "per_label": {label: prf.to_dict() for label, prf in exact.per_label.items()},
            "event_triggers": score_corpus(triggers, "exact").micro.to_dict(),
        }
    return out
