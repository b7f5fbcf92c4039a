"""Entity suggestions: the pipeline's NER mapped onto the scheme's labels, plus patterns learned from the project.

Every span an annotator confirmed becomes a phrase pattern (spaCy's PhraseMatcher on exact token text), so what
was labelled once is suggested in every article; where a learned pattern and the model overlap, the pattern wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from annotator.core.model import Span
from annotator.core.scheme import Scheme
from annotator.nlp.patterns import Pattern

# Common names other NER schemes use for the same things (CoNLL, OntoNotes, WikiNER).
ALIASES = {
    "PER": "PERSON",
    "PERSON": "PER",
    "ORGANIZATION": "ORG",
    "ORG": "ORGANIZATION",
    "LOCATION": "LOC",
    "LOC": "LOCATION",
}


class LabelMapper:
    """Maps model labels to scheme labels; counts what had to be dropped."""

    def __init__(self, scheme: Scheme):
        labels = scheme.entity_labels
        self._map: dict[str, str] = {label: label for label in labels}
        upper = {label.upper(): label for label in labels}
        extra = scheme.extra.get("label_map") if isinstance(scheme.extra, dict) else None
        extra = extra if isinstance(extra, dict) else {}  # a damaged label_map is ignored, not a crash
        self._explicit = {str(k): str(v) for k, v in extra.items() if str(v) in self._map}
        self._upper = upper
        self.dropped: Counter[str] = Counter()

    def __call__(self, label: str) -> str | None:
        if label in self._explicit:
            return self._explicit[label]
        if label in self._map:
            return label
        found = self._upper.get(label.upper()) or self._upper.get(ALIASES.get(label.upper(), ""))
        if found is None:
            self.dropped[label] += 1
        return found


class PatternMatcher:
    """A PhraseMatcher over the learned patterns; matching needs only the tokenizer."""

    def __init__(self, nlp: Language, patterns: Iterable[Pattern]):
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_label: dict[str, list[Doc]] = {}
        for label, text in patterns:
            by_label.setdefault(label, []).append(nlp.make_doc(text))
        for label, docs in by_label.items():
            self.matcher.add(label, docs)
        self.size = sum(len(d) for d in by_label.values())

    def spans(self, doc: Doc, offset: int = 0) -> list[Span]:
        if not self.size:
            return []
        found = [SpacySpan(doc, start, end, label=match_id) for match_id, start, end in self.matcher(doc)]
        return [
            Span(s.start_char + offset, s.end_char + offset, s.label_, source="pattern") for s in filter_spans(found)
        ]


def model_spans(doc: Doc, mapper: LabelMapper, offset: int = 0) -> list[Span]:
    out = []
    for ent in doc.ents:
        label = mapper(ent.label_)
        if label is not None:
            out.append(Span(ent.start_char + offset, ent.end_char + offset, label, source="model"))
    return out
